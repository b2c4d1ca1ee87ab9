import pytest
from sqlalchemy.orm import Session

from app.db import SessionLocal, engine


@pytest.fixture
def session():
    """A session of its own: commits are real and nothing cleans up."""
    session = SessionLocal()
    yield session
    session.close()


@pytest.fixture
def clean_session():
    """Commits are real, but the tables are emptied after each test."""
    session = Session(engine)
    yield session
    session.execute("TRUNCATE products RESTART IDENTITY CASCADE")
    session.commit()
    session.close()


@pytest.fixture(scope="session")
def schema():
    conn = engine.raw_connection()
    conn.cursor().execute("CREATE TABLE IF NOT EXISTS products (sku text)")
    conn.commit()


@pytest.fixture
def seeded(session):
    session.add(object())
    session.commit()  # expect: FL007
    return session


@pytest.fixture(scope="module")
def billing_team(django_db_setup, django_db_blocker):
    from app.models import Team

    with django_db_blocker.unblock():
        return Team.objects.create(name="Billing")  # expect: FL007


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The documented place for a session-wide, read-only baseline."""
    from app.models import Team

    with django_db_blocker.unblock():
        Team.objects.create(name="Staff")
