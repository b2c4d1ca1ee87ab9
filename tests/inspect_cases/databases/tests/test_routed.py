import pytest
from django.test import TestCase

from reports.models import DailyReport


class RoutedTests(TestCase):
    def test_report(self):
        DailyReport.objects.filter(day=None).count()  # expect: FL005


class RoutedDeclared(TestCase):
    databases = {"default", "replica"}

    def test_report(self):
        DailyReport.objects.create(day=None)


class RoutedButExplicit(TestCase):
    def test_report(self):
        DailyReport.objects.using("default").count()
        DailyReport(day=None)


@pytest.mark.django_db
def test_routed_mark():
    DailyReport.objects.create(day=None)  # expect: FL005
