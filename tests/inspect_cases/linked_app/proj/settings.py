import os
from urllib.parse import urlsplit

SECRET_KEY = "tests"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "club"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path, "TEST": {"NAME": parts.path}}
    return {
        "ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"), "USER": parts.username,
        "PASSWORD": parts.password or "", "HOST": parts.hostname, "PORT": parts.port or "",
    }


DATABASES = {"default": _database(os.environ.get("LINKED_DATABASE_URL", "sqlite:////tmp/club.sqlite3"))}
