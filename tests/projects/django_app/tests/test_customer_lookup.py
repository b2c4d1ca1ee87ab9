"""Scenario (h): a module-scoped fixture that writes with django_db_blocker.unblock().

The fixture runs outside any test, so outside every test transaction: its rows are
committed and stay for the rest of the session, in every module that runs after this one.
"""

import pytest

from shop.models import Customer, Team


@pytest.fixture(scope="module")
def billing_team(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return Team.objects.create(name="Billing")


@pytest.mark.django_db
def test_lookup_by_team(billing_team):
    Customer.objects.create(email="linus@example.com", team=billing_team)
    assert Customer.objects.filter(team__name="Billing").count() == 1
