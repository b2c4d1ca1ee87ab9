import os

DATABASES = {
    "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"},
    "replica": {"ENGINE": "django.db.backends.postgresql", "NAME": "app_replica"},
}
if os.environ.get("WITH_ARCHIVE"):
    DATABASES["archive"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": "archive.sqlite3"}
DATABASE_ROUTERS = ["proj.routers.ReportsRouter"]
