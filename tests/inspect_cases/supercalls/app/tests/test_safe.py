"""Look-alikes that are fine."""

import unittest
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase, TestCase
from somelib.testing import LibraryTestCase

from app.models import Team
from app.testing import BaseCase


class CallsSuper(TestCase):
    @classmethod
    def tearDownClass(cls):
        cache.clear()
        super().tearDownClass()


class OldStyleSuper(TestCase):
    @classmethod
    def setUpClass(cls):
        super(OldStyleSuper, cls).setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            cache.clear()
        finally:
            super(OldStyleSuper, cls).tearDownClass()


class ThroughHelper(TestCase):
    @classmethod
    def tearDownClass(cls):
        cls._cleanup()

    @classmethod
    def _cleanup(cls):
        cache.clear()
        super().tearDownClass()


class ExplicitBase(TestCase):
    def setUp(self):
        BaseCase.setUp(self)

    @classmethod
    def tearDownClass(cls):
        TestCase.tearDownClass.__func__(cls)


class RegistersCleanup(TestCase):
    @classmethod
    def tearDownClass(cls):
        cls.addClassCleanup(super().tearDownClass)


class PlainUnittest(unittest.TestCase):
    """unittest.TestCase's four methods do nothing: not calling them is fine."""

    @classmethod
    def setUpClass(cls):
        cls.x = 1

    def setUp(self):
        self.y = 2

    def tearDown(self):
        pass


class DjangoSetUp(TestCase):
    """Django does its per-test work outside setUp/tearDown."""

    def setUp(self):
        self.team = Team.objects.create(name="a")

    def tearDown(self):
        cache.clear()


class DataBase(TestCase):
    def setUp(self):
        self.team = Team.objects.create(name="base")


class ReplacesData(DataBase):
    """Replacing a base's test data is an ordinary override."""

    def setUp(self):
        self.team = Team.objects.create(name="other")


class SettingsOnly(SimpleTestCase):
    """No database: SimpleTestCase's class-level work cannot leak rows."""

    @classmethod
    def setUpClass(cls):
        cls.ext = "docs/_ext"


class ReplacesFixtures(BaseCase):
    """Opens its own patch instead of the base's: a replacement, not a skipped setup."""

    def setUp(self):
        self.patcher = mock.patch("app.clock.now")
        self.now = self.patcher.start()


class UnknownBase(LibraryTestCase):
    """A base Faultline cannot see: no guess."""

    @classmethod
    def tearDownClass(cls):
        cache.clear()


class NotATest:
    def setUp(self):
        pass

    def tearDown(self):
        pass


class SetupMeantToFail(TestCase):
    """Django's own test of a failing setUpTestData: nothing is left to roll back."""

    @classmethod
    def setUpClass(cls):
        try:
            super().setUpClass()
        except ValueError:
            cls.failed = True

    @classmethod
    def tearDownClass(cls):
        pass

    @classmethod
    def setUpTestData(cls):
        raise ValueError("broken on purpose")
