from django.db import models


class DailyReport(models.Model):
    day = models.DateField(unique=True)
