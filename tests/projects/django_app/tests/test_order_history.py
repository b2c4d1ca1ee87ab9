"""Scenario (f): an explicit primary key next to the id sequence (PostgreSQL).

OrderHistoryTests keeps a legacy order with its old id, 2. Inserting a row with an explicit
id never advances the table's sequence, and sequences are not rolled back with the test
transaction. Run alone, the sequence hands out 1 and all is well; after any test that created
one order, it hands out 2.
"""

import pytest
from django.test import TestCase

from shop.factories import CustomerFactory, OrderFactory
from shop.models import Order


@pytest.mark.django_db
def test_checkout_creates_order():
    order = OrderFactory(total_cents=4200)
    assert order.total_cents == 4200


class OrderHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.customer = CustomerFactory()
        cls.legacy = Order.objects.create(id=2, customer=cls.customer, total_cents=500)

    def test_new_order_listed_after_legacy(self):
        Order.objects.create(customer=self.customer, total_cents=700)
        self.assertEqual(self.customer.orders.count(), 2)
