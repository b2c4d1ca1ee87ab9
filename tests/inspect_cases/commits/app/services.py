from app.db import SessionLocal, connect, engine


def import_feed(rows):
    with SessionLocal.begin() as session:
        session.add_all(rows)


def load_raw(rows):
    conn = connect()
    conn.executemany("INSERT INTO products (sku) VALUES (?)", rows)
    conn.commit()


def archive(rows):
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO archive VALUES (1)")


def sync(rows):
    """One level more: sync() -> import_feed()."""
    import_feed(rows)


def add(session, row):
    session.add(row)
    session.flush()
