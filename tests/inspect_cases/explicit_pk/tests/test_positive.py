import pytest
from django.test import TestCase, TransactionTestCase

from shop.factories import OrderFactory
from shop.models import Order, Team
from shop.tables import Product


class OrderHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.team = Team.objects.create(name="a")
        cls.legacy = Order.objects.create(id=2, team=cls.team)  # expect: FL002

    def test_new_order(self):
        Order.objects.create(team=self.team)


class SaveInSetUp(TransactionTestCase):
    def setUp(self):
        team = Team(pk=5, name="b")  # expect: FL002
        team.save()
        self.team, _ = Team.objects.get_or_create(pk=6, defaults={"name": "c"})  # expect: FL002


class SaveInSetUpSubclass(SaveInSetUp):
    """The insert that collides lives in a subclass: the setup rows exist there too."""

    def test_more_teams(self):
        Team.objects.bulk_create([Team(name="d"), Team(name="e")])


@pytest.fixture
def legacy_orders(db):
    team = Team.objects.using("default").create(name="d")
    Order.objects.bulk_create([Order(id=1, team=team), Order(id=3, team=team)])  # expect: FL002, FL002
    return OrderFactory(id=4)  # expect: FL002


def test_checkout(legacy_orders):
    OrderFactory()


@pytest.fixture
def product(session):
    session.add(Product(id=1, sku="SKU-1"))  # expect: FL002
    return session


@pytest.fixture
def catalog(product):
    return product


def test_add_product(catalog):
    catalog.add(Product(sku="SKU-2"))


class TestPlain:
    def setup_method(self):
        OrderFactory.create(
            id=7,  # expect: FL002
        )

    def test_order(self):
        Order.objects.create(team=None)
