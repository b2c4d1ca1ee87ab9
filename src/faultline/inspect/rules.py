"""The rules of `faultline inspect`: one entry per detector, with the text of its page.

Each rule says what it detects, why it matters, an example, the fix and what it leaves
alone, like ruff's rule pages; docs/rules/ is generated from here (faultline.inspect.docs).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    name: str  # kebab-case, stable
    title: str  # one line
    what: str
    why: str
    example: str  # code that triggers the rule
    fix: str
    fixed: str  # the example, fixed
    fix_summary: str  # one line, shown with every finding
    not_flagged: str  # the look-alikes the rule leaves alone, on purpose
    level: str = "error"  # SARIF level and GitHub annotation kind


RULES: dict[str, Rule] = {}


def _rule(**fields) -> None:
    rule = Rule(**{k: v.strip("\n") if isinstance(v, str) else v for k, v in fields.items()})
    RULES[rule.id] = rule


_rule(
    id="FL001",
    name="setup-teardown-without-super",
    title="A test class overrides setUpClass, tearDownClass, setUp or tearDown without calling super()",
    what="""
A `setUpClass`, `tearDownClass`, `setUp` or `tearDown` defined in a test class (or in a mixin
that ends up in one) that never calls the same method of its base class, while a base class
further along the MRO has real work in it: Django's `TestCase`/`TransactionTestCase`/
`SimpleTestCase` class-level setup and teardown, or a method defined in your own base test
class or mixin. A call through a helper method of the class, `super(Cls, cls)` and
`Base.tearDownClass()` all count as calling the base.
""",
    why="""
`django.test.TestCase.setUpClass()` opens a transaction around the whole class and calls
`setUpTestData()` inside it; `tearDownClass()` rolls that transaction back. Override
`tearDownClass` without `super().tearDownClass()` and the rollback never happens: the rows
of `setUpTestData` stay, and the next test class fails with `duplicate key value violates
unique constraint` or counts rows it never created. The failing class is the victim; the
class that skipped `super()` passes. The same goes for your own base class: its `tearDown`
cleanup silently stops running in every subclass that overrides `tearDown`.
""",
    example="""
from django.test import TestCase

class TeamAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.support = Team.objects.create(name="Support")

    @classmethod
    def tearDownClass(cls):
        cache.clear()
""",
    fix="""
Call the base method: first thing in `setUpClass`/`setUp`, last thing in
`tearDownClass`/`tearDown` (in a `finally:` when the cleanup may raise).
""",
    fixed="""
    @classmethod
    def tearDownClass(cls):
        try:
            cache.clear()
        finally:
            super().tearDownClass()
""",
    fix_summary="Call super() in the override (super().tearDownClass(), super().setUp(), ...).",
    not_flagged="""
Direct subclasses of `unittest.TestCase`, whose four methods do nothing, and overrides of
`setUp`/`tearDown` in Django test classes (Django does its per-test work in `_pre_setup`
and `_post_teardown`, not in `setUp`), overrides that replace a project base's `setUp`
data (only a skipped setup that opens something, a transaction, session, patch or cleanup,
counts), and classes whose test base is an external class Faultline does not know.
""",
)

_rule(
    id="FL002",
    name="explicit-primary-key-in-setup",
    title="Test data created with a hard-coded primary key in setUpTestData, setUp or a fixture",
    what="""
An object saved with a literal integer `id=`/`pk=` in the class-level or per-test setup of a
database test (`setUpTestData`, `setUpClass`, `setUp`, pytest `setup_*` methods) or in a
pytest fixture: `Model.objects.create(id=1, ...)`, `get_or_create(pk=...)`, a
factory called with `id=`, or `Model(id=1)` that is then saved, bulk-created or added to
a SQLAlchemy session.
""",
    why="""
An insert with an explicit id does not advance the table's id sequence (PostgreSQL, Oracle).
The next ordinary insert into that table, in the same test class or in a later test, is
handed an id that is already taken and fails with `duplicate key value violates unique
constraint "<table>_pkey"` / `Key (id)=(1) already exists`. Whether it fails depends on
which tests ran before and how far they moved the sequence, so it looks flaky. SQLite and
MySQL pick max(id)+1 and hide the bug until CI runs on PostgreSQL.
""",
    example="""
class OrderHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.legacy = Order.objects.create(id=2, customer=cls.customer, total_cents=500)
""",
    fix="""
Let the database assign the key and refer to the created object (`cls.legacy.pk`). If a
fixed id is unavoidable, reset the sequence after inserting it (`reset_sequences = True` on
a `TransactionTestCase`, `django_db_reset_sequences`, or `SELECT setval(...)`).
""",
    fixed="""
        cls.legacy = Order.objects.create(customer=cls.customer, total_cents=500)
        # ...and in the tests: self.legacy.pk instead of 2
""",
    fix_summary="Let the database assign the id and refer to the created object; or reset the sequence after inserting.",
    not_flagged="""
An id taken from a variable or another object (`pk=other.pk`), string or UUID keys (no
sequence behind them), objects built but never saved, and Django JSON/YAML fixtures loaded
by `loaddata` (which resets the sequences after loading). Explicit ids inside test methods
are left alone too: their rows are rolled back before another test inserts.
""",
)

_rule(
    id="FL003",
    name="factory-constant-unique-field",
    title="A factory_boy factory gives a unique model field the same value every time",
    what="""
A `DjangoModelFactory`/`SQLAlchemyModelFactory` (or a subclass) that declares a constant
(`name = "ADMIN"`) for a field that is unique in the model it builds: Django `unique=True`
or `primary_key=True`, a `unique_together`/`UniqueConstraint` whose fields are all constant
in the factory, SQLAlchemy `unique=True` or a `UniqueConstraint`, and the unique fields of
`django.contrib.auth` (`User.username`, `Group.name`). The model is read from
`class Meta: model = ...` (a class or an `"app.Model"` string) and the project's own model
files, without importing them. A constant inherited from a parent factory counts.
""",
    why="""
The first object is created; the second, in the same test or through a `SubFactory` of
another factory, hits `duplicate key value violates unique constraint` /
`Key (name)=(ADMIN) already exists`. It also fails whenever a row with that value leaked
from another test, so the factory turns every leak into a failure somewhere else.
""",
    example="""
class GroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"group-{n}")

    class Meta:
        model = Group

class AdminGroupFactory(GroupFactory):
    name = "ADMIN"
""",
    fix="""
Give the field a per-object value (`factory.Sequence`, `factory.Faker` with a sequence
suffix), or, for a well-known row that must exist once, fetch it instead of creating it:
`django_get_or_create = ("name",)` (SQLAlchemy: `sqlalchemy_get_or_create`), which also
makes `SubFactory` chains reuse the row.
""",
    fixed="""
class AdminGroupFactory(GroupFactory):
    name = "ADMIN"

    class Meta:
        django_get_or_create = ("name",)
""",
    fix_summary="Use factory.Sequence for the field, or add it to django_get_or_create / sqlalchemy_get_or_create.",
    not_flagged="""
Fields listed in `django_get_or_create`/`sqlalchemy_get_or_create`, `Sequence`, `Faker`,
`LazyAttribute` and other per-object declarations, `None` (NULLs never collide), a
constant on one field of a multi-field constraint whose other fields vary, conditional
`UniqueConstraint`s, abstract factories whose concrete subclasses all override the field,
and factories whose model cannot be resolved.
""",
)

_rule(
    id="FL004",
    name="async-orm-without-transaction",
    title="An async test awaits the Django ORM under django_db without transaction=True",
    what="""
