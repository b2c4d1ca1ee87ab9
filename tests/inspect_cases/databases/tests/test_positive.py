import pytest
from django.core.management import call_command
from django.db import connections
from django.test import TestCase, TransactionTestCase

from tests.base import ReplicaHelpers


class ReportTests(TestCase):
    def test_archive(self):
        Report.objects.using("replica").create(day=1)  # expect: FL005
        Report.objects.using("replica").count()


class ArchiveLoad(TransactionTestCase):
    def setUp(self):
        call_command("loaddata", "reports.json", database="archive")  # expect: FL005


class CopiesThroughMixin(ReplicaHelpers, TestCase):  # expect: FL005
    def test_copy(self):
        self.copy_to_replica(Report(day=2))


class RawCursor(TestCase):
    def test_cursor(self):
        with connections["replica"].cursor() as cursor:  # expect: FL005
            cursor.execute("SELECT 1")


@pytest.mark.django_db
def test_manager():
    Report.objects.db_manager("replica").create(day=3)  # expect: FL005


class Report:
    objects = None
