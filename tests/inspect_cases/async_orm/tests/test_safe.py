import pytest
from django.core.cache import cache

from shop.models import Customer
from shop.services import render_banner


@pytest.mark.django_db(transaction=True)
async def test_transactional():
    await Customer.objects.acreate(email="h@example.com")


async def test_transactional_fixture(transactional_db):
    await Customer.objects.acreate(email="i@example.com")


async def test_live_server(live_server):
    await Customer.objects.acount()


@pytest.mark.django_db
async def test_no_orm():
    assert await render_banner() == "hello"


@pytest.mark.django_db
async def test_cache_only():
    await cache.aset("k", 1)
    assert await cache.aget("k") == 1


async def test_no_mark():
    """pytest-django refuses the query loudly: another failure, not a leak."""
    await Customer.objects.acount()


@pytest.mark.django_db
def test_sync():
    Customer.objects.create(email="j@example.com")
