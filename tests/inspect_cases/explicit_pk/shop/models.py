from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Order(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    total = models.IntegerField(default=0)


class Coupon(models.Model):
    code = models.CharField(max_length=20, primary_key=True)
