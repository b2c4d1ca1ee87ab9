"""Overrides that skip a base method doing real work."""

from django.core.cache import cache
from django.test import TestCase, TransactionTestCase as TTC

from app.models import Team
from app.testing import BaseCase, CleanupBase


class TeamAdminTests(TestCase):
    """The seed thread's bug: the class transaction is never rolled back."""

    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    @classmethod
    def tearDownClass(cls):  # expect: FL001
        cache.clear()


class NoSetUpClass(TTC):
    @classmethod
    def setUpClass(cls):  # expect: FL001
        cls.value = 1


class ForgetsPatch(BaseCase):
    """Through a re-exported project base: its patch never starts, tearDown stops nothing."""

    def setUp(self):  # expect: FL001
        self.team = Team.objects.create(name="x")


class ForgetsCleanup(CleanupBase):
    def tearDown(self):  # expect: FL001
        cache.clear()


class NoisyMixin:
    """A mixin placed before the base: its setUp shadows BaseCase.setUp."""

    def setUp(self):  # expect: FL001
        self.noise = True


class MixedTests(NoisyMixin, BaseCase):
    def test_it(self):
        pass


class LayeredBase(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = {"a": 1}


class LayeredTests(LayeredBase):
    """Skips LayeredBase.setUpClass, and with it Django's, which LayeredBase would have called."""

    @classmethod
    def setUpClass(cls):  # expect: FL001
        cls.shared = {}


class ReRaisingSetup(TestCase):
    """The handler re-raises: a successful setup leaves a transaction open."""

    @classmethod
    def setUpClass(cls):
        try:
            super().setUpClass()
        except Exception:
            cache.clear()
            raise

    @classmethod
    def tearDownClass(cls):  # expect: FL001
        cache.clear()
