"""Scenario (d): rows committed to the second database, `reports`.

The tests declare both aliases, so Django lets them query `reports` and wraps it in the test
transaction too, but only on the test's own thread. close_day_in_background() writes the
report from a worker thread, on that thread's own connection to `reports`, in autocommit:
the row is committed for good. (Leaving 'reports' out of `databases` is no way to leak with
Django 5.2: any connection to it, from any thread, raises DatabaseOperationForbidden; see
test_report_guard.py.)
"""

import datetime

import pytest

from shop.factories import OrderFactory
from shop.services import close_day, close_day_in_background

MAY_DAY = datetime.date(2024, 5, 1)


@pytest.mark.django_db(databases=["default", "reports"])
def test_close_day_in_background():
    report = close_day_in_background(MAY_DAY).result(timeout=30)
    assert report.day == MAY_DAY


@pytest.mark.django_db(databases=["default", "reports"])
def test_close_day_counts_orders():
    OrderFactory.create_batch(2)
    report = close_day(MAY_DAY)
    assert report.orders == 2
