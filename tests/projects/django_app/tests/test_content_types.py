"""Not leaked test rows: transactional tests with and without serialized_rollback.

A transactional test without serialized_rollback flushes the tables and lets post_migrate
re-create the content types; the next test with serialized_rollback=True reloads the
snapshot taken after migrating, content types included, on top of them: a duplicate key in
django_content_type. A test-database setup conflict, not one test's rows in another.
"""

import pytest

from shop.models import Team


@pytest.mark.django_db(transaction=True)
def test_rename_staff_team():
    Team.objects.filter(name="Staff").update(name="Staff members")
    assert Team.objects.filter(name="Staff members").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_team_restored():
    assert Team.objects.filter(name="Staff").count() == 1
