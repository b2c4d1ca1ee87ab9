"""Added wall time of the database guard on a 300-test Django + PostgreSQL suite.

Generates a small Django project (3 models, 300 pytest-django tests that create, query and
count rows inside their transactions), starts a throwaway PostgreSQL (tests/support), and
times `pytest` with and without `--faultline-db-guard`. Needs the test extras installed.

Run: python benchmarks/bench_db_guard.py [tests]   (default 300)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.postgres import PostgresServer  # noqa: E402

SETTINGS = """
import os
SECRET_KEY = "bench"
USE_TZ = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "bench"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": "bench",
    "HOST": os.environ["BENCH_PG_HOST"], "PORT": os.environ["BENCH_PG_PORT"], "USER": "faultline",
}}
"""
MODELS = """
from django.db import models

class Author(models.Model):
    email = models.EmailField(unique=True)

class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=100)

class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()
"""
TEST = """
import pytest
from bench.models import Author, Book, Review

@pytest.mark.django_db
@pytest.mark.parametrize("n", range({count}))
def test_library(n):
    author = Author.objects.create(email=f"a{{n}}@example.com")
    book = Book.objects.create(author=author, title=f"Book {{n}}")
    for stars in range(3):
        Review.objects.create(book=book, stars=stars)
    assert Review.objects.filter(book__author=author).count() == 3
"""


def make_project(root: Path, count: int) -> None:
    (root / "bench" / "migrations").mkdir(parents=True)
    (root / "bench" / "__init__.py").write_text("")
    (root / "bench" / "migrations" / "__init__.py").write_text("")
    (root / "bench" / "models.py").write_text(MODELS)
    (root / "bench_settings.py").write_text(SETTINGS)
    (root / "test_library.py").write_text(TEST.format(count=count))
    (root / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = bench_settings\npythonpath = .\n")


def timed(root: Path, env: dict, *extra: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--create-db", *extra],
        cwd=root, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(result.stdout[-2000:] + result.stderr[-2000:])
    if extra and "No test left committed changes behind" not in result.stdout:
        raise SystemExit("the guard did not report:\n" + result.stdout[-2000:])
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory(prefix="faultline-guard-bench-") as tmp, PostgresServer() as pg:
        root = Path(tmp)
        make_project(root, count)
        env = {**os.environ, "BENCH_PG_HOST": "127.0.0.1", "BENCH_PG_PORT": str(pg.port)}
        subprocess.run([sys.executable, "-m", "django", "makemigrations", "bench", "--settings", "bench_settings"],
                       cwd=root, env={**env, "PYTHONPATH": str(root)}, check=True, capture_output=True)
        timed(root, env)  # warm the file cache and the pyc files
        plain = min(timed(root, env) for _ in range(3))
        guarded = min(timed(root, env, "--faultline-db-guard") for _ in range(3))
        print(f"machine: {os.cpu_count()} cores; {count} Django tests on PostgreSQL")
        print(f"without guard {plain:.2f} s, with guard {guarded:.2f} s: "
              f"+{(guarded - plain) / plain * 100:.1f}% wall time ({(guarded - plain) / count * 1000:.2f} ms per test)")


if __name__ == "__main__":
    main()