An `async def` pytest test that uses the Django ORM asynchronously (`acreate`, `aget`,
`acount`, `asave`, `async for` over a queryset, `sync_to_async`/`database_sync_to_async`),
directly or through an async function of the project it awaits, while its `django_db` mark
(on the function, the class or the module's `pytestmark`, or the `db` fixture) does not
say `transaction=True`.
""",
    why="""
pytest-django opens the test transaction on the main thread's connection. The async ORM
runs each query through `sync_to_async`, in asgiref's executor thread, on that thread's own
connection, in autocommit: the rows are committed for good, the test's rollback does not
touch them, and a later test (or the next run with `--reuse-db`) trips over them. Django's
own `TestCase` async methods are not affected: Django wraps them in `async_to_sync`.
""",
    example="""
@pytest.mark.asyncio
@pytest.mark.django_db
async def test_register_customer():
    await Customer.objects.acreate(email="ada@example.com")
""",
    fix="""
Mark the test `@pytest.mark.django_db(transaction=True)` (or request `transactional_db`):
the tables are flushed after the test, whichever connection wrote to them.
""",
    fixed="""
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_register_customer():
    await Customer.objects.acreate(email="ada@example.com")
""",
    fix_summary="Use @pytest.mark.django_db(transaction=True), or the transactional_db fixture, for async ORM tests.",
    not_flagged="""
Async tests with `transaction=True`, `transactional_db` or `live_server` (also through an
autouse fixture), async methods of Django `TestCase` classes, async tests without any
`django_db` mark (pytest-django refuses their queries loudly), and cache calls such as
`cache.aget`.
""",
)

_rule(
    id="FL005",
    name="undeclared-test-database",
    title="A test uses a second database alias without declaring it in `databases`",
    what="""
In a project whose settings define more than one database alias, a Django test class
(`TestCase`, `TransactionTestCase`, ...) without a `databases` attribute anywhere in its
class hierarchy, or a test whose `django_db` mark has no `databases=`, that uses another
alias where Faultline can see it: `.using("replica")`, `using="replica"`,
`db_manager("replica")`, `connections["replica"].cursor()`, `database="replica"`, or an
ORM call on a model whose app a router of `DATABASE_ROUTERS` sends to that alias
(`if model._meta.app_label == "reports": return "replica"`).
""",
    why="""
Django wraps and flushes only the databases a test declares; the default is `{"default"}`.
Since Django 2.2 a query to an undeclared alias fails with `DatabaseOperationForbidden`
(pytest-django before 4.3 had no way to declare it, and writes went through and stayed).
Declaring the alias is what makes Django roll back or flush it after each test; without it
the test either fails for a reason unrelated to what it tests or, on older stacks, leaves
rows in the second database for every later test and run.
""",
    example="""
class ReportTests(TestCase):
    def test_archive(self):
        Report.objects.using("reports").create(day=date(2024, 5, 1))
""",
    fix="""
Declare every alias the test touches: `databases = {"default", "reports"}` on the class
(or `"__all__"`), or `@pytest.mark.django_db(databases=["default", "reports"])`.
""",
    fixed="""
class ReportTests(TestCase):
    databases = {"default", "reports"}
""",
    fix_summary='Declare the alias: databases = {"default", "<alias>"} on the class, or django_db(databases=[...]).',
    not_flagged="""
Aliases given through variables, routers whose choice is not a literal comparison of the
app label, uses inside `assertRaises`/`pytest.raises` (tests that check the refusal), the
`default` alias, single-database projects, and classes whose bases Faultline cannot see
(one of them may declare `databases`).
""",
)

_rule(
    id="FL006",
    name="reuse-db-with-transactional-tests",
    title="--reuse-db in the pytest configuration of a project with transactional tests or a CI run without --create-db",
    what="""
`--reuse-db` in `addopts` of pytest.ini, tox.ini (`[pytest]`), setup.cfg (`[tool:pytest]`)
or pyproject.toml (`[tool.pytest.ini_options]`), when the project also has transactional
tests (`TransactionTestCase` and its subclasses, `transactional_db`, `live_server`,
`django_db(transaction=True)`) or a CI configuration (`.github/workflows/*.yml`,
`.gitlab-ci.yml`) that runs pytest without `--create-db`; and `--reuse-db` passed by a CI
command without `--create-db`.
""",
    why="""
`--reuse-db` keeps the test database between runs. Rows committed by a transactional test
that was interrupted, or by code that escaped the test transaction, are still there on the
next run and collide with its inserts; transactional tests also flush the data your
migrations seeded, and a kept database is never migrated again to bring it back. In CI a
kept database means one job inherits another's rows.
""",
    example="""
# pytest.ini
[pytest]
DJANGO_SETTINGS_MODULE = proj.settings
addopts = --reuse-db
""",
    fix="""
Keep `--reuse-db` for local runs only (pass it on the command line or in a personal
`PYTEST_ADDOPTS`), and run CI with `--create-db`, which wins over `--reuse-db`.
""",
    fixed="""
# pytest.ini: no --reuse-db; locally: PYTEST_ADDOPTS=--reuse-db
# CI:
pytest --create-db
""",
    fix_summary="Keep --reuse-db out of the shared pytest configuration, and run CI with --create-db.",
    not_flagged="""
`--reuse-db` in a project with neither transactional tests nor a CI configuration that
runs pytest without `--create-db`, and CI commands that pass `--create-db`.
""",
    level="warning",
)

_rule(
    id="FL007",
    name="commit-outside-test-transaction",
    title="A test commits or TRUNCATEs outside the transaction that is rolled back after it",
    what="""
In tests, per-test setup and function-scoped fixtures (and in the project functions they
call, two levels deep): `execute("COMMIT")`; `.commit()` on a raw DB-API connection
(`psycopg.connect()`, `sqlite3.connect()`, `engine.raw_connection()`, Django's
`connection.connection`); `.commit()` on a SQLAlchemy session of its own
(`SessionLocal()`, `Session(engine)`) or from a fixture that is not joined to a
rolled-back outer transaction; `with engine.begin()`/`SessionLocal.begin()`; ORM writes
inside `django_db_blocker.unblock()` in a fixture; and `TRUNCATE` issued by a test.
""",
    why="""
The test framework isolates tests by rolling back one transaction on one connection. A
commit on any other connection or session, or a raw `COMMIT` on the test's own, writes for
good: the rows survive the test and break later tests that insert the same keys or count
rows, in an order-dependent way. A test that TRUNCATEs shared tables destroys rows other
tests (or parallel workers) are using, and on MySQL ends the test transaction.
""",
    example="""
def test_import_feed(session):
    with SessionLocal.begin() as own:
        own.add(Product(sku="SKU-1"))
""",
    fix="""
Run the code under test on the test's session or connection (inject it, or override the
session factory), join that session to an outer transaction that the fixture rolls back
(`Session(bind=connection, join_transaction_mode="create_savepoint")`), or make the test
transactional (`TransactionTestCase`, `django_db(transaction=True)`) so the tables are
flushed after it. Clean shared tables in a fixture before each test, not inside tests.
""",
    fixed="""
