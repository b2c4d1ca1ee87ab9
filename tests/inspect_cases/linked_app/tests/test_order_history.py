from django.test import TestCase

from club.factories import MemberFactory
from club.models import Order


class OrderHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = MemberFactory()
        cls.legacy = Order.objects.create(id=2, member=cls.member, total_cents=500)  # expect: FL002

    def test_new_order_listed_after_legacy(self):
        Order.objects.create(member=self.member, total_cents=700)
        self.assertEqual(Order.objects.filter(member=self.member).count(), 2)
