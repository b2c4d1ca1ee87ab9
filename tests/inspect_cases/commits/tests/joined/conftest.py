import pytest
from sqlalchemy.orm import Session

from app.db import engine


@pytest.fixture
def session():
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    outer.rollback()
    connection.close()
