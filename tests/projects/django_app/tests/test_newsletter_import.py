"""Scenario (e): raw SQL committed through a separate connection.

The bulk loader opens its own DB-API connection (psycopg or sqlite3) for speed. That
connection is not the one pytest-django wrapped in the test transaction, and it commits.
"""

import pytest

from shop.factories import CustomerFactory
from shop.loader import bulk_load_customers
from shop.models import Customer


@pytest.mark.django_db
def test_bulk_load_subscribers():
    loaded = bulk_load_customers([("grace@example.com", "Grace Hopper"), ("edsger@example.com", "Edsger Dijkstra")])
    assert loaded == 2


@pytest.mark.django_db
def test_signup_form_creates_customer():
    customer = CustomerFactory(email="grace@example.com")
    assert Customer.objects.get(email="grace@example.com") == customer
