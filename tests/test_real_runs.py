"""Real pytest runs of small projects with seeded test-isolation polluters, fed to Faultline.

tests/projects/django_app (Django + pytest-django + factory_boy, two database aliases) and
tests/projects/sqla_app (SQLAlchemy 2) carry one polluter per scenario next to the test it
breaks. Each run below is a real `python -m pytest` in a subprocess against a real PostgreSQL
(one throwaway server for the session) or a SQLite file. Its whole output is the log; the
tests check what is true of the log itself (the run failed, the collision or count is in it,
the polluter and the victim both pass alone), then run `faultline analyze LOG --format json`
and check the rank-1 diagnosis and its facts.

All runs needed by the selected tests start together on a small thread pool when the module
starts; each test waits for its own. Every log analysed is also copied to
$FAULTLINE_REAL_RUN_LOGS (default /tmp/real-run-logs) for playbook authors.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
LOG_COPIES = Path(os.environ.get("FAULTLINE_REAL_RUN_LOGS", "/tmp/real-run-logs"))
ISOLATION = "database-test-isolation"
WORKERS = 4  # subprocesses at once: a 2-core machine, and PostgreSQL waits on I/O
RUN_TIMEOUT = 180
# Seeds tried, in order, for a pytest-randomly run that must put the polluter first.
SEEDS = (3129847581, 2873419911, 906418213, 1652342, 20240501, 7, 42)


# --------------------------------------------------------------------------- run specs
@dataclass(frozen=True)
class Run:
    """One real pytest invocation of a project."""

    name: str
    project: str  # "django_app" or "sqla_app"
    db: str  # "postgres" or "sqlite"
    select: tuple[str, ...]
    flags: tuple[str, ...] = ()  # -v, -q, -ra, --color=yes ...
    ci: bool = True  # CI=true: pytest prints short-summary lines untruncated, as in CI logs
    # pytest-randomly with a seed that orders first before second (picked at run time);
    # None: deterministic order with -p no:randomly
    randomly: tuple[str, str] | None = None
    avoid_order: bool = False  # pick a seed where second runs *before* first instead


@dataclass
class Result:
    run: Run
    returncode: int
    output: str
    log: Path
    seed: int | None = None


@dataclass(frozen=True)
class Case:
    """A real run whose log Faultline must diagnose as test isolation, with these facts."""

    run: Run
    must_show: tuple[str, ...]  # regexes that must match the log (what the run really printed)
    summary: str  # regex for pytest's closing line
    facts: dict = field(default_factory=dict)  # exact values of rank-1 facts
    cause: str | None = None  # the `cause` fact, when the log carries what it takes
    not_causes: tuple[str, ...] = ()  # causes that would be wrong for this log


@dataclass(frozen=True)
class Other:
    """A real run that is NOT test isolation (a near miss, or a green run)."""

    run: Run
    must_show: tuple[str, ...]
    summary: str
    returncode: int = 1


@dataclass(frozen=True)
class Alone:
    """One test run on its own: the polluter and the victim pass alone (or, honestly, not)."""

    run: Run
    passes: bool = True


def _dj(name, db, select, **kw) -> Run:
    return Run(f"django-{name}-{db}", "django_app", db, tuple(select), **kw)


def _sa(name, db, select, **kw) -> Run:
    return Run(f"sqla-{name}-{db}", "sqla_app", db, tuple(select), **kw)


PG, LITE = "postgres", "sqlite"
PG_UNIQUE = r'duplicate key value violates unique constraint "{}"'
DJ_INTEGRITY = r"django\.db\.utils\.IntegrityError"
SA_INTEGRITY = r"sqlalchemy\.exc\.IntegrityError"

# (a) TransactionTestCase flush -------------------------------------------------------
A = "tests/test_team_sync.py"
A_POLLUTER = A + "::TeamSyncTests::test_sync_commits_new_team"
A_VICTIM = A + "::test_staff_team_is_seeded"
# (b) tearDownClass without super() ---------------------------------------------------
B = "tests/test_team_admin.py"
B_POLLUTER = B + "::TeamAdminTests"
B_VICTIM = B + "::TeamDirectoryTests"
B_VICTIM_ID = B + "::TeamDirectoryTests::test_lists_support_team"
# (c) async ORM under django_db --------------------------------------------------------
C = "tests/test_signup.py"
C_POLLUTER = C + "::test_register_customer"
C_VICTIM = C + "::test_import_customers"
# (d) the `reports` database, written from a worker thread ---------------------------
D = "tests/test_daily_reports.py"
D_POLLUTER = D + "::test_close_day_in_background"
D_VICTIM = D + "::test_close_day_counts_orders"
# (e) raw SQL committed on a separate connection ----------------------------------------
E = "tests/test_newsletter_import.py"
E_POLLUTER = E + "::test_bulk_load_subscribers"
E_VICTIM = E + "::test_signup_form_creates_customer"
# (f) explicit primary key vs the sequence (PostgreSQL) --------------------------------
F = "tests/test_order_history.py"
F_POLLUTER = F + "::test_checkout_creates_order"
F_VICTIM = F + "::OrderHistoryTests"
F_VICTIM_ID = F + "::OrderHistoryTests::test_new_order_listed_after_legacy"
# (g) constant unique value in a factory ----------------------------------------------
G = "tests/test_admin_team.py"
G_NEIGHBOUR = G + "::test_admin_customer_belongs_to_admin_team"
G_VICTIM = G + "::test_two_admins_share_admin_team"
# (h) module-scoped fixture writing with django_db_blocker.unblock() -------------------
H_POLLUTER = "tests/test_customer_lookup.py"
H_VICTIM = "tests/test_team_setup.py"
H_VICTIM_ID = H_VICTIM + "::test_create_billing_team"
# SQLAlchemy: the importer commits on its own session --------------------------------
S_POLLUTER = "tests/test_feed_import.py::test_import_feed"
S_VICTIM = "tests/test_feed_import.py::test_add_product"
S_COUNT = "tests/test_stock_levels.py"
S_COUNT_ID = "tests/test_stock_levels.py::test_stock_report_counts_new_products"

# `runner` is expected only from logs with pytest's header (not -q); see _expected_facts
DJANGO = {"framework": "django", "runner": "pytest"}
DJANGO_PG = {**DJANGO, "engine": "postgresql"}
DJANGO_LITE = {**DJANGO, "engine": "sqlite"}
SQLA = {"framework": "sqlalchemy", "runner": "pytest"}
SQLA_PG = {**SQLA, "engine": "postgresql"}
SQLA_LITE = {**SQLA, "engine": "sqlite"}
WRONG_FOR_LEAKS = ("explicit-pk", "constant-factory-value", "persistent-test-db")

CASES = [
    # (a) the flush of a TransactionTestCase removes the rows of a data migration
    Case(_dj("a-transactional-flush", PG, [A], flags=("-v",)),
         (r"^E\s+(?:AssertionError: )?assert 0 == 1$", r"filter\(name='Staff'\)"), r"1 failed, 1 passed",
         {**DJANGO, "failing_test": A_VICTIM, "count_actual": "0", "count_expected": "1"},
         cause="transactional-flush"),
    Case(_dj("a-transactional-flush", LITE, [A], flags=("-q",), ci=False),
         (r"^E\s+(?:AssertionError: )?assert 0 == 1$",), r"1 failed, 1 passed",
         {**DJANGO, "failing_test": A_VICTIM, "count_actual": "0", "count_expected": "1"},
         cause="transactional-flush"),
    # (b) tearDownClass without super(): the class transaction is never rolled back
    Case(_dj("b-teardownclass-no-super", PG, [B], flags=("-v",)),
         (PG_UNIQUE.format("shop_team_name_key"), r"Key \(name\)=\(Support\) already exists",
          r"ERROR at setup of TeamDirectoryTests\.test_lists_support_team", DJ_INTEGRITY),
         r"1 passed, 1 error",
         {**DJANGO_PG, "constraint": "shop_team_name_key", "table": "shop_team", "columns": "name",
          "value": "Support", "failing_test": B_VICTIM_ID},
         not_causes=WRONG_FOR_LEAKS),
    Case(_dj("b-teardownclass-no-super", LITE, [B], flags=("-q", "--color=yes"), ci=False),
         (r"UNIQUE constraint failed: shop_team\.name", DJ_INTEGRITY), r"1 passed, 1 error",
         {**DJANGO_LITE, "table": "shop_team", "columns": "name", "failing_test": B_VICTIM_ID},
         not_causes=WRONG_FOR_LEAKS),
    # (c) async ORM (acreate) under @pytest.mark.django_db without transaction=True
    Case(_dj("c-async-orm", PG, [C], flags=("-ra",)),
         (PG_UNIQUE.format("shop_customer_email_key"),
          r"Key \(email\)=\(ada@example\.com\) already exists", DJ_INTEGRITY),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "shop_customer_email_key", "table": "shop_customer",
          "columns": "email", "value": "ada@example.com", "failing_test": C_VICTIM},
         not_causes=WRONG_FOR_LEAKS),
    Case(_dj("c-async-orm-randomly", LITE, [C], flags=("-v",), randomly=(C_POLLUTER, C_VICTIM)),
         (r"UNIQUE constraint failed: shop_customer\.email", r"Using --randomly-seed=\d+"),
         r"1 failed, 1 passed",
         {**DJANGO_LITE, "table": "shop_customer", "columns": "email", "failing_test": C_VICTIM,
          "randomly_seed": "{seed}", "seed": "{seed}"},
         not_causes=WRONG_FOR_LEAKS),
    # (d) the second database: a worker thread commits a report to `reports`
    Case(_dj("d-reports-alias-thread", PG, [D], flags=("-v",)),
         (PG_UNIQUE.format("reports_dailyreport_day_key"),
          r"Key \(day\)=\(2024-05-01\) already exists", DJ_INTEGRITY),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "reports_dailyreport_day_key", "table": "reports_dailyreport",
          "columns": "day", "value": "2024-05-01", "failing_test": D_VICTIM, "secondary_db": "reports"},
         not_causes=WRONG_FOR_LEAKS),
    Case(_dj("d-reports-alias-thread", LITE, [D], flags=("-q",), ci=False),
         (r"UNIQUE constraint failed: reports_dailyreport\.day", DJ_INTEGRITY), r"1 failed, 1 passed",
         {**DJANGO_LITE, "table": "reports_dailyreport", "columns": "day", "failing_test": D_VICTIM,
          "secondary_db": "reports"},
         not_causes=WRONG_FOR_LEAKS),
    # (e) raw SQL committed through a separate DB-API connection
    Case(_dj("e-raw-connection-randomly", PG, [E], flags=("-ra",), randomly=(E_POLLUTER, E_VICTIM)),
         (PG_UNIQUE.format("shop_customer_email_key"),
          r"Key \(email\)=\(grace@example\.com\) already exists", r"Using --randomly-seed=\d+"),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "shop_customer_email_key", "table": "shop_customer",
          "columns": "email", "value": "grace@example.com", "failing_test": E_VICTIM,
          "randomly_seed": "{seed}", "seed": "{seed}"},
         not_causes=WRONG_FOR_LEAKS),
    Case(_dj("e-raw-connection", LITE, [E], flags=("-v",), ci=False),
         (r"UNIQUE constraint failed: shop_customer\.email", DJ_INTEGRITY), r"1 failed, 1 passed",
         {**DJANGO_LITE, "table": "shop_customer", "columns": "email", "failing_test": E_VICTIM},
         not_causes=WRONG_FOR_LEAKS),
    # (f) an explicit primary key in setUpTestData, and the sequence moved on by a neighbour
    Case(_dj("f-explicit-pk", PG, [F], flags=("-v",)),
         (PG_UNIQUE.format("shop_order_pkey"), r"Key \(id\)=\(2\) already exists", DJ_INTEGRITY),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "shop_order_pkey", "table": "shop_order", "columns": "id",
          "value": "2", "pk_value": "2", "failing_test": F_VICTIM_ID},
         cause="explicit-pk"),
    # (g) a factory with a constant unique value, built twice through a SubFactory
    Case(_dj("g-factory-constant", PG, [G], flags=("-ra",)),
         (PG_UNIQUE.format("shop_team_name_key"), r"Key \(name\)=\(ADMIN\) already exists",
          r"site-packages/factory/"),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "shop_team_name_key", "table": "shop_team", "columns": "name",
          "value": "ADMIN", "failing_test": G_VICTIM},
         cause="constant-factory-value"),
    Case(_dj("g-factory-constant", LITE, [G], flags=("-q",), ci=False),
         (r"UNIQUE constraint failed: shop_team\.name", r"site-packages/factory/"), r"1 failed, 1 passed",
         {**DJANGO_LITE, "table": "shop_team", "columns": "name", "failing_test": G_VICTIM},
         cause="constant-factory-value"),
    # (h) a module-scoped fixture commits with django_db_blocker.unblock()
    Case(_dj("h-module-fixture-unblock", PG, [H_POLLUTER, H_VICTIM], flags=("-v",)),
         (PG_UNIQUE.format("shop_team_name_key"), r"Key \(name\)=\(Billing\) already exists"),
         r"1 failed, 1 passed",
         {**DJANGO_PG, "constraint": "shop_team_name_key", "table": "shop_team", "columns": "name",
          "value": "Billing", "failing_test": H_VICTIM_ID},
         not_causes=WRONG_FOR_LEAKS),
    Case(_dj("h-module-fixture-unblock", LITE, [H_POLLUTER, H_VICTIM], flags=("-ra",)),
         (r"UNIQUE constraint failed: shop_team\.name",), r"1 failed, 1 passed",
         {**DJANGO_LITE, "table": "shop_team", "columns": "name", "failing_test": H_VICTIM_ID},
         not_causes=WRONG_FOR_LEAKS),
    # SQLAlchemy: the importer's own session commits outside the test transaction
    Case(_sa("session-commit", PG, ["tests"], flags=("-v",)),
         (PG_UNIQUE.format("products_sku_key"), r"Key \(sku\)=\(SKU-1001\) already exists",
          SA_INTEGRITY, r"^E\s+(?:AssertionError: )?assert 3 == 1$"),
         r"3 failed, 1 passed",
         {**SQLA_PG, "constraint": "products_sku_key", "table": "products", "columns": "sku",
          "value": "SKU-1001", "failing_test": S_VICTIM},
         not_causes=WRONG_FOR_LEAKS),
    Case(_sa("session-commit", LITE, ["tests"], flags=("-q",), ci=False),
         (r"UNIQUE constraint failed: products\.sku", SA_INTEGRITY), r"3 failed, 1 passed",
         {**SQLA_LITE, "table": "products", "columns": "sku", "failing_test": S_VICTIM},
         not_causes=WRONG_FOR_LEAKS),
    Case(_sa("count", PG, [S_POLLUTER, S_COUNT], flags=("-ra",)),
         (r"^E\s+(?:AssertionError: )?assert 3 == 1$", r"where 3 = product_count\("), r"2 failed, 1 passed",
         {**SQLA, "failing_test": S_COUNT_ID, "count_actual": "3", "count_expected": "1"},
         not_causes=WRONG_FOR_LEAKS),
    Case(_sa("count", LITE, [S_POLLUTER, S_COUNT], flags=("-v", "--color=yes")),
         (r"assert 3 == 1",), r"2 failed, 1 passed",
         {**SQLA, "failing_test": S_COUNT_ID, "count_actual": "3", "count_expected": "1"},
         not_causes=WRONG_FOR_LEAKS),
    Case(_sa("session-commit-randomly", LITE, [S_POLLUTER, S_VICTIM], flags=("-v",),
             randomly=(S_POLLUTER, S_VICTIM)),
         (r"UNIQUE constraint failed: products\.sku", r"Using --randomly-seed=\d+"), r"1 failed, 1 passed",
         {**SQLA_LITE, "table": "products", "columns": "sku", "failing_test": S_VICTIM,
          "randomly_seed": "{seed}", "seed": "{seed}"},
         not_causes=WRONG_FOR_LEAKS),
]

OTHERS = [
    # Django refuses any connection to an undeclared alias, on any thread: nothing leaks.
    Other(_dj("near-miss-undeclared-alias", PG, ["tests/test_report_guard.py"], flags=("-v",)),
          (r"DatabaseOperationForbidden: Database queries to 'reports' are not allowed in this test",
           r"DatabaseOperationForbidden: Database threaded connections to 'reports' are not allowed"),
          r"2 failed"),
    # transactional tests with and without serialized_rollback: django_content_type duplicates
    Other(_dj("near-miss-content-types", PG, ["tests/test_content_types.py"], flags=("-v",)),
          (PG_UNIQUE.format(r"django_content_type_app_label_model_\w+_uniq"),),
          r"1 passed, 1 error"),
    Other(_dj("near-miss-content-types", LITE, ["tests/test_content_types.py"], flags=("-q",), ci=False),
          (r"UNIQUE constraint failed: django_content_type\.app_label, django_content_type\.model",),
          r"1 passed, 1 error"),
    # the same situations written correctly, in random order: green
    Other(_dj("clean-randomly", PG, ["tests/test_clean_catalog.py"], flags=("-v",),
              randomly=("", "")), (r"Using --randomly-seed=\d+",), r"8 passed", returncode=0),
    Other(_dj("clean-randomly", LITE, ["tests/test_clean_catalog.py"], flags=("-q",),
              randomly=("", "")), (), r"8 passed", returncode=0),
    # (c) in the other order the same module passes: the failure is order-dependent
    Other(_dj("c-async-orm-other-order", LITE, [C], flags=("-v",), randomly=(C_POLLUTER, C_VICTIM),
              avoid_order=True), (r"Using --randomly-seed=\d+",), r"2 passed", returncode=0),
    # (f) SQLite hands out max(id)+1, not a sequence: no collision there
    Other(_dj("f-explicit-pk", LITE, [F], flags=("-v",)), (), r"2 passed", returncode=0),
    # the SQLAlchemy tests without the polluter: green
    Other(_sa("clean", PG, [S_VICTIM, S_COUNT], flags=("-q",)), (), r"3 passed", returncode=0),
]


def _alone(project, db, node, passes=True) -> Alone:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", node.split("/", 1)[1]).strip("-").lower()
    return Alone(Run(f"alone-{project.split('_')[0]}-{slug}-{db}", project, db, (node,), flags=("-q",)), passes)


ALONE = [
    _alone("django_app", LITE, A_POLLUTER), _alone("django_app", LITE, A_VICTIM),
    _alone("django_app", LITE, B_POLLUTER), _alone("django_app", LITE, B_VICTIM),
    _alone("django_app", LITE, C_POLLUTER), _alone("django_app", LITE, C_VICTIM),
    _alone("django_app", LITE, D_POLLUTER), _alone("django_app", LITE, D_VICTIM),
    _alone("django_app", PG, E_POLLUTER), _alone("django_app", PG, E_VICTIM),
    _alone("django_app", PG, F_POLLUTER), _alone("django_app", PG, F_VICTIM),
    _alone("django_app", LITE, G_NEIGHBOUR),
    _alone("django_app", LITE, G_VICTIM, passes=False),  # the factory collides with itself
    _alone("django_app", LITE, H_POLLUTER), _alone("django_app", LITE, H_VICTIM),
    _alone("sqla_app", PG, S_POLLUTER), _alone("sqla_app", PG, S_VICTIM),
    _alone("sqla_app", LITE, S_COUNT),
]


# --------------------------------------------------------------------------- running
def _pytest_env(run: Run, db_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "DJANGO_", "FAULTLINE_", "SHOP_", "REPORTS_", "INVENTORY_"))
           and k not in ("CI", "BUILD_NUMBER", "COV_CORE_SOURCE")}
    # bytecode caching on (pytest caches its assertion rewrites too): a run costs a third less
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(PYTHONHASHSEED="0", COLUMNS="120", LC_ALL="C.UTF-8")
    if run.ci:
        env["CI"] = "true"
    env.update(db_env)
    return env


def _base_args(run: Run) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            *([] if "--color=yes" in run.flags else ["--color=no"]), *run.flags]


class Runner:
    """Starts every needed run at once on a thread pool; `result(run)` waits for one."""

    def __init__(self, base: Path, postgres_server=None, no_postgres=None):
        self.base = base
        self.pg = postgres_server
        self.no_postgres = no_postgres  # (pytest.skip or pytest.fail, why) when it did not start
        self.pool = ThreadPoolExecutor(max_workers=WORKERS)
        self.futures: dict[Run, Future] = {}
        self.lock = threading.Lock()
        self.counter = 0

    def submit(self, run: Run) -> None:
        with self.lock:
            if run not in self.futures:
                self.counter += 1
                self.futures[run] = self.pool.submit(self._execute, run, self.counter)

    def result(self, run: Run) -> Result:
        if run.db == PG and self.pg is None:
            outcome, why = self.no_postgres or (pytest.fail, "no PostgreSQL server was requested")
            if outcome is pytest.skip:
                pytest.skip(why)
            pytest.fail(why, pytrace=False)
        self.submit(run)
        return self.futures[run].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _db_env(self, run: Run, n: int, workdir: Path) -> dict[str, str]:
        if run.db == PG:
            if self.pg is None:
                raise RuntimeError("a PostgreSQL run without a server")
            if run.project == "django_app":
                # Django creates (and drops) test_shop_<n> and test_reports_<n> itself
                return {"SHOP_DATABASE_URL": self.pg.url_for(f"shop_{n}"),
                        "REPORTS_DATABASE_URL": self.pg.url_for(f"reports_{n}")}
            return {"INVENTORY_DATABASE_URL":
                    self.pg.create_database(f"inventory_{n}").replace("postgresql://", "postgresql+psycopg://", 1)}
        if run.project == "django_app":
            return {"SHOP_DATABASE_URL": f"sqlite:///{workdir}/shop.sqlite3",
                    "REPORTS_DATABASE_URL": f"sqlite:///{workdir}/reports.sqlite3"}
        return {"INVENTORY_DATABASE_URL": f"sqlite:///{workdir}/inventory.sqlite3"}

    def _pick_seed(self, run: Run, env: dict[str, str], cwd: Path) -> int:
        """The first of SEEDS whose pytest-randomly order puts the polluter first (or last)."""
        first, second = run.randomly
        if not first:
            return SEEDS[0]
        for seed in SEEDS:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                 "-q", "--collect-only", "-p", "randomly", f"--randomly-seed={seed}", *run.select],
                cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
            ids = [line.strip() for line in proc.stdout.splitlines() if "::" in line]
            p = next((i for i, node in enumerate(ids) if node.startswith(first)), None)
            v = next((i for i, node in enumerate(ids) if node.startswith(second)), None)
            if p is not None and v is not None and (p < v) != run.avoid_order:
                return seed
        raise AssertionError(f"no seed in {SEEDS} runs {first} {'after' if run.avoid_order else 'before'} {second}")

    def _execute(self, run: Run, n: int) -> Result:
        workdir = self.base / f"{n:02d}-{run.name}"
        workdir.mkdir(parents=True)
        cwd = PROJECTS / run.project
        env = _pytest_env(run, self._db_env(run, n, workdir))
        seed = None
        args = _base_args(run)
        if run.randomly is not None:
            seed = self._pick_seed(run, env, cwd)
            args += ["-p", "randomly", f"--randomly-seed={seed}"]
        else:
            args += ["-p", "no:randomly"]
        args += list(run.select)
        proc = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=RUN_TIMEOUT)
        log = workdir / f"{run.name}.log"
        log.write_bytes(proc.stdout)
        return Result(run, proc.returncode, proc.stdout.decode("utf-8", "replace"), log, seed)


def _selected_runs(items) -> list[Run]:
    runs = []
    for item in items:
        spec = getattr(item, "callspec", None)
        if spec is None or item.module.__name__ != __name__:
            continue
        for value in spec.params.values():
            if isinstance(value, (Case, Other, Alone)):
                runs.append(value.run)
    return runs


@pytest.fixture(scope="module")
def runner(request, tmp_path_factory):
    runs = _selected_runs(request.session.items)
    pg, no_postgres = None, None
    if any(r.db == PG for r in runs):
        # without PostgreSQL only the PostgreSQL runs skip (or fail, when it is required)
        try:
            pg = request.getfixturevalue("postgres_server")
        except pytest.skip.Exception as exc:
            no_postgres = (pytest.skip, str(exc))
        except pytest.fail.Exception as exc:
            no_postgres = (pytest.fail, str(exc))
    r = Runner(tmp_path_factory.mktemp("real-runs"), pg, no_postgres)
    # the slowest first: PostgreSQL runs, then the logs, then the single-test runs
    for run in sorted(runs, key=lambda run: (run.name.startswith("alone-"), run.db != PG)):
        if run.db != PG or pg is not None:
            r.submit(run)
    yield r
    r.close()


def _analyze(log: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "faultline", "analyze", str(log), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"faultline analyze failed ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout)


def _keep_copy(result: Result) -> Path:
    LOG_COPIES.mkdir(parents=True, exist_ok=True)
    copy = LOG_COPIES / result.log.name
    shutil.copyfile(result.log, copy)
    return copy


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _has_header(run: Run) -> bool:
    """pytest prints its session header (plugins, randomly's seed) unless -q is given."""
    return "-q" not in run.flags


def _check_log(result: Result, must_show, summary, returncode) -> None:
    out = ANSI.sub("", result.output)
    tail = "\n".join(out.splitlines()[-40:])
    assert result.returncode == returncode, f"pytest exited {result.returncode}, expected {returncode}:\n{tail}"
    closing = out.rstrip().splitlines()[-1] if out.strip() else ""
    assert re.search(summary, closing), f"closing line {closing!r} lacks {summary!r}"
    for pattern in must_show:
        assert re.search(pattern, out, re.M), f"{pattern!r} not in the log:\n{tail}"
    if result.seed is not None and _has_header(result.run):
        assert f"Using --randomly-seed={result.seed}" in out


def _describe(top: dict | None) -> str:
    if not top:
        return "no diagnosis"
    return f"rank-1 {top['id']} ({top['confidence']}) facts={json.dumps(top['facts'], sort_keys=True)}"


# --------------------------------------------------------------------------- tests
@pytest.mark.parametrize("case", CASES, ids=[c.run.name for c in CASES])
def test_real_run_log_shows_the_pollution(case, runner):
    result = runner.result(case.run)
    _keep_copy(result)
    _check_log(result, case.must_show, case.summary, returncode=1)


@pytest.mark.parametrize("case", CASES, ids=[c.run.name for c in CASES])
def test_faultline_diagnoses_the_real_run(case, runner):
    result = runner.result(case.run)
    copy = _keep_copy(result)
    analysis = _analyze(result.log)
    top = analysis["diagnoses"][0] if analysis["diagnoses"] else None
    where = f"{copy}: {_describe(top)}"
    assert analysis["matched"] and top is not None, where
    assert top["id"] == ISOLATION, where
    facts = top["facts"]
    expected = {k: v.format(seed=result.seed) for k, v in case.facts.items()
                if k != "runner" or _has_header(case.run)}
    wrong = {k: (facts.get(k), v) for k, v in expected.items() if facts.get(k) != v}
    assert not wrong, f"{where}\nfacts (got, expected): {wrong}"
    if case.cause is not None:
        assert facts.get("cause") == case.cause, f"{where}\ncause: expected {case.cause!r}"
    assert facts.get("cause") not in case.not_causes, f"{where}\ncause {facts.get('cause')!r} is wrong here"
    for item in top["evidence"]:
        assert 1 <= item["line"] <= analysis["lines"]


@pytest.mark.parametrize("other", OTHERS, ids=[o.run.name for o in OTHERS])
def test_real_run_that_is_not_test_isolation(other, runner):
    result = runner.result(other.run)
    copy = _keep_copy(result)
    _check_log(result, other.must_show, other.summary, returncode=other.returncode)
    analysis = _analyze(result.log)
    top = analysis["diagnoses"][0] if analysis["diagnoses"] else None
    assert top is None or top["id"] != ISOLATION, f"{copy}: {_describe(top)}"


@pytest.mark.parametrize("alone", ALONE, ids=[a.run.name for a in ALONE])
def test_polluter_and_victim_alone(alone, runner):
    result = runner.result(alone.run)
    tail = "\n".join(result.output.splitlines()[-30:])
    if alone.passes:
        assert result.returncode == 0, f"{alone.run.select[0]} fails on its own:\n{tail}"
        assert re.search(r"\d+ passed", tail) and "failed" not in tail and "error" not in tail, tail
    else:
        assert result.returncode == 1, f"{alone.run.select[0]} was expected to fail alone too:\n{tail}"


def test_enough_distinct_real_logs():
    """The issue's bar: at least 12 real logs across scenarios and both databases."""
    names = {c.run.name for c in CASES}
    assert len(names) >= 12
    assert {c.run.db for c in CASES} == {PG, LITE}
    assert {c.run.project for c in CASES} == {"django_app", "sqla_app"}


def test_postgres_server_runs_unprivileged_and_cleans_up(postgres_server):
    """The launcher itself: a second throwaway server, its owner, its URL, its cleanup."""
    from tests.support.postgres import PostgresServer

    with PostgresServer() as pg:
        base, pid_file = pg.base, pg.data_dir / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0])
        assert os.stat(f"/proc/{pid}").st_uid != 0, "PostgreSQL must not run as root"
        assert pg.url.startswith("postgresql://faultline@127.0.0.1:")
        assert pg.psql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").strip() == "t"
        url = pg.create_database("probe")
        assert url.endswith("/probe") and pg.psql("SELECT current_database()", "probe").strip() == "probe"
        assert pg.port != postgres_server.port
    assert not base.exists(), "the data directory outlived the server"
    assert not PostgresServer._alive(pid), "the postmaster outlived stop()"
    pg.stop()  # twice is harmless
