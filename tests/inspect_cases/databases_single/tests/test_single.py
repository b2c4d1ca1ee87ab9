from django.test import TestCase


class OneDatabase(TestCase):
    """`replica` is no alias of this project: nothing to declare."""

    def test_using(self):
        Report.objects.using("replica").create(day=1)


class Report:
    objects = None