@pytest.fixture
def session(engine):
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close(); outer.rollback(); connection.close()
""",
    fix_summary="Write through the test's own rolled-back session or connection, or make the test transactional.",
    not_flagged="""
Django `transaction.commit()`/`connection.commit()` (Django raises inside a test
transaction), commits in Django transactional tests (the tables are flushed afterwards),
session- or module-scoped fixtures (schema and baseline setup), sessions joined to an outer
transaction that is rolled back, fixtures that drop or truncate what they created, and
TRUNCATE in fixtures and teardown hooks (cleaning before a test is the documented remedy).
""",
)

_rule(
    id="FL100",
    name="suppression-without-reason",
    title="A `# faultline: ignore[...]` comment without a reason, or naming an unknown rule",
    what="""
An inline suppression comment that gives no reason after the rule list, or names a rule
that does not exist.
""",
    why="""
A suppression is a decision someone will have to revisit; without its reason nobody can
tell whether it still holds. A suppression without a reason suppresses nothing.
""",
    example="""
    def tearDownClass(cls):  # faultline: ignore[FL001]
""",
    fix="Say why the finding does not apply, after the brackets.",
    fixed="""
    def tearDownClass(cls):  # faultline: ignore[FL001] the base class is abstract and has no transaction
""",
    fix_summary="Name a known rule and say why it does not apply: # faultline: ignore[FL001] <reason>.",
    not_flagged="Comments that do not start with `faultline: ignore[`.",
    level="warning",
)
