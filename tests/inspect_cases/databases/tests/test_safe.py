import pytest
from django.db import connections
from django.test import SimpleTestCase, TestCase
from otherlib.testing import MultiDbCase

from tests.base import AllDatabases, LegacyMultiDb, ReplicaHelpers

ALIAS = "replica"


class Declared(TestCase):
    databases = {"default", "replica"}

    def test_archive(self):
        Report.objects.using("replica").create(day=1)


class DeclaredByMixin(AllDatabases, ReplicaHelpers, TestCase):
    def test_copy(self):
        self.copy_to_replica(Report(day=2))


class DeclaredLegacy(LegacyMultiDb):
    def test_copy(self):
        Report.objects.using("replica").count()


class DefaultOnly(TestCase):
    def test_default(self):
        Report.objects.using("default").create(day=3)
        connections["default"].close()


class ThroughVariable(TestCase):
    def test_variable(self):
        Report.objects.using(ALIAS).create(day=4)


class UnknownBase(MultiDbCase):
    def test_archive(self):
        Report.objects.using("replica").create(day=5)


class NotADatabaseTest(SimpleTestCase):
    def test_label(self):
        assert "replica" in "replica set"


@pytest.mark.django_db(databases=["default", "replica"])
def test_declared_mark():
    Report.objects.using("replica").create(day=6)


def test_no_mark():
    Report.objects.using("replica")


class Report:
    objects = None


class ExpectsRefusal(TestCase):
    def test_undeclared_alias_is_refused(self):
        with self.assertRaisesMessage(Exception, "Database queries to 'replica' are not allowed"):
            Report.objects.using("replica").count()
        with pytest.raises(Exception):
            connections["replica"].cursor()

    def test_registers_a_wrapper_only(self):
        with connections["replica"].execute_wrapper(print):
            pass
