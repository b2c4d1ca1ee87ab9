"""FL002: test data saved with a literal integer primary key in setup code or a fixture,
next to an insert into the same table that takes its id from the sequence.

Setup code: setUpTestData/setUpClass/setUp (and pytest's setup_* methods) of database test
classes, and pytest fixtures. Saved: created through a manager or factory, or a model
instance that the same function then saves, bulk-creates or adds to a session. The rows
only collide with an insert made while they exist: one in the same test class (its tests,
setup and inherited helpers), or in the tests using the fixture.
"""

from __future__ import annotations

import ast

from faultline.inspect.context import Context, Target
from faultline.inspect.project import DJANGO_SIMPLE, ClassInfo
from faultline.inspect.testcode import SETUP_METHODS, fixture_of

MANAGER_CREATES = {"create", "get_or_create", "update_or_create"}
SAVERS = {"bulk_create", "add", "add_all", "bulk_save_objects", "merge"}


def _literal_pk(call: ast.Call) -> ast.keyword | None:
    for keyword in call.keywords:
        value = keyword.value
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
            value = value.operand
        if keyword.arg in ("id", "pk") and isinstance(value, ast.Constant) and type(value.value) is int:
            return keyword
    return None


def _items(call: ast.Call) -> list[ast.expr]:
    return [i for arg in call.args for i in (arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg])]


def _saved_names(func) -> set[str]:
    """Names the function saves: `x.save()`, `session.add(x)`, `bulk_create([x, ...])`."""
    names = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "save" and isinstance(node.func.value, ast.Name):
                names.add(node.func.value.id)
            if node.func.attr in SAVERS:
                names |= {i.id for i in _items(node) if isinstance(i, ast.Name)}
    return names


def _saved(func, call: ast.Call, saved: set[str]) -> bool:
    """A model instance built by `call` reaches the database in this function."""
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and node.value is call and node.attr == "save":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SAVERS:
            if call in _items(node):
                return True
        if isinstance(node, ast.Assign) and node.value is call and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in saved:
                return True
    return False


class Inserts:
    """What each function inserts, and with which key."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._saved: dict[int, set[str]] = {}

    def of(self, module, func):
        """(call, target, the literal pk keyword or None) for every insert in the function."""
        if id(func) not in self._saved:
            self._saved[id(func)] = _saved_names(func)
        for call in ast.walk(func):
            if not isinstance(call, ast.Call):
                continue
            target = self.ctx.target(module, call)
            if target is None:
                continue
            method = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if target.kind == "manager" and method == "bulk_create":
                if not any(isinstance(i, ast.Call) and _literal_pk(i) for i in _items(call)):
                    yield call, target, None
                continue
            if target.kind == "manager" and method not in MANAGER_CREATES:
                continue
            if target.kind == "model" and not _saved(func, call, self._saved[id(func)]):
                continue
            yield call, target, _literal_pk(call)


def _maybe_inserts(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("get_or_create", "update_or_create")


def _same_table(a: Target, b: Target) -> bool:
    if a.model is not None and b.model is not None:
        return a.model is b.model or bool(a.model.table) and a.model.table == b.model.table
    return a.factory is not None and a.factory is b.factory


def _keyed_to_sequence(target: Target, keyword: ast.keyword) -> bool:
    """`pk=`/`id=` names the sequence-filled key (unknown models are given the benefit)."""
    if target.model is None:
        return True
    auto = target.model.auto_pk
    return auto is not None and (keyword.arg == "pk" or keyword.arg == auto)


def _class_scope(ctx: Context, owner: ClassInfo):
    """Every method that runs while a class's setup rows exist: its own and its subclasses'."""
    seen = set()
    for cls in ctx.project.classes:
        if owner in ctx.project.mro(cls):
            for ancestor in ctx.project.mro(cls):
                if isinstance(ancestor, ClassInfo) and id(ancestor) not in seen:
                    seen.add(id(ancestor))
                    yield from ((ancestor.module, f) for f in ancestor.methods().values())


def _fixture_scope(ctx: Context, fixture):
    tests = ctx.tests
    yield fixture.module, fixture.node
    for module, func, owner in ctx.project.functions:
        if tests.is_test(module, func, owner) and fixture.name in tests.requested(module, func):
            yield module, func
            for name in tests.requested(module, func):
                other = tests.fixture(name, module)
                if other is not None:
                    yield other.module, other.node


def _setup_functions(ctx: Context):
    """(module, function, how to name it, the functions that run while its rows exist)."""
    for module, func, owner in ctx.project.functions:
        fixture = fixture_of(module, func)
        if fixture is not None:
            yield module, func, f"fixture `{fixture.name}`", lambda f=fixture: _fixture_scope(ctx, f)
        elif owner is not None and func.name in SETUP_METHODS:
            simple_only = ctx.project.is_subclass(owner, DJANGO_SIMPLE) and not ctx.project.is_django_db_case(owner)
            if not simple_only and (ctx.project.is_unittest_case(owner) or owner.name.startswith("Test")):
                yield module, func, f"`{owner.name}.{func.name}`", lambda o=owner: _class_scope(ctx, o)


def _describe(target: Target, call: ast.Call, module) -> str:
    if target.kind == "factory":
        return f"`{target.factory.cls.name}`"
    if target.model is not None:
        return f"`{target.model.name}`"
    return f"`{module.segment(call.func, 40)}`"


def check(ctx: Context):
    inserts = Inserts(ctx)
    for module, func, where, scope in _setup_functions(ctx):
        explicit = [(c, t, k) for c, t, k in inserts.of(module, func) if k is not None and _keyed_to_sequence(t, k)]
        if not explicit:
            continue
        later = [(m, c, t) for m, f in scope() for c, t, k in inserts.of(m, f) if k is None]
        later.sort(key=lambda item: _maybe_inserts(item[1]))  # cite a sure insert over a get-or-create
        for call, target, keyword in explicit:
            victim = next(((m, c) for m, c, t in later if _same_table(t, target)), None)
            if victim is None:
                continue  # nothing inserts into the table while these rows exist
            table = target.model.table if target.model else None
            value = keyword.value.value if isinstance(keyword.value, ast.Constant) else -keyword.value.operand.value
            at = f"line {victim[1].lineno}" if victim[0] is module else f"{victim[0].shown}:{victim[1].lineno}"
            message = (
                f"{where} saves {_describe(target, call, module)} with the fixed key {keyword.arg}={value} while "
                f"`{victim[0].segment(victim[1], 40)}` ({at}) inserts{f' into {table}' if table else ''} without "
                f"one: the id sequence never moved past {value}, so it can hand out {value} again, a duplicate key"
            )
            yield ctx.finding(module, keyword, "FL002", message, table=table, value=str(value), columns=["id"])
