from unittest import mock

from django.test import TestCase


class BaseCase(TestCase):
    """A project base: its setUp opens a patch that its tearDown stops."""

    def setUp(self):
        super().setUp()
        self.patcher = mock.patch("app.clock.now")
        self.now = self.patcher.start()

    def tearDown(self):
        self.patcher.stop()
        super().tearDown()


class CleanupBase(TestCase):
    def tearDown(self):
        from app.models import Upload

        Upload.delete_files()
        super().tearDown()
