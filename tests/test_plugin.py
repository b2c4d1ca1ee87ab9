"""The pytest plugin on small real suites (SQLite files), run by pytester in subprocesses."""

import json
import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

SUITE = '''
import os
import sqlite3

DB = os.path.join(os.path.dirname(__file__), "test_app.db")


def connect():
    connection = sqlite3.connect(DB)
    connection.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
    return connection


def test_polluter():
    with connect() as c:
        c.execute("INSERT INTO users (email) VALUES ('admin@example.com')")


def test_clean_rolls_back():
    c = connect()
    c.execute("INSERT INTO users (email) VALUES ('temp@example.com')")
    c.rollback()


def test_victim():
    with connect() as c:
        (count,) = c.execute("SELECT count(*) FROM users").fetchone()
    assert count == 0
'''
URL = "--faultline-db-url=sqlite:///{}/test_app.db"


# Like a real project, every session starts from a fresh database.
CONFTEST = '''
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def fresh_database():
    path = os.path.join(os.path.dirname(__file__), "test_app.db")
    if os.path.exists(path):
        os.remove(path)
'''


@pytest.fixture
def suite(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_app=SUITE)
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", *args)


def test_plugin_is_inactive_unless_enabled(suite):
    result = run(suite)
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "faultline database guard" not in out and "faultline diagnosis" not in out


def test_guard_names_the_polluter_table_and_row(suite):
    result = run(suite, "--faultline-db-guard", URL.format(suite.path))
    out = result.stdout.str()
    result.assert_outcomes(passed=2, failed=1)
    assert "1 test left committed changes behind" in out
    assert "test_app.py::test_polluter" in out
    assert "users: +1 row (id=1, email='admin@example.com')" in out
    assert "test_clean_rolls_back" not in out.split("faultline database guard")[1]


def test_guard_reports_nothing_for_a_clean_suite(pytester):
    pytester.makepyfile(test_clean=SUITE.replace("def test_polluter", "def _not_a_test"))
    result = run(pytester, "--faultline-db-guard", URL.format(pytester.path).replace("test_app", "test_clean"))
    result.assert_outcomes(passed=2)
    assert "No test left committed changes behind (2 tests watched" in result.stdout.str()


def test_fail_mode_fails_the_leaking_test(suite):
    result = run(suite, "--faultline-db-guard=fail", URL.format(suite.path))
    result.assert_outcomes(passed=2, failed=1, errors=1)
    assert "ERROR test_app.py::test_polluter" in result.stdout.str()
    assert "left committed rows behind: url: users: +1 row" in result.stdout.str()


def test_guard_refuses_a_database_not_named_like_a_test_database(pytester):
    pytester.makepyfile(test_x="def test_x(): pass")
    prod = pytester.path.parent / "shop.db"
    prod.write_bytes(b"")
    result = run(pytester, "--faultline-db-guard", f"--faultline-db-url=sqlite:///{prod}")
    assert "does not look like a test database; not guarded" in result.stdout.str()


def test_json_carries_diagnoses_with_their_tests_and_leaks(pytester):
    pytester.makepyfile(test_imports='''
def test_one():
    import faultline_surely_missing_module


def test_two():
    import faultline_surely_missing_module
''')
    out = pytester.path / "faultline.json"
    result = run(pytester, "--faultline", f"--faultline-json={out}")
    result.assert_outcomes(failed=2)
    assert "faultline diagnosis" in result.stdout.str()
    data = json.loads(out.read_text())
    assert data["schema"] == "faultline.pytest/1" and data["failed"] == 2
    top = data["diagnoses"][0]
    assert top["id"] == "python-module-missing" and top["facts"]["module"] == "faultline_surely_missing_module"
    assert top["tests"] == ["test_imports.py::test_one", "test_imports.py::test_two"]
    assert "explains 2 failed tests" in result.stdout.str()


