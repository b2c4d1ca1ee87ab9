from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Order(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    total = models.IntegerField(default=0)


class Coupon(models.Model):
    code = models.CharField(max_length=20, primary_key=True)


class LegacyInvoice(models.Model):
    """Numbered by the accounting system: no sequence behind the key."""

    number = models.IntegerField(primary_key=True)


class Seat(models.Model):
    pk = models.CompositePrimaryKey("row", "id")
    row = models.CharField(max_length=2)
    id = models.SmallIntegerField()
