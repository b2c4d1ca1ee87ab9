"""A bulk loader that talks to the database directly, on its own connection."""

from django.db import connections


def _connect(alias: str = "default"):
    settings = connections[alias].settings_dict
    if connections[alias].vendor == "postgresql":
        import psycopg

        return psycopg.connect(
            dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None, port=settings["PORT"] or None,
        )
    import sqlite3

    return sqlite3.connect(settings["NAME"])


def bulk_load_customers(rows) -> int:
    conn = _connect()
    try:
        cur = conn.cursor()
        placeholder = "%s" if connections["default"].vendor == "postgresql" else "?"
        cur.executemany(
            f"INSERT INTO shop_customer (email, name) VALUES ({placeholder}, {placeholder})", rows
        )
        conn.commit()
    finally:
        conn.close()
    return len(rows)