def test_diagnosis_under_xdist_comes_once_from_the_controller(pytester):
    pytester.makepyfile(**{f"test_imports_{i}": "def test_it():\n    import faultline_surely_missing_module\n"
                           for i in range(4)})
    out = pytester.path / "faultline.json"
    result = run(pytester, "-n", "2", "--faultline", f"--faultline-json={out}")
    result.assert_outcomes(failed=4)
    assert result.stdout.str().count("faultline diagnosis") == 1
    assert "explains 4 failed tests" in result.stdout.str()
    top = json.loads(out.read_text())["diagnoses"][0]
    assert top["id"] == "python-module-missing"
    assert top["tests"] == [f"test_imports_{i}.py::test_it" for i in range(4)]


def test_guard_under_xdist_names_the_polluter(pytester):
    # Each worker has its own database, as pytest-django gives it; each watches the tests
    # it runs, and the controller gathers the leaks.
    per_worker = "f\"test_app_{os.environ.get('PYTEST_XDIST_WORKER', 'master')}.db\""
    pytester.makeconftest(CONFTEST.replace('"test_app.db"', per_worker))
    pytester.makepyfile(test_app=SUITE.replace('"test_app.db"', per_worker))
    url = URL.format(pytester.path).replace("test_app", "test_app_{worker}")
    result = run(pytester, "-n", "2", "--faultline-db-guard", url)
    guard = result.stdout.str().split("faultline database guard")[1]
    assert "1 test left committed changes behind" in guard
    assert "test_app.py::test_polluter  [url: " in guard
    assert "users: +1 row (id=1, email='admin@example.com')" in guard
    assert "is shared by" not in guard


# Two workers, one database: the bystander runs while the polluter commits (files on disk
# make each wait for the other, and --dist loadfile puts each file on its own worker).
RENDEZVOUS = """
import os
import time

import pytest

HERE = os.path.dirname(__file__)


def signal(name):
    open(os.path.join(HERE, name), "w").close()


def wait_for(name):
    deadline = time.time() + 60
    while not os.path.exists(os.path.join(HERE, name)):
        if time.time() > deadline:
            pytest.fail(f"{name} never came: the tests did not run side by side")
        time.sleep(0.02)
"""

POLLUTER = """
from rendezvous import signal, wait_for


def test_polluter():
    wait_for("bystander_started")
    with connect() as c:
        c.execute("INSERT INTO users (email) VALUES ('admin@example.com')")
    signal("committed")
"""

BYSTANDER = """
from rendezvous import signal, wait_for


def test_bystander():
    signal("bystander_started")
    wait_for("committed")
"""


def test_guard_names_every_suspect_when_xdist_workers_share_a_database(pytester):
    pytester.makepyfile(rendezvous=RENDEZVOUS, test_a=SUITE.split("def test_polluter")[0] + POLLUTER,
                        test_b=BYSTANDER)
    result = run(pytester, "-n", "2", "--dist", "loadfile", "--faultline-db-guard=fail", URL.format(pytester.path))
    result.assert_outcomes(passed=2)  # fail mode cannot tell whose leak it is: it reports
    guard = result.stdout.str().split("faultline database guard")[1]
    assert "1 test left committed changes behind" in guard
    assert "one of test_a.py::test_polluter, test_b.py::test_bystander  [url: " in guard
    assert "users: +1 row (id=1, email='admin@example.com')" in guard
    assert "the guard cannot tell which one committed" in guard
    assert "is shared by the 2 xdist workers" in guard


def bisect(pytester, test, *pytest_args):
    return subprocess.run(
        [sys.executable, "-m", "faultline", "bisect", test, "--rootdir", str(pytester.path), "--", *pytest_args],
        capture_output=True, text=True, timeout=300,
    )


