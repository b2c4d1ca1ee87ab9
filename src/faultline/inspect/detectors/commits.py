"""FL007: tests that commit, or TRUNCATE, outside the transaction rolled back after them.

Looked for in tests, per-test setup and function-scoped fixtures, and in the project
functions they call (two levels deep, reported at the call in the test):
- a raw `COMMIT` statement;
- `.commit()` on a DB-API connection the code opened itself, or on a SQLAlchemy session of
  its own (or from a fixture that joins no outer transaction and cleans nothing up);
- `with engine.begin()` / `with SessionLocal.begin()` on the application's own engine or
  session factory, which commit when the block ends;
- ORM writes inside `django_db_blocker.unblock()` in a fixture (no test transaction there);
- `TRUNCATE` issued from a test body.
"""

from __future__ import annotations

import ast

from faultline.inspect.context import Context
from faultline.inspect.project import ClassInfo
from faultline.inspect.source import Module
from faultline.inspect.testcode import SETUP_METHODS, fixture_of, literal_str

RAW_CONNECT = {
    "psycopg.connect", "psycopg2.connect", "sqlite3.connect", "pymysql.connect", "MySQLdb.connect",
    "mysql.connector.connect", "oracledb.connect", "cx_Oracle.connect", "pyodbc.connect",
    "psycopg.Connection.connect",
}
SESSION_FACTORIES = {"sessionmaker", "scoped_session", "async_sessionmaker", "async_scoped_session"}
ENGINE_FACTORIES = {"create_engine", "create_async_engine"}
BOUNDARY_CALLS = {"rollback", "begin_nested", "drop_all", "truncate"}
ORM_WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete"}
DEPTH = 2


def _sql(call: ast.Call) -> str | None:
    """The statement of `execute("...")`, `execute(text("..."))`, `exec_driver_sql("...")`."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("execute", "exec_driver_sql") and call.args):
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Call) and arg.args and (isinstance(arg.func, ast.Name) and arg.func.id == "text"
                                                  or isinstance(arg.func, ast.Attribute) and arg.func.attr == "text"):
        arg = arg.args[0]
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).strip().upper()
    text = literal_str(arg)
    return text.strip().upper() if text is not None else None


def _is_commit_sql(sql: str) -> bool:
    words = sql.rstrip(";").split()
    return bool(words) and (words[0] == "COMMIT" or words in (["END"], ["END", "TRANSACTION"], ["END", "WORK"]))


def _bindings(func) -> dict[str, ast.expr]:
    found = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found.setdefault(node.targets[0].id, node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    found.setdefault(item.optional_vars.id, item.context_expr)
    return found


def _in_memory(module: Module, expr: ast.AST | None) -> bool:
    """`sqlite3.connect(":memory:")`, `create_engine("sqlite://")`: a database no other test sees."""
    if not (isinstance(expr, ast.Call) and expr.args):
        return False
    url = literal_str(expr.args[0]) or ""
    name = (module.dotted(expr.func) or "").rpartition(".")[2]
    return url == ":memory:" or name in ENGINE_FACTORIES and (url in ("sqlite://", "sqlite+pysqlite://") or ":memory:" in url)


def _has_boundary(func) -> bool:
    """A rollback, a savepoint join, or a cleanup (drop_all, TRUNCATE, DELETE) in the function."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in BOUNDARY_CALLS or any(k.arg == "join_transaction_mode" for k in node.keywords):
                return True
            sql = _sql(node)
            if sql and sql.startswith(("TRUNCATE", "DELETE", "DROP")):
                return True
            if node.func.attr == "delete" and not node.args:
                return True
    return False


