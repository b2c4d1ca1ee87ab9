from django.core.cache import cache
from django.test import TestCase

from club.models import Team


class TeamAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    @classmethod
    def tearDownClass(cls):  # expect: FL001
        cache.clear()

    def test_rename(self):
        self.support.name = "Help desk"
        self.support.save()
        self.assertEqual(Team.objects.get(pk=self.support.pk).name, "Help desk")


class TeamDirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    def test_lists_support(self):
        self.assertIn("Support", list(Team.objects.values_list("name", flat=True)))
