"""Application code the tests exercise."""

import datetime
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections

from reports.models import DailyReport
from shop.models import Customer, Order, Team

_report_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-writer")


def staff_team() -> Team:
    return Team.objects.get(name="Staff")


async def register_customer(email: str, name: str = "") -> Customer:
    return await Customer.objects.acreate(email=email, name=name)


def import_customers(rows) -> int:
    for email, name in rows:
        Customer.objects.create(email=email, name=name)
    return len(rows)


def close_day(day: datetime.date) -> DailyReport:
    """Write the day's report; the router sends it to the `reports` database."""
    return DailyReport.objects.create(day=day, orders=Order.objects.count())


def close_day_in_background(day: datetime.date) -> "Future[DailyReport]":
    """Write the day's report off the request thread."""

    def task():
        try:
            return close_day(day)
        finally:
            connections.close_all()

    return _report_writer.submit(task)
