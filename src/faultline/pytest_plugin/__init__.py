"""Faultline's pytest plugin. Inactive unless asked for:

  --faultline                 diagnose the run's failures at the end (ini: faultline = true)
  --faultline-json PATH       write the diagnoses (and guard leaks) as JSON
  --faultline-db-guard[=fail] report tests that leave committed rows behind; `fail` makes
                              a leak fail the leaking test (ini: faultline_db_guard = report|fail)
  --faultline-db-url URL      a database to guard besides Django's (repeatable; ini:
                              faultline_db_urls; `{worker}` is replaced by the xdist worker id)
  --faultline-db-guard-force  guard databases whose names do not look like test databases
  --faultline-only FILE, --faultline-outcomes PATH, --faultline-collected PATH
                              run listed tests in the listed order, record the collection
                              and the outcomes (what `faultline bisect` drives)

This module is imported by every pytest run once Faultline is installed, so it only declares
options; the machinery is imported when enabled.
"""

from __future__ import annotations


def pytest_addoption(parser):
    group = parser.getgroup("faultline", "Faultline: diagnose failures and catch tests that leak database rows")
    group.addoption("--faultline", action="store_true", default=None, help="diagnose the run's failures at the end")
    group.addoption("--faultline-json", metavar="PATH", help="write the run's diagnoses and guard leaks as JSON")
    # No `choices`: a bare `--faultline-db-guard tests/` is rewritten before the final parse
    # (pytest_load_initial_conftests), and argparse would reject `tests/` before that.
    group.addoption("--faultline-db-guard", nargs="?", const="report", default=None, metavar="report|fail",
                    help="report tests that leave committed rows behind (=fail: fail them)")
    group.addoption("--faultline-db-url", action="append", default=None, metavar="URL",
                    help="a PostgreSQL or SQLite URL to guard (repeatable; {worker}: the xdist worker id)")
    group.addoption("--faultline-db-guard-force", action="store_true", default=False,
                    help="guard databases whose names do not look like test databases")
    # Used by `faultline bisect` to run chosen tests in a chosen order and read the outcome.
    group.addoption("--faultline-only", metavar="FILE", help="run only the test ids listed in FILE, in that order")
    group.addoption("--faultline-outcomes", metavar="PATH", help="write each test's outcome as JSON")
    group.addoption("--faultline-collected", metavar="PATH", help="write the collected test ids, in run order, as JSON")
    parser.addini("faultline", "diagnose the run's failures at the end", type="bool", default=False)
    parser.addini("faultline_db_guard", "database guard mode: off, report or fail", default="off")
    parser.addini("faultline_db_urls", "databases to guard besides Django's", type="linelist", default=[])


def pytest_load_initial_conftests(early_config, parser, args):
    # `--faultline-db-guard tests/` must not read `tests/` as the guard's mode: a bare flag
    # means report mode, and only `report`/`fail` right after it are taken as its value.
    for i, arg in enumerate(args):
        if arg == "--faultline-db-guard" and args[i + 1: i + 2] not in (["report"], ["fail"]):
            args[i] = "--faultline-db-guard=report"


def pytest_configure(config):
    option = config.option
    if option.faultline_only or option.faultline_outcomes or option.faultline_collected:
        from faultline.pytest_plugin.selection import Selection

        selection = Selection(option.faultline_only, option.faultline_outcomes, option.faultline_collected)
        config.pluginmanager.register(selection, "faultline-selection")
    diagnose = option.faultline if option.faultline is not None else config.getini("faultline")
    mode = option.faultline_db_guard or config.getini("faultline_db_guard")
    if mode not in ("off", "report", "fail"):
        import pytest

        raise pytest.UsageError(f"--faultline-db-guard / faultline_db_guard: expected report or fail, not {mode!r}")
    if not (diagnose or option.faultline_json or mode != "off"):
        return
    from faultline.pytest_plugin.summary import RunDiagnosis

    guard = None
    if mode != "off":
        from faultline.pytest_plugin.guard import DatabaseGuard

        urls = option.faultline_db_url or config.getini("faultline_db_urls")
        guard = DatabaseGuard(config, mode == "fail", list(urls), option.faultline_db_guard_force)
        config.pluginmanager.register(guard, "faultline-db-guard")
    config.pluginmanager.register(RunDiagnosis(config, option.faultline_json, bool(diagnose), guard), "faultline-run")
