"""Scenario (c): an async test using the ORM under @pytest.mark.django_db (no transaction=True).

pytest-django opens the test's transaction on the main thread's connection. The test itself
runs in an event loop on the main thread (anyio's pytest plugin; pytest-asyncio behaves the
same), so the async ORM (`acreate`) has no outer async_to_sync to return to: sync_to_async
runs the query in asgiref's executor thread, on that thread's own connection, in autocommit.
The row is committed and outlives the test. (Django's own async TestCase methods are wrapped
in async_to_sync, which keeps the ORM on the test's thread: those do not leak.)
"""

import pytest

from shop.services import import_customers, register_customer


@pytest.mark.anyio
@pytest.mark.django_db
async def test_register_customer():
    customer = await register_customer("ada@example.com", "Ada")
    assert customer.pk is not None


@pytest.mark.django_db
def test_import_customers():
    imported = import_customers([("ada@example.com", "Ada Lovelace"), ("alan@example.com", "Alan Turing")])
    assert imported == 2
