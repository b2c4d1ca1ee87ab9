"""The correct pattern: each test's session is joined to an outer transaction on one
connection, and rolled back at the end; the code under test may commit (it releases a
SAVEPOINT instead)."""

import pytest
from sqlalchemy.orm import Session

from inventory.db import engine as app_engine
from inventory.models import Base


@pytest.fixture(scope="session")
def engine():
    Base.metadata.create_all(app_engine)
    yield app_engine
    Base.metadata.drop_all(app_engine)
    app_engine.dispose()


@pytest.fixture
def session(engine):
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
