"""Application code: the feed importer opens its own session and commits, as it must in production."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.db import SessionLocal
from inventory.models import Product


def import_feed(rows) -> int:
    """Upsert-free bulk import from the supplier feed, in its own unit of work."""
    with SessionLocal.begin() as session:
        session.add_all(Product(sku=sku, name=name) for sku, name in rows)
    return len(rows)


def add_product(session: Session, sku: str, name: str) -> Product:
    product = Product(sku=sku, name=name)
    session.add(product)
    session.flush()
    return product


def product_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Product))
