import factory

from shop.models import Order, Team


class TeamFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"team-{n}")

    class Meta:
        model = Team


class OrderFactory(factory.django.DjangoModelFactory):
    team = factory.SubFactory(TeamFactory)

    class Meta:
        model = Order
