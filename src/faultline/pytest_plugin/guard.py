"""The database guard: which test left committed rows behind, in which table.

The committed state of every guarded database is snapshotted after each test's teardown;
that snapshot is the "before" of the next test, so each test costs one query per database.
A difference means the test (its setup, body or teardown) committed rows that outlived it.
Leaks travel on the teardown report (`user_properties`), so they reach the controller
under xdist like any other result.

Under xdist, workers that share one database each see every row committed while their test
ran, whoever committed it. Each leak carries its worker and the time span its snapshots
cover; the controller merges the same change seen by tests that ran side by side on
different workers into one leak naming all of them, rather than blaming each.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field, replace

import pytest

from faultline.pytest_plugin.snapshot import (
    Change,
    Database,
    GuardError,
    NotCreatedYet,
    from_django,
    from_url,
    looks_like_test_database,
)

LEAK_PROPERTY = "faultline_leak"
WORKER_OUTPUT = "faultline_guard"


def worker_id() -> str:
    """The xdist worker running this process ("gw0", ...), "master" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


@dataclass
class Leak:
    test: str
    alias: str
    database: str
    changes: list[Change]
    note: str = ""
    fixture: str = ""  # set when a session/module/class fixture, not a test, left the rows
    flush: bool = False  # only rows removed, by a Django transactional test's flush
    worker: str = ""
    since: float = 0.0  # wall-clock span between the snapshots the change was seen in
    until: float = 0.0
    suspects: list[str] = field(default_factory=list)  # tests on other workers that saw the same change

    @property
    def who(self) -> str:
        if self.suspects:
            return "one of " + ", ".join(sorted([self.test, *self.suspects]))
        return f"fixture '{self.fixture}' of {self.test}" if self.fixture else self.test

    def to_dict(self) -> dict:
        return {
            "test": self.test,
            "fixture": self.fixture,
            "alias": self.alias,
            "database": self.database,
            "note": self.note,
            "flush": self.flush,
            "worker": self.worker,
            "since": self.since,
            "until": self.until,
            "suspects": self.suspects,
            "changes": [
                {"table": c.table, "added": c.added, "removed": c.removed, "rows": c.keys} for c in self.changes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Leak":
        changes = [Change(c["table"], c["added"], c["removed"], list(c["rows"])) for c in data["changes"]]
        return cls(data["test"], data["alias"], data["database"], changes, data["note"], data["fixture"],
                   data["flush"], data["worker"], data["since"], data["until"], list(data["suspects"]))

    def _seen_with(self, other: "Leak") -> bool:
        """Both saw one change of a shared database while running side by side on two workers."""
        if not (self.worker and other.worker and len(self.changes) == len(other.changes) == 1):
            return False
        (mine,), (theirs,) = self.changes, other.changes
        return (self.worker != other.worker and (self.alias, self.database) == (other.alias, other.database)
                and self.since < other.until and other.since < self.until
                and (mine.table, mine.added, mine.removed, mine.keys)
                == (theirs.table, theirs.added, theirs.removed, theirs.keys))


def merge_concurrent(leaks: list[Leak]) -> list[Leak]:
    """One leak per change of a shared database, naming every test that may have made it."""
    # One unit per change, as copies: the caller's leaks stay as they were.
    units = [replace(leak, changes=[change], suspects=[]) for leak in leaks for change in leak.changes]
    units += [replace(leak, changes=[], suspects=[]) for leak in leaks if not leak.changes]
    merged: list[Leak] = []
    for unit in sorted(units, key=lambda leak: (leak.since, leak.test)):
        twin = next((m for m in merged if m._seen_with(unit)), None)
        if twin is None:
            merged.append(unit)
        else:
            twin.suspects.append(unit.test)
            twin.flush = twin.flush or unit.flush  # a transactional test's flush explains a removal
    # Put back together the changes each test, or each group of suspects, is answerable for.
    by_culprit: dict[tuple, Leak] = {}
    for unit in merged:
        key = (unit.test, unit.fixture, unit.alias, unit.database, unit.note, unit.flush, tuple(unit.suspects))
        if key in by_culprit:
            by_culprit[key].changes += unit.changes
        else:
            by_culprit[key] = unit
    return list(by_culprit.values())


def _transactional(item) -> bool:
    """A Django test that commits and is flushed afterwards (TransactionTestCase and friends)."""
    if "django.test" not in sys.modules:
        return False
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in getattr(item, "fixturenames", ())


class LeakedRows(AssertionError):
    """Raised at teardown in fail mode: the test left committed rows behind."""


class DatabaseGuard:
    def __init__(self, config: pytest.Config, fail: bool, urls: list[str], force: bool):
        self.config, self.fail, self.force = config, fail, force
        # `{worker}` in a URL gives each xdist worker its own database, as pytest-django does.
        self.urls = [url.replace("{worker}", worker_id()) for url in urls]
        self.workers = getattr(config, "workerinput", {}).get("workercount", 1)
        self.since = time.time()  # when the state the next test is compared with was taken
        self.shared_by_workers: set[str] = set()  # aliases every xdist worker guards at once
        self.notes: dict[str, str] = {}
        self.worker_names: dict[str, set[str]] = {}  # under xdist, on the controller
        self.worker_notes: set[str] = set()
        self.databases: dict[str, Database] = {}
        self.names: dict[str, str] = {}  # every alias ever guarded -> database name
        self.deferred: dict[str, object] = {}  # alias -> opener, for databases not created yet
        self.state: dict[str, dict] = {}
        self.refused: dict[str, str] = {}
        self.watched = 0
        self.current: str | None = None
        self.pending: dict[str, list[Leak]] = {}  # leaks found while the session shut down
        self.fixture_leaks: list[Leak] = []  # found during the current test's teardown
        self.shared: dict[int, dict] = {}  # shared fixture -> database states around its setup
        self.left_open: set[str] = set()  # Django aliases already reported as left in a transaction

    # -- finding the databases -----------------------------------------------------------
    def _accept(self, alias: str, name: str, opener) -> None:
        if alias in self.databases or alias in self.deferred:
            return
        if not (self.force or looks_like_test_database(name)):
            self.refused[alias] = (
                f"{alias}: {name!r} does not look like a test database; not guarded "
                "(--faultline-db-guard-force guards it anyway)"
            )
            return
        try:
            database = opener()
            state = database.snapshot()
        except NotCreatedYet:
            # Until it exists it holds no rows: the test that creates it and leaves rows shows.
            self.deferred[alias], self.state[alias] = opener, {}
            return
        except Exception as exc:  # the guard never breaks a test run: it says what it skipped
            self.refused[alias] = f"{alias}: {exc}"
            return
        self.refused.pop(alias, None)
        self._guard(alias, database)
        self.state[alias] = state

    def _guard(self, alias: str, database: Database) -> None:
        self.databases[alias], self.names[alias] = database, database.name
        if self.workers > 1 and worker_id() not in database.name:
            self.shared_by_workers.add(alias)
            self.notes[alias] = (
                f"{alias}: {database.name} is shared by the {self.workers} xdist workers: a change made while "
                f"tests ran side by side is reported against all of them{', not failed' if self.fail else ''}; "
                "{worker} in the URL gives each worker its own database")

    def _open_deferred(self) -> None:
        for alias, opener in list(self.deferred.items()):
            try:
                database = opener()
            except NotCreatedYet:
                continue
            except GuardError as exc:
                self.refused[alias] = f"{alias}: {exc}"
                del self.deferred[alias]
                continue
            del self.deferred[alias]
            self._guard(alias, database)

    def discover(self) -> None:
        for i, url in enumerate(self.urls):
            alias = f"url{i + 1}" if len(self.urls) > 1 else "url"
            self._accept(alias, url, lambda url=url, alias=alias: from_url(alias, url))
        if "django" not in sys.modules:
            return
        try:
            from django.conf import settings
            from django.db import connections

            if not settings.configured:
                return
            for alias in connections:
                params = connections[alias].settings_dict
                # Before pytest-django creates the test databases, NAME is the real database:
                # never touch it. The alias is picked up once NAME names a test database.
                name = str(params.get("NAME") or "")
                if self.force or looks_like_test_database(name):
                    self._accept(alias, name, lambda alias=alias, params=params: from_django(alias, params))
        except Exception as exc:  # a half-configured Django must not break the test run
            self.refused["django"] = f"django: cannot read the database settings: {exc}"

    # -- hooks ---------------------------------------------------------------------------
    def _snapshots(self) -> dict[str, dict]:
        states = {}
        for alias, database in list(self.databases.items()):
            try:
                states[alias] = database.snapshot()
            except Exception as exc:
                self.refused[alias] = f"{alias}: snapshot failed: {exc}"
                self._drop(alias)
        return states

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        shared = fixturedef.scope != "function" and fixturedef.argname != "django_db_setup"
        before = self._snapshots() if shared else {}
        result = yield
        if fixturedef.argname == "django_db_setup":
            # The test databases exist from now on: take their first snapshot, and let go of
            # them before pytest-django drops them at the end of the session.
            self.discover()
            fixturedef.addfinalizer(self._last_check)
        elif shared:
            # Session, module and class fixtures build the suite's shared world (create the
            # schema, reset the database): no test is to blame for what they commit. What
            # their setup adds and their teardown leaves is the fixture's own leak.
            self.discover()
            self._open_deferred()
            for database in self.databases.values():
                database.forget_tables()
            after = self._snapshots()
            self.state.update(after)
            self.shared[id(fixturedef)] = {"before": before, "after": after}
        return result

    def pytest_fixture_post_finalizer(self, fixturedef, request):
        states = self.shared.pop(id(fixturedef), None)
        if states is None:
            return
        # Shared fixtures are torn down after the current test's own teardown: settle the
        # test's account first, so that it is neither blamed for nor hidden by the fixture's.
        if self.current is not None and self.current not in self.pending:
            self.pending[self.current] = self.check(self.current)
        now = self._snapshots()
        for alias, current in now.items():
            database = self.databases[alias]
            before, after = states["before"].get(alias), states["after"].get(alias)
            if before is None or after is None:
                continue
            try:
                grown = [c for c in database.changes(before, after) if c.added]
            except Exception:
                continue  # the next snapshot comparison reports the database as unguarded
            # Rows the setup added and the teardown left in place.
            kept = [c for c in grown if c.key in current and current[c.key].rows >= after[c.key].rows]
            if kept:
                node = request.node.nodeid or "<session>"
                self.fixture_leaks.append(Leak(node, alias, database.name, kept, fixture=fixturedef.argname,
                                               worker=worker_id(), since=self.since, until=time.time()))
        self.state.update(now)

    def _last_check(self) -> None:
        if self.current is not None and self.current not in self.pending:
            self.pending[self.current] = self.check(self.current)
        self.close()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self.current = item.nodeid
        self.discover()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item, nextitem):
        failure = None
        try:
            result = yield
        except BaseException as exc:  # still check: the next test must start from the truth
            failure = exc
        leaks = self.pending.pop(item.nodeid, None)
        if leaks is None:
            leaks = self.check(item.nodeid)
        if _transactional(item):
            for leak in leaks:
                leak.flush = all(not change.added for change in leak.changes)
        leaks, self.fixture_leaks = leaks + self.fixture_leaks, []
        if nextitem is None or getattr(nextitem, "cls", None) is not getattr(item, "cls", None):
            leaks += self.open_transactions(item)
        for leak in leaks:
            item.user_properties.append((LEAK_PROPERTY, leak.to_dict()))
        if failure is not None:
            raise failure
        # On a database the workers share, the leak may be another worker's: report, never fail.
        if self.fail and any(not leak.flush and leak.alias not in self.shared_by_workers for leak in leaks):
            described = "; ".join(f"{leak.alias}: " + ", ".join(c.describe() for c in leak.changes) for leak in leaks)
            raise LeakedRows(f"faultline database guard: this test left committed rows behind: {described}")
        return result

    def check(self, test: str) -> list[Leak]:
        """Compare every database with its state before this test; remember the new state."""
        self.watched += 1
        self._open_deferred()
        leaks = []
        started = time.time()
        for alias, after in self._snapshots().items():
            database = self.databases[alias]
            try:
                changes = database.changes(self.state[alias], after)
            except Exception as exc:
                self.refused[alias] = f"{alias}: comparing snapshots failed after {test}: {exc}"
                self._drop(alias)
                continue
            self.state[alias] = after
            if changes:
                leaks.append(Leak(test, alias, database.name, changes, worker=worker_id(), since=self.since))
        now = time.time()
        for leak in leaks:
            leak.until = now
        self.since = started
        return leaks

    def open_transactions(self, item) -> list[Leak]:
        """Django connections still inside an atomic block once a test class is over.

        A TestCase whose tearDownClass skips super() never rolls back its class-level
        transaction: what setUpTestData created stays visible, uncommitted, to every later
        test on that connection, so no other connection can see it. The connection itself
        can: its rows beyond the committed state are what it holds.
        """
        if "django.db" not in sys.modules or getattr(item, "cls", None) is None:
            return []
        from django.db import connections

        found = []
        for alias in connections:
            connection = connections[alias]
            if connection.connection is None or not connection.in_atomic_block:
                self.left_open.discard(alias)
                continue
            if alias in self.left_open:
                continue  # the same open transaction, already blamed on the class that left it
            self.left_open.add(alias)
            changes = []
            database = self.databases.get(alias)
            if database is not None:
                try:
                    with connection.cursor() as cursor:
                        held = database.snapshot_through(cursor)
                    changes = database.changes(self.state.get(alias, {}), held)
                except Exception:
                    changes = []
            note = (f"{item.cls.__name__} left its class transaction open (tearDownClass without "
                    "super()?): later tests on this connection see its uncommitted rows")
            name = self.names.get(alias, str(connection.settings_dict.get("NAME")))
            found.append(Leak(item.nodeid, alias, name, changes, note))
        return found

    def _drop(self, alias: str) -> None:
        database = self.databases.pop(alias, None)
        self.state.pop(alias, None)
        if database is not None:
            try:
                database.close()
            except Exception:
                pass

    def close(self) -> None:
        for alias in list(self.databases):
            self._drop(alias)

    def pytest_sessionfinish(self, session):
        self.close()
        if hasattr(self.config, "workeroutput"):
            self.config.workeroutput[WORKER_OUTPUT] = {
                "watched": self.watched, "names": self.names, "notes": self.remarks(),
            }

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        """Under xdist, the controller adds up what each worker guarded."""
        data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if data:
            self.watched += data["watched"]
            for alias, name in data["names"].items():
                self.worker_names.setdefault(alias, set()).add(name)
            self.worker_notes.update(data["notes"])

    def database_names(self) -> dict[str, list[str]]:
        names = {alias: {name} for alias, name in self.names.items()}
        for alias, more in self.worker_names.items():
            names.setdefault(alias, set()).update(more)
        return {alias: sorted(found) for alias, found in sorted(names.items())}

    def remarks(self) -> list[str]:
        """Databases not guarded, and caveats about those guarded, one line each."""
        return sorted({*(f"not guarded: {reason}" for reason in self.refused.values()),
                       *(f"note: {note}" for note in self.notes.values()), *self.worker_notes})
