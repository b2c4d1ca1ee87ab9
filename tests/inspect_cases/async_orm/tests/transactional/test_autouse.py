import pytest

from shop.models import Customer


@pytest.mark.django_db
async def test_under_autouse():
    await Customer.objects.acreate(email="k@example.com")
