"""Not a leak: Django refuses any connection to an alias the test did not declare.

Both tests declare only 'default' but write the report to 'reports'. Django 5.2 raises
DatabaseOperationForbidden on the test's thread and on other threads alike, so nothing is
written and nothing can leak: this is a database-access failure, not test pollution.
"""

import datetime

import pytest

from shop.services import close_day, close_day_in_background


@pytest.mark.django_db  # only 'default'
def test_close_day_writes_report():
    report = close_day(datetime.date(2024, 6, 1))
    assert report.orders == 0


@pytest.mark.django_db  # only 'default'
def test_close_day_in_background_writes_report():
    report = close_day_in_background(datetime.date(2024, 6, 2)).result(timeout=30)
    assert report.orders == 0
