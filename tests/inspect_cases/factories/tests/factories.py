import factory
from django.contrib.auth.models import Group as AuthGroup
from factory.alchemy import SQLAlchemyModelFactory

from accounts import models
from accounts.models import Member, Membership, Project
from inventory.models import Warehouse


class GroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Group {n}")

    class Meta:
        model = models.Group


class AdminGroupFactory(GroupFactory):
    """The seed thread's factory: the model comes from the parent's Meta."""

    name = "ADMIN"  # expect: FL003


class WellKnownGroupFactory(GroupFactory):
    name = "STAFF"

    class Meta:
        django_get_or_create = ("name",)


class KindFactory(GroupFactory):
    kind = "department"  # not unique


class NullNameFactory(GroupFactory):
    name = None


class FakerGroupFactory(GroupFactory):
    name = factory.Faker("company")


class LabelledGroupFactory(factory.django.DjangoModelFactory):
    name = f"support"  # expect: FL003

    class Meta:
        model = "accounts.Group"


class SeatFactory(factory.django.DjangoModelFactory):
    group = factory.SubFactory(GroupFactory)
    role = "member"
    seat = factory.Sequence(int)
    badge = "B-1"  # conditional unique constraint: not a collision we can assert

    class Meta:
        model = Membership


class FrontDeskFactory(SeatFactory):
    role = "front-desk"  # expect: FL003
    seat = 1


class ProjectFactory(factory.django.DjangoModelFactory):
    slug = "launch"  # expect: FL003
    title = "Launch"

    class Meta:
        model = Project


class AbstractNamedFactory(factory.django.DjangoModelFactory):
    name = "placeholder"

    class Meta:
        model = models.Group
        abstract = True


class ConcreteNamedFactory(AbstractNamedFactory):
    name = factory.Sequence(lambda n: f"named-{n}")


class AdminUserFactory(factory.django.DjangoModelFactory):
    username = "admin"  # expect: FL003
    email = "admin@example.com"

    class Meta:
        model = Member


class AuthAdminsFactory(factory.django.DjangoModelFactory):
    name = "admins"  # expect: FL003

    class Meta:
        model = AuthGroup


class MainWarehouseFactory(SQLAlchemyModelFactory):
    name = "main"  # expect: FL003
    region = "eu"
    code = factory.Sequence(str)

    class Meta:
        model = Warehouse


class DepotFactory(SQLAlchemyModelFactory):
    name = factory.Sequence(lambda n: f"depot-{n}")
    region = "us"  # expect: FL003
    code = "D1"

    class Meta:
        model = Warehouse


class SharedWarehouseFactory(SQLAlchemyModelFactory):
    name = "shared"
    region = "eu"
    code = "S"

    class Meta:
        model = Warehouse
        sqlalchemy_get_or_create = ("name",)


class UnknownModelFactory(factory.django.DjangoModelFactory):
    name = "constant"

    class Meta:
        model = "elsewhere.Thing"


class NotAFactory:
    name = "ADMIN"
