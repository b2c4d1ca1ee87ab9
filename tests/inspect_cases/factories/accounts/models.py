from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q, UniqueConstraint


class Sluggable(models.Model):
    slug = models.SlugField(unique=True)

    class Meta:
        abstract = True


class Group(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, default="team")


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    role = models.CharField(max_length=20)
    seat = models.IntegerField()
    badge = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        unique_together = ("role", "seat")
        constraints = [
            UniqueConstraint(fields=["badge"], condition=Q(active=True), name="one_active_badge"),
        ]


class Project(Sluggable):
    title = models.CharField(max_length=100)


class Member(AbstractUser):
    nickname = models.CharField(max_length=30, blank=True)
