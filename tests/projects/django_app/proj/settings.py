"""Settings for the tiny shop project that Faultline's tests run for real.

The databases come from the environment so one project runs against PostgreSQL and SQLite:

    SHOP_DATABASE_URL     postgresql://user@host:port/shop   or   sqlite:////abs/path/shop.sqlite3
    REPORTS_DATABASE_URL  the same for the `reports` alias (defaults to a sibling of the first)
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "faultline-tests-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS: list[str] = []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "shop",
    "reports",
]

DATABASE_ROUTERS = ["proj.routers.ReportsRouter"]


def _database(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = parts.path
        stem = Path(path).with_suffix("")
        # A file (not Django's in-memory default) for the test database, so that separate
        # connections and threads see the same database, as they would on a server.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "TEST": {"NAME": f"{stem.parent}/test_{stem.name}.sqlite3"},
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": parts.username or "",
            "PASSWORD": parts.password or "",
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise ValueError(f"unsupported database URL {url!r}")


_default_url = os.environ.get("SHOP_DATABASE_URL", f"sqlite:///{BASE_DIR / 'shop.sqlite3'}")
_reports_url = os.environ.get("REPORTS_DATABASE_URL") or (
    _default_url.rsplit("/", 1)[0] + "/" + _default_url.rsplit("/", 1)[1].replace("shop", "reports", 1)
)

DATABASES = {
    "default": _database(_default_url),
    "reports": _database(_reports_url),
}
