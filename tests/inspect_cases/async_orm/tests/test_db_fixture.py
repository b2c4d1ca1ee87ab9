async def test_with_db_fixture(db):  # expect: FL004
    from shop.models import Customer

    await Customer.objects.acreate(email="g@example.com")
