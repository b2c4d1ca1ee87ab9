"""The same situations written correctly: nothing here leaks, in any order.

Every transactional test restores the migrated data (serialized_rollback=True); mixing
transactional tests with and without it is its own failure (see test_content_types.py).
"""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.test import TestCase, TransactionTestCase

from reports.models import DailyReport
from shop.factories import AdminCustomerFactory, CustomerFactory, OrderFactory, TeamFactory
from shop.models import Customer, Order, Team
from shop.services import close_day, import_customers, register_customer


class CatalogTeamTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.design = Team.objects.create(name="Design")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()

    def test_design_team(self):
        self.assertEqual(Team.objects.filter(name="Design").count(), 1)


class CatalogTeamAgainTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.design = Team.objects.create(name="Design")

    def test_design_team_again(self):
        self.assertEqual(Team.objects.filter(name="Design").count(), 1)


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_register_customer_transactional():
    customer = await register_customer("mary@example.com", "Mary")
    assert customer.pk is not None
    await sync_to_async(connections.close_all)()  # as Django does at the end of a request


@pytest.mark.django_db
def test_import_mary():
    assert import_customers([("mary@example.com", "Mary Somerville")]) == 1


class CatalogSyncTests(TransactionTestCase):
    serialized_rollback = True

    def test_sync_commits_new_team(self):
        with transaction.atomic():
            Team.objects.create(name="Research")
        self.assertTrue(Team.objects.filter(name="Research").exists())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_team_still_seeded():
    assert Team.objects.filter(name="Staff").count() == 1


@pytest.mark.django_db(databases=["default", "reports"])
def test_report_for_june():
    OrderFactory()
    assert close_day(datetime.date(2024, 6, 30)).orders == 1
    assert DailyReport.objects.count() == 1


@pytest.mark.django_db
def test_factories_make_distinct_rows():
    customers = CustomerFactory.create_batch(3)
    teams = TeamFactory.create_batch(2)
    assert len({c.email for c in customers}) == 3
    assert Team.objects.filter(pk__in=[t.pk for t in teams]).count() == 2
    assert AdminCustomerFactory().team.name == "ADMIN"
    assert Order.objects.count() == 0
    assert Customer.objects.count() == 4
