"""The database guard on the real projects of tests/projects, against PostgreSQL and SQLite.

Each scenario module runs on its own in a guarded pytest subprocess (they run a few at a
time: a Django run spends most of its time creating the test database). The guard must name
each seeded polluter with its table, and stay silent on the clean module, which does the
same things the right way.
"""

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PROJECTS = Path(__file__).parent / "projects"
DATABASES = ("postgres", "sqlite")
# module -> (who is to blame, the fixture when a fixture is, a table the leak touches)
DJANGO = {
    "test_team_sync.py": ("tests/test_team_sync.py::TeamSyncTests::test_sync_commits_new_team", "", "shop_team"),
    "test_team_admin.py": ("tests/test_team_admin.py::TeamAdminTests::test_rename_team", "", None),
    "test_signup.py": ("tests/test_signup.py::test_register_customer", "", "shop_customer"),
    "test_daily_reports.py": ("tests/test_daily_reports.py::test_close_day_in_background", "", "reports_dailyreport"),
    "test_newsletter_import.py": ("tests/test_newsletter_import.py::test_bulk_load_subscribers", "", "shop_customer"),
    "test_customer_lookup.py": ("tests/test_customer_lookup.py", "billing_team", "shop_team"),
    "test_clean_catalog.py": None,  # nothing may be reported
}


def _env(project: str, database: str, workdir: Path, server) -> dict:
    if project == "django_app":
        if database == "postgres":
            urls = (server.url_for(f"shop_{workdir.name}"), server.url_for(f"reports_{workdir.name}"))
        else:
            urls = (f"sqlite:///{workdir}/shop.sqlite3", f"sqlite:///{workdir}/reports.sqlite3")
        return {"SHOP_DATABASE_URL": urls[0], "REPORTS_DATABASE_URL": urls[1]}
    if database == "postgres":
        url = server.create_database(f"test_{workdir.name}").replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        url = f"sqlite:///{workdir}/test_inventory.sqlite3"
    return {"INVENTORY_DATABASE_URL": url, "GUARD_URL": url}


def guarded_run(project: str, database: str, module: str, workdir: Path, server) -> dict:
    shutil.copytree(PROJECTS / project, workdir / "project",
                    ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    env = {**os.environ, **_env(project, database, workdir, server)}
    report = workdir / "guard.json"
    args = ["--faultline-db-guard", f"--faultline-json={report}", f"tests/{module}"]
    if "GUARD_URL" in env:
        args.insert(0, f"--faultline-db-url={env['GUARD_URL']}")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", *args],
        cwd=workdir / "project", env=env, capture_output=True, text=True, timeout=600,
    )
    assert "faultline database guard" in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads(report.read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request):
    server = request.getfixturevalue("postgres_server")
    jobs = [("django_app", db, module) for db in DATABASES for module in DJANGO]
    jobs += [("sqla_app", db, "test_feed_import.py") for db in DATABASES]
    base = tmp_path_factory.mktemp("guard")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            job: pool.submit(guarded_run, *job, base / f"g{i}", server) for i, job in enumerate(jobs)
        }
        return {job: future.result() for job, future in futures.items()}


def tables(leak: dict) -> set[str]:
    return {change["table"].split(".")[-1] for change in leak["changes"]}


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("module", sorted(DJANGO))
def test_guard_names_the_django_polluter(runs, module, database):
    leaks = runs[("django_app", database, module)]["leaks"]
    if DJANGO[module] is None:  # Django's flushes after transactional tests are not leaks
        assert [leak for leak in leaks if not leak["flush"]] == [], leaks
        return
    owner, fixture, table = DJANGO[module]
    found = [leak for leak in leaks if leak["test"] == owner and leak["fixture"] == fixture]
    assert found, f"{owner} not named; the guard named {[(l['test'], l['fixture']) for l in leaks]}"
    if table:
        assert any(table in tables(leak) for leak in found), found
    else:  # the class transaction left open is invisible to other connections: the note says it
        assert "tearDownClass" in found[0]["note"]


@pytest.mark.parametrize("database", DATABASES)
def test_guard_names_the_sqlalchemy_session_that_commits(runs, database):
    leaks = runs[("sqla_app", database, "test_feed_import.py")]["leaks"]
    assert {leak["test"] for leak in leaks} == {"tests/test_feed_import.py::test_import_feed"}, leaks
    assert "products" in tables(leaks[0])
