"""The application's engine and session factory (SQLAlchemy 2).

INVENTORY_DATABASE_URL selects the database, e.g. postgresql+psycopg://user@host:port/inventory
or sqlite:////abs/path/inventory.sqlite3.
"""

import os

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

DATABASE_URL = os.environ.get("INVENTORY_DATABASE_URL", "sqlite:///inventory.sqlite3")

engine = create_engine(DATABASE_URL)

if engine.dialect.name == "sqlite":
    # pysqlite's own transaction handling gets in the way of SAVEPOINT: let SQLAlchemy emit
    # BEGIN itself (the recipe from SQLAlchemy's SQLite dialect documentation).
    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN")


SessionLocal = sessionmaker(engine, expire_on_commit=False)
