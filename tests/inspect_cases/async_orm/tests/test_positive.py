import pytest
from asgiref.sync import sync_to_async
from django.test import TestCase

from shop.models import Customer
from shop.services import welcome

pytestmark = pytest.mark.django_db


@pytest.mark.asyncio
async def test_counts():  # expect: FL004
    assert await Customer.objects.acount() == 0


@pytest.mark.anyio
@pytest.mark.django_db(transaction=False)
async def test_explicitly_not_transactional():  # expect: FL004
    await Customer.objects.filter(email="a@example.com").aexists()


async def test_through_a_service():  # expect: FL004
    await welcome("b@example.com")


async def test_sync_to_async():  # expect: FL004
    await sync_to_async(Customer.objects.create)(email="c@example.com")


async def test_async_iteration():  # expect: FL004
    async for customer in Customer.objects.all():
        assert customer.email


async def test_instance_save(customer):  # expect: FL004
    customer.email = "d@example.com"
    await customer.asave()


@pytest.mark.django_db
class TestMarkedClass:
    async def test_get(self):  # expect: FL004
        await Customer.objects.aget(email="e@example.com")


class TestCaseAsync(TestCase):
    """Django runs TestCase's async tests through async_to_sync: no leak."""

    async def test_acreate(self):
        await Customer.objects.acreate(email="f@example.com")
