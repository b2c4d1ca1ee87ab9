from django.test import TestCase


class AllDatabases:
    databases = "__all__"


class ReplicaHelpers:
    def copy_to_replica(self, obj):
        obj.save(using="replica")


class LegacyMultiDb(TestCase):
    multi_db = True
