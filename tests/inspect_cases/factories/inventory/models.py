from sqlalchemy import Column, Integer, String, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("region", "code"),)
    id = Column(Integer, primary_key=True)
    name = Column(String(50), unique=True)
    region = Column(String(10))
    code = Column(String(10))
