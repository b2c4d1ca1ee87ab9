from django.core.cache import cache
from django.test import TestCase, TransactionTestCase


class Reasoned(TestCase):
    @classmethod
    def tearDownClass(cls):  # faultline: ignore[FL001] abstract base, never collected on its own
        cache.clear()


class NoReason(TestCase):
    @classmethod
    def tearDownClass(cls):  # faultline: ignore[FL001]
        cache.clear()


class WrongRule(TestCase):
    @classmethod
    def tearDownClass(cls):  # faultline: ignore[FL003] the rule id is not the one reported
        cache.clear()


class UnknownRule(TestCase):
    @classmethod
    def tearDownClass(cls):  # faultline: ignore[FL999] no such rule
        cache.clear()


class Flushes(TransactionTestCase):
    def test_text_in_a_string(self):
        assert "# faultline: ignore[FL001]" != ""
