from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)


class Member(models.Model):
    email = models.EmailField(unique=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)


class Order(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    total_cents = models.IntegerField(default=0)
