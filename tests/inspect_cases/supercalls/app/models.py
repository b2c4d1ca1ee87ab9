from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Upload(models.Model):
    path = models.CharField(max_length=200)

    @classmethod
    def delete_files(cls):
        pass
