"""The supplier feed import commits through the application's own SessionLocal, on another
connection than the test's `session`, outside the rolled-back test transaction."""

from inventory.services import add_product, import_feed, product_count


def test_import_feed(session):
    imported = import_feed([("SKU-1001", "Espresso beans 1kg"), ("SKU-1002", "Filter papers")])
    assert imported == 2
    assert product_count(session) == 2


def test_add_product(session):
    product = add_product(session, "SKU-1001", "Espresso beans 1kg")
    assert product.id is not None
