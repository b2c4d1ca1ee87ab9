import sqlite3

import pytest
from django.db import transaction
from django.test import TransactionTestCase

from app.services import add


def test_commit_releases_a_savepoint(session):
    add(session, object())
    session.commit()


def test_clean_session(clean_session):
    clean_session.add(object())
    clean_session.commit()


def test_django_transaction_commit():
    """Django raises inside a test transaction: loud, not a leak."""
    transaction.commit()


class Flushed(TransactionTestCase):
    def test_raw(self):
        conn = sqlite3.connect("app.sqlite3")
        conn.commit()


@pytest.mark.django_db(transaction=True)
def test_transactional_mark():
    conn = sqlite3.connect("app.sqlite3")
    conn.commit()


def test_select_only():
    conn = sqlite3.connect(":memory:")
    conn.execute("SELECT 1")
    conn.close()


@pytest.fixture
def emptied(session):
    yield
    session.execute("TRUNCATE products")


def helper():
    conn = sqlite3.connect("x")
    conn.commit()


def test_private_in_memory_databases():
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine("sqlite://")
    with Session(engine) as own:
        own.commit()
    raw = sqlite3.connect(":memory:")
    raw.commit()
