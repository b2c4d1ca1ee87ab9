from django.test import TransactionTestCase


class SyncTests(TransactionTestCase):
    def test_commit(self):
        pass
