"""Look-alikes that are fine."""

import unittest

from django.core.cache import cache
from django.test import TestCase
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
