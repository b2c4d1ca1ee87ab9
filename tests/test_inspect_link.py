"""`faultline analyze LOG --repo PATH`: from a real failing run to the line that caused it.

tests/inspect_cases/linked_app is a real Django project; pytest runs it (SQLite, and
PostgreSQL where the failure needs it) and its output is the log.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LINKED = Path(__file__).parent / "inspect_cases" / "linked_app"
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {**os.environ, "FAULTLINE_CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory, env):
    """The log of a failing pytest run of linked_app (each run once per module)."""
    logs = {}

    def run(url: str, *tests: str) -> Path:
        if (url, tests) not in logs:
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:faultline", *tests],
                cwd=LINKED, env={**env, "LINKED_DATABASE_URL": url}, capture_output=True, text=True, timeout=300,
            )
            assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
            log = tmp_path_factory.mktemp("run") / "build.log"
            log.write_text(result.stdout + result.stderr)
            logs[(url, tests)] = log
        return logs[(url, tests)]
    return run


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('db')}/club.sqlite3"


def analyze(env, log, *args):
    result = subprocess.run(
        [sys.executable, "-m", "faultline", "analyze", str(log), "--top", "1", *args],
        cwd=LINKED, env=env, capture_output=True, text=True, timeout=120,
    )
    return result


def suspects(env, log) -> tuple[dict, list[tuple]]:
    result = analyze(env, log, "--repo", ".", "--format", "json")
    assert result.returncode == 0, result.stderr
    top = json.loads(result.stdout)["diagnoses"][0]
    assert top["id"] == "database-test-isolation"
    return top["facts"], [(s["file"], s["line"], s["col"], s["rule"]) for s in top["suspects"]]


def test_factory_constant_on_sqlite(sqlite_url, env, failing_run):
    log = failing_run(sqlite_url, "tests/test_admins.py")
    facts, found = suspects(env, log)
    assert facts["table"] == "club_team" and "value" not in facts  # SQLite names no value
    assert found[0] == ("club/factories.py", 14, 12, "FL003")
    # the class that leaks Team rows stays a weaker suspect, after the factory
    assert found[1:] == [("tests/test_teams.py", 13, 5, "FL001")]


def test_teardown_without_super_on_sqlite(sqlite_url, env, failing_run):
    log = failing_run(sqlite_url, "tests/test_teams.py")
    facts, found = suspects(env, log)
    assert facts["table"] == "club_team" and "factory" not in facts
    # no factory in the traceback and no value: the ADMIN factory is no suspect
    assert found == [("tests/test_teams.py", 13, 5, "FL001")]


@pytest.mark.parametrize("tests, value, first", [
    (["tests/test_admins.py"], "ADMIN", ("club/factories.py", 14, 12, "FL003")),
    (["tests/test_teams.py"], "Support", ("tests/test_teams.py", 13, 5, "FL001")),
    (["tests/test_checkout.py", "tests/test_order_history.py"], "2", ("tests/test_order_history.py", 11, 43, "FL002")),
])
def test_postgresql_value_picks_the_line(postgres_url, env, failing_run, tests, value, first):
    url = postgres_url.rsplit("/", 1)[0] + "/club"
    log = failing_run(url, *tests)
    facts, found = suspects(env, log)
    assert value in (facts.get("value"), facts.get("pk_value"))
    assert found[0] == first
    if value == "Support":  # the value rules the ADMIN factory out
        assert all(rule != "FL003" for *_, rule in found)


def test_suspects_in_terminal_and_markdown(sqlite_url, env, failing_run):
    log = failing_run(sqlite_url, "tests/test_admins.py")
    terminal = analyze(env, log, "--repo", ".").stdout
    assert "Suspects in the repository" in terminal
    assert "club/factories.py:14:12  FL003  `AdminTeamFactory.name` is always 'ADMIN'" in terminal
    markdown = analyze(env, log, "--repo", ".", "--format", "markdown").stdout
    assert "**Suspects in the repository**" in markdown
    assert "- `club/factories.py:14:12` FL003: `AdminTeamFactory.name` is always 'ADMIN'" in markdown


def test_json_contract_keeps_its_fields(env):
    log = EXAMPLES / "pytest-missing-module.log"
    plain = json.loads(analyze(env, log, "--format", "json").stdout)
    linked = json.loads(analyze(env, log, "--format", "json", "--repo", ".").stdout)
    top = plain["diagnoses"][0]
    assert top["id"] == "python-module-missing" and top["suspects"] == []
    assert linked == plain  # another failure class: the repository changes nothing


def test_missing_repo_is_a_usage_error(env):
    result = analyze(env, EXAMPLES / "pytest-missing-module.log", "--repo", "no/such/repo")
    assert result.returncode == 2
    assert result.stderr == "faultline: error: no/such/repo: not a directory (--repo takes the repository's root)\n"
