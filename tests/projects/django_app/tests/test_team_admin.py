"""Scenario (b): a TestCase whose tearDownClass does not call super().

TestCase wraps the whole class in a transaction it rolls back in tearDownClass. Skip
super().tearDownClass() and the transaction stays open: the next test class runs inside it,
with this class's setUpTestData rows still there.
"""

from django.core.cache import cache
from django.test import TestCase

from shop.models import Team


class TeamAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    @classmethod
    def tearDownClass(cls):
        cache.clear()  # forgot super().tearDownClass()

    def test_rename_team(self):
        self.support.name = "Customer Support"
        self.support.save()
        self.assertEqual(Team.objects.get(pk=self.support.pk).name, "Customer Support")


class TeamDirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    def test_lists_support_team(self):
        self.assertIn("Support", list(Team.objects.values_list("name", flat=True)))
