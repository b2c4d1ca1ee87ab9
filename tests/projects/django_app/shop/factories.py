import factory

from shop.models import Customer, Order, Team


class TeamFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Team {n}")

    class Meta:
        model = Team


class AdminTeamFactory(TeamFactory):
    # The constant unique value, and no django_get_or_create = ("name",): every
    # AdminTeamFactory() INSERTs another 'ADMIN' row.
    name = "ADMIN"


class CustomerFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    name = factory.Faker("name")

    class Meta:
        model = Customer


class AdminCustomerFactory(CustomerFactory):
    team = factory.SubFactory(AdminTeamFactory)


class OrderFactory(factory.django.DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    total_cents = 1999

    class Meta:
        model = Order
