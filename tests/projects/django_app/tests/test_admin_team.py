"""Scenario (g): a factory with a constant unique value.

AdminTeamFactory sets name = "ADMIN" without django_get_or_create, and every
AdminCustomerFactory builds one through a SubFactory: the second admin INSERTs a second
'ADMIN' team. This one fails on its own too: it is the factory, not the order.
"""

import pytest

from shop.factories import AdminCustomerFactory


@pytest.mark.django_db
def test_admin_customer_belongs_to_admin_team():
    admin = AdminCustomerFactory()
    assert admin.team.name == "ADMIN"


@pytest.mark.django_db
def test_two_admins_share_admin_team():
    first = AdminCustomerFactory()
    second = AdminCustomerFactory()
    assert first.team == second.team