class Scanner:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._bindings: dict[int, dict[str, ast.expr]] = {}
        self._callees: dict[tuple[int, int], str | None] = {}

    def bindings(self, func) -> dict[str, ast.expr]:
        if id(func) not in self._bindings:
            self._bindings[id(func)] = _bindings(func)
        return self._bindings[id(func)]

    def _callee_commit(self, callee, depth: int) -> str | None:
        """What the first commit in a called function does (computed once per function and depth)."""
        key = (id(callee.node), depth)
        if key not in self._callees:
            self._callees[key] = None  # a recursive call meets None, not a loop
            found = next(iter(self.sites(callee.module, callee.node, depth, own_params=False)), None)
            self._callees[key] = found[1] if found else None
        return self._callees[key]

    def _factory_kind(self, module: Module, expr: ast.AST) -> str | None:
        """'session' or 'engine' for a project-level `sessionmaker(...)`/`create_engine(...)`."""
        found = self.ctx.project.resolve_value(module, expr)
        if found is None or not isinstance(found[1], ast.Call):
            return None
        name = (found[0].dotted(found[1].func) or "").rpartition(".")[2]
        return "session" if name in SESSION_FACTORIES else "engine" if name in ENGINE_FACTORIES else None

    def kind(self, module: Module, func, expr: ast.AST, depth: int = 0) -> str | None:
        """'raw' for a DB-API connection, 'session' for an ORM session of its own, else None."""
        if isinstance(expr, ast.Attribute) and expr.attr == "connection":
            base = expr.value
            if isinstance(base, ast.Name) and base.id == "connection" or isinstance(base, ast.Subscript):
                return "raw"  # Django's connection.connection / connections[alias].connection
        if not isinstance(expr, ast.Call):
            return None
        dotted = module.dotted(expr.func) or ""
        if dotted in RAW_CONNECT:
            return None if _in_memory(module, expr) else "raw"
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "raw_connection":
            return "raw"
        if dotted.rpartition(".")[2] in ("Session", "AsyncSession"):
            bind = expr.args[0] if expr.args else next((k.value for k in expr.keywords if k.arg == "bind"), None)
            bound = self.bindings(func).get(bind.id) if isinstance(bind, ast.Name) else None
            joined = isinstance(bound, ast.Call) and isinstance(bound.func, ast.Attribute) and bound.func.attr == "connect"
            return None if joined or _in_memory(module, bound) else "session"
        if isinstance(expr.func, ast.Call) and (module.dotted(expr.func.func) or "").rpartition(".")[2] in SESSION_FACTORIES:
            return "session"
        if self._factory_kind(module, expr.func) == "session":
            return "session"
        callee = self.ctx.project.resolve_function(module, expr.func)
        if callee is not None and depth < 1:
            for node in ast.walk(callee.node):
                if isinstance(node, ast.Return) and node.value is not None:
                    found = self.kind(callee.module, callee.node, node.value, depth + 1)
                    if found:
                        return found
        return None

    def _fixture_session(self, module: Module, name: str):
        fixture = self.ctx.tests.fixture(name, module)
        if fixture is None or _has_boundary(fixture.node):
            return None
        for node in ast.walk(fixture.node):
            value = node.value if isinstance(node, (ast.Yield, ast.Return)) else None
            if isinstance(value, ast.Name):
                value = self.bindings(fixture.node).get(value.id)
            if value is not None and self.kind(fixture.module, fixture.node, value) == "session":
                return fixture
        return None

    def sites(self, module: Module, func, depth: int = 0, own_params: bool = True):
        """(node, what happens there) for every commit in the function, calls followed."""
        bindings = self.bindings(func)
        for node in ast.walk(func):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    expr = item.context_expr
                    if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "begin"
                            and self._factory_kind(module, expr.func.value)):
                        yield expr, f"`with {module.segment(expr, 40)}` commits when the block ends, outside the test transaction"
            if not isinstance(node, ast.Call):
                continue
            sql = _sql(node)
            if sql is not None and _is_commit_sql(sql):
                yield node, f"`{module.segment(node, 50)}` commits the transaction the test runs in"
            if isinstance(node.func, ast.Attribute) and node.func.attr == "commit" and not node.args:
                yield from self._commit(module, func, node, bindings, own_params)
            if depth < DEPTH:
                callee = self.ctx.project.resolve_function(module, node.func)
                if callee is not None and callee.node is not func and fixture_of(callee.module, callee.node) is None:
                    what = self._callee_commit(callee, depth + 1)
                    if what is not None:
                        link = "which" if what.startswith("calls ") else "where"
                        yield node, f"calls `{callee.node.name}` ({callee.module.shown}:{callee.node.lineno}), {link} {what}"

    def _commit(self, module: Module, func, node: ast.Call, bindings, own_params: bool):
        receiver = node.func.value
        shown = module.segment(node, 40)
        if isinstance(receiver, ast.Name) and receiver.id in bindings:
            origin = bindings[receiver.id]
            kind = self.kind(module, func, origin)
            if kind == "raw":
                yield node, f"`{shown}` commits on a DB-API connection of its own (`{module.segment(origin, 40)}`)"
            elif kind == "session" and not _has_boundary(func):
                yield node, f"`{shown}` commits a session of its own (`{module.segment(origin, 40)}`)"
        elif isinstance(receiver, ast.Name) and own_params and receiver.id in {a.arg for a in func.args.args}:
            fixture = self._fixture_session(module, receiver.id)
            if fixture is not None:
                yield node, (f"`{shown}` commits the session of the fixture `{fixture.name}` "
                             f"({fixture.module.shown}:{fixture.node.lineno}), which joins no rolled-back transaction")
        elif self.kind(module, func, receiver) == "raw":
            yield node, f"`{shown}` commits on a DB-API connection of its own"


