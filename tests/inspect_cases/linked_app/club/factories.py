import factory

from club.models import Member, Order, Team


class TeamFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Team {n}")

    class Meta:
        model = Team


class AdminTeamFactory(TeamFactory):
    name = "ADMIN"  # expect: FL003


class MemberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    team = factory.SubFactory(TeamFactory)

    class Meta:
        model = Member


class AdminMemberFactory(MemberFactory):
    team = factory.SubFactory(AdminTeamFactory)


class OrderFactory(factory.django.DjangoModelFactory):
    member = factory.SubFactory(MemberFactory)

    class Meta:
        model = Order
