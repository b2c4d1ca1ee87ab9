from django.test import TestCase


class StillInspected(TestCase):
    @classmethod
    def tearDownClass(cls):  # expect: FL001
        pass
