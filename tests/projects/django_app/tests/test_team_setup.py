"""Victim of scenario (h) when it runs after test_customer_lookup.py."""

import pytest

from shop.models import Team


@pytest.mark.django_db
def test_create_billing_team():
    Team.objects.create(name="Billing")
    assert Team.objects.count() == 2  # Staff (data migration) and Billing
