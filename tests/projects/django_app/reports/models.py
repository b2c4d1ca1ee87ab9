from django.db import models


class DailyReport(models.Model):
    """Lives in the `reports` database (see proj.routers)."""

    day = models.DateField(unique=True)
    orders = models.PositiveIntegerField(default=0)
