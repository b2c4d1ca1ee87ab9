"""Scenario (a): a TransactionTestCase empties the tables behind it.

TransactionTestCase (and pytest-django's `transactional_db`) commits for real and cleans up
by flushing every table after each test. Rows it committed do not survive that flush, but
neither do the rows the data migration 0002_seed_staff_team inserted, so a later transactional
test that relies on them finds them gone (Django's fix: `serialized_rollback = True`).
"""

import pytest
from django.db import transaction
from django.test import TransactionTestCase

from shop.models import Team


class TeamSyncTests(TransactionTestCase):
    """Needs real COMMITs (on_commit hooks), hence TransactionTestCase."""

    def test_sync_commits_new_team(self):
        with transaction.atomic():
            Team.objects.create(name="Platform")
        self.assertTrue(Team.objects.filter(name="Platform").exists())


@pytest.mark.django_db(transaction=True)
def test_staff_team_is_seeded():
    assert Team.objects.filter(name="Staff").count() == 1
