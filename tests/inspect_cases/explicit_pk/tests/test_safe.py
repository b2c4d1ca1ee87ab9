import uuid

import pytest
from django.test import SimpleTestCase, TestCase

from shop.factories import OrderFactory, TeamFactory
from shop.models import Coupon, LegacyInvoice, Order, Seat, Team


class FromVariables(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.team = TeamFactory()
        cls.order = Order.objects.create(team=cls.team)
        cls.copy = Order.objects.create(id=cls.order.pk + 100, team=cls.team)
        cls.same = Order.objects.filter(pk=1).first()
        cls.coupon = Coupon.objects.create(pk="WELCOME")
        cls.unsaved = Order(id=9, team=cls.team)
        cls.built = OrderFactory.build(id=10)
        cls.updated = Order.objects.filter(team=cls.team).update(total=5)
        cls.key = uuid.uuid4()

    def test_explicit_id_inside_a_test(self):
        """Rolled back with the test: no other test inserts next to it."""
        Order.objects.create(id=11, team=self.team)


class KeysWithoutSequence(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.invoice = LegacyInvoice.objects.create(pk=1001)
        cls.seat = Seat.objects.create(row="A", id=1)

    def test_more(self):
        LegacyInvoice.objects.create(number=1002)
        Seat.objects.create(row="B", id=2)


class NothingInsertsNext(TestCase):
    """Fixed ids, but no insert into the table while they exist: no collision possible."""

    @classmethod
    def setUpTestData(cls):
        cls.team = Team.objects.create(id=1, name="fixed")

    def test_reads(self):
        assert Team.objects.get(pk=1).name == "fixed"
        Order.objects.create(team=self.team)


class NoDatabase(SimpleTestCase):
    def setUp(self):
        self.team = Team(id=1, name="unsaved")

    def test_it(self):
        Team(name="x")


@pytest.fixture
def order_id():
    return 5


@pytest.fixture
def lookup(db, order_id):
    return Order.objects.get(pk=1)


@pytest.fixture
def fixed_team(db):
    return Team.objects.create(id=3, name="fixed")


def test_fixed_team_alone(fixed_team):
    assert Order.objects.count() == 0


def helper_not_a_fixture():
    return Order.objects.create(id=1, team=None)