def test_bisect_finds_the_polluter_among_many(suite):
    pytester = suite
    pytester.makepyfile(test_others="\n".join(f"def test_{i}(): pass" for i in range(20)))
    result = bisect(pytester, "test_app.py::test_victim", "test_others.py", "test_app.py",
                    URL.format(pytester.path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Polluter: test_app.py::test_polluter" in result.stdout
    assert "It leaves 1 committed row(s) in users (id=1, email='admin@example.com')" in result.stdout
    assert "python -m pytest -p no:randomly test_app.py::test_polluter test_app.py::test_victim" in result.stdout


def test_bisect_without_the_guard_still_bisects(suite):
    pytester = suite
    pytester.makepyfile(test_others="\n".join(f"def test_{i}(): pass" for i in range(20)))
    result = subprocess.run(
        [sys.executable, "-m", "faultline", "bisect", "test_app.py::test_victim", "--no-guard",
         "--rootdir", str(pytester.path), "--", "test_others.py", "test_app.py"],
        capture_output=True, text=True, timeout=300,
    )
    assert "Polluter: test_app.py::test_polluter" in result.stdout
    runs = int(result.stdout.split(" pytest runs")[0].split()[-1])
    assert runs <= 3 + 2 * 5 + 1  # confirmation, about log2(22) halvings, verification


def test_bisect_reports_a_test_that_fails_alone(pytester):
    pytester.makepyfile(test_alone="def test_a(): pass\n\ndef test_broken(): assert False\n")
    result = bisect(pytester, "test_alone.py::test_broken", "test_alone.py")
    assert result.returncode == 1 and "fails when run alone too" in result.stdout


def test_bisect_reports_a_test_that_passes_only_after_another(pytester):
    pytester.makepyfile(test_dep='''
import os

MARK = os.path.join(os.path.dirname(__file__), "test_marker.txt")


def test_provider():
    open(MARK, "w").close()


def test_needs_marker():
    try:
        assert os.path.exists(MARK)
    finally:
        if os.path.exists(MARK):
            os.remove(MARK)
''')
    result = bisect(pytester, "test_dep.py::test_needs_marker", "test_dep.py")
    assert result.returncode == 0 and "Depends on: test_dep.py::test_provider" in result.stdout


def test_bisect_calls_an_intermittent_failure_intermittent(pytester):
    pytester.makepyfile(test_flaky='''
import os

COUNTER = os.path.join(os.path.dirname(__file__), "test_counter.txt")


def test_first():
    pass


def test_flaky():
    runs = int(open(COUNTER).read()) if os.path.exists(COUNTER) else 0
    open(COUNTER, "w").write(str(runs + 1))
    assert runs % 3 != 1
''')
    result = bisect(pytester, "test_flaky.py::test_flaky", "test_flaky.py")
    assert result.returncode == 1 and "intermittent" in result.stdout


def test_merge_concurrent_blames_only_what_was_seen_side_by_side():
    from faultline.pytest_plugin.guard import Leak, merge_concurrent
    from faultline.pytest_plugin.snapshot import Change

    def leak(test, worker, since, until, *changes):
        return Leak(test, "url", "test.db", [Change(*c) for c in changes], worker=worker, since=since, until=until)

    users, orders = ("users", 1, 0, ["id=1"]), ("orders", 2, 0, [])
    merged = merge_concurrent([
        leak("a.py::polluter", "gw0", 0, 10, users, orders),  # made both changes
        leak("b.py::bystander", "gw1", 5, 12, users),  # saw one of them while running
        leak("b.py::later", "gw1", 12, 20, ("users", 1, 0, ["id=2"])),  # its own, seen by nobody else
        leak("c.py::after", "gw0", 30, 40, users),  # same-looking change, long after
    ])
    by_who = {m.who: [c.describe() for c in m.changes] for m in merged}
    assert by_who == {
        "one of a.py::polluter, b.py::bystander": ["users: +1 row (id=1)"],
        "a.py::polluter": ["orders: +2 rows"],
        "b.py::later": ["users: +1 row (id=2)"],
        "c.py::after": ["users: +1 row (id=1)"],
    }
