import sqlite3

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app")
SessionLocal = sessionmaker(engine)


def connect():
    return sqlite3.connect("app.sqlite3")
