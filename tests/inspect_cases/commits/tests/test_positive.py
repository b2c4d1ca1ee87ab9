import psycopg
import pytest
from django.db import connection
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import engine
from app.services import archive, import_feed, load_raw, sync


def test_raw_psycopg():
    conn = psycopg.connect("dbname=app")
    conn.execute("INSERT INTO products VALUES ('x')")
    conn.commit()  # expect: FL007


def test_statement_commit():
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO shop_team (name) VALUES ('x')")
        cursor.execute("COMMIT;")  # expect: FL007


def test_django_dbapi_connection():
    connection.connection.commit()  # expect: FL007


def test_truncate(clean_session):
    clean_session.execute(text("TRUNCATE products"))  # expect: FL007


def test_own_session():
    with Session(engine) as own:
        own.add(object())
        own.commit()  # expect: FL007


def test_fixture_session(session):
    session.add(object())
    session.commit()  # expect: FL007


def test_calls_importer():
    import_feed([])  # expect: FL007
    load_raw([])  # expect: FL007
    archive([])  # expect: FL007


def test_two_levels_down():
    sync([])  # expect: FL007


@pytest.mark.django_db
def test_unrelated(billing_team):
    assert billing_team.name
