import pytest

from club.factories import OrderFactory


@pytest.mark.django_db
def test_checkout_creates_an_order():
    assert OrderFactory(total_cents=4200).total_cents == 4200