def _unblocked_writes(ctx: Context, module: Module, func):
    for node in ast.walk(func):
        if not isinstance(node, (ast.With, ast.AsyncWith)):
            continue
        if not any((module.dotted(i.context_expr.func) or "").endswith("django_db_blocker.unblock")
                   for i in node.items if isinstance(i.context_expr, ast.Call)):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Call):
                continue
            target = ctx.target(module, inner)
            method = inner.func.attr if isinstance(inner.func, ast.Attribute) else None
            if target and (target.kind == "factory" or target.kind == "manager" and method in ORM_WRITES) or method == "save":
                yield inner
                break


def _contexts(ctx: Context):
    """(module, function, who, is a test body) for every place a commit would leak from."""
    tests, project = ctx.tests, ctx.project
    for module, func, owner in project.functions:
        fixture = fixture_of(module, func)
        if fixture is not None:
            if fixture.scope == "function" and not _has_boundary(func) and not tests.is_transactional(module, func, None):
                yield module, func, f"fixture `{fixture.name}`", False
        elif tests.is_test(module, func, owner):
            if not tests.is_transactional(module, func, owner):
                yield module, func, f"test `{func.name}`", True
        elif isinstance(owner, ClassInfo) and func.name in SETUP_METHODS and project.is_unittest_case(owner):
            if not project.is_transactional_case(owner):
                yield module, func, f"`{owner.name}.{func.name}`", False


def check(ctx: Context):
    scanner = Scanner(ctx)
    for module, func, who, is_test in _contexts(ctx):
        seen = set()
        for node, what in scanner.sites(module, func):
            if id(node) not in seen:
                seen.add(id(node))
                yield ctx.finding(module, node, "FL007", f"{who}: {what}; the rows outlive the test and collide with later ones")
        for node in ast.walk(func) if is_test else []:
            sql = _sql(node) if isinstance(node, ast.Call) else None
            if sql and sql.startswith("TRUNCATE"):
                yield ctx.finding(module, node, "FL007", (
                    f"{who} TRUNCATEs shared tables (`{module.segment(node, 50)}`): rows other tests and parallel "
                    "workers rely on disappear, and on MySQL the statement commits the test transaction"))
    for module, func, _owner in ctx.project.functions:
        fixture = fixture_of(module, func)
        if fixture is None or fixture.name == "django_db_setup" or _has_boundary(func):
            continue
        for node in _unblocked_writes(ctx, module, func):
            yield ctx.finding(module, node, "FL007", (
                f"fixture `{fixture.name}` ({fixture.scope} scope) writes `{module.segment(node, 50)}` inside "
                "django_db_blocker.unblock(): no test transaction is open there, so the row is committed "
                "and stays for every later test"))
