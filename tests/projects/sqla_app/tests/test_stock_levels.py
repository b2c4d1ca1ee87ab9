from inventory.services import add_product, product_count


def test_stock_report_counts_new_products(session):
    add_product(session, "SKU-2001", "Milk jug")
    assert product_count(session) == 1


def test_session_commit_is_rolled_back(session):
    add_product(session, "SKU-2002", "Tamper")
    session.commit()  # releases the SAVEPOINT only; the outer transaction still rolls back
    assert product_count(session) == 1
