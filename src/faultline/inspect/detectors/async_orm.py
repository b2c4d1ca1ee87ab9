"""FL004: an async pytest test that uses the Django ORM under django_db without transaction=True."""

from __future__ import annotations

import ast

from faultline.inspect.context import MANAGERS, QUERYSET_STEPS, Context
from faultline.inspect.source import Module
from faultline.inspect.testcode import kwarg

# Async ORM methods whose names say what they are, on any receiver (Django 4.1+).
ASYNC_ORM = {
    "acreate", "aget_or_create", "aupdate_or_create", "abulk_create", "abulk_update", "acount", "aexists",
    "afirst", "alast", "alatest", "aearliest", "ain_bulk", "aaggregate", "aupdate", "aiterator", "acontains",
    "aexplain", "asave", "arefresh_from_db", "aget", "adelete",
}
# Names that caches, sessions and HTTP clients share with the ORM: only on a manager/queryset.
AMBIGUOUS = {"aget", "adelete", "aset", "aadd", "aclear", "aremove"}
SYNC_TO_ASYNC = {"sync_to_async", "database_sync_to_async"}
DEPTH = 2  # how far into awaited project functions to look


def _on_queryset(expr: ast.AST) -> bool:
    while isinstance(expr, (ast.Call, ast.Attribute)):
        if isinstance(expr, ast.Attribute) and expr.attr in MANAGERS:
            return True
        if isinstance(expr, ast.Attribute) and expr.attr not in QUERYSET_STEPS:
            return False
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return False


def _direct_use(module: Module, func) -> ast.AST | None:
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            dotted = module.dotted(node.func) or ""
            if dotted.rpartition(".")[2] in SYNC_TO_ASYNC:
                return node
            if isinstance(node.func, ast.Attribute) and node.func.attr in ASYNC_ORM:
                receiver = node.func.value
                if _on_queryset(receiver) or (node.func.attr not in AMBIGUOUS and not _cache_like(receiver)):
                    return node
        if isinstance(node, ast.AsyncFor) and _on_queryset(node.iter):
            return node.iter
    return None


def _cache_like(receiver: ast.AST) -> bool:
    name = receiver.id if isinstance(receiver, ast.Name) else receiver.attr if isinstance(receiver, ast.Attribute) else ""
    return "cache" in name.lower() or "client" in name.lower()


def orm_use(ctx: Context, module: Module, func, depth: int = 0) -> tuple[Module, ast.AST] | None:
    """The first async ORM call in a function, or in a project coroutine it awaits."""
    found = _direct_use(module, func)
    if found is not None:
        return module, found
    if depth >= DEPTH:
        return None
    for node in ast.walk(func):
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            callee = ctx.project.resolve_function(module, node.value.func)
            if callee is not None and isinstance(callee.node, ast.AsyncFunctionDef):
                found = orm_use(ctx, callee.module, callee.node, depth + 1)
                if found is not None:
                    return found
    return None


def check(ctx: Context):
    tests = ctx.tests
    for module, func, owner in ctx.project.functions:
        if not isinstance(func, ast.AsyncFunctionDef) or not tests.is_test(module, func, owner):
            continue
        if owner is not None and ctx.project.is_unittest_case(owner):
            continue  # Django's TestCase runs async tests through async_to_sync: no leak
        mark = tests.django_db_mark(module, func, owner)
        if mark is None and "db" not in tests.requested(module, func):
            continue
        if tests.is_transactional(module, func, owner):
            continue
        use = orm_use(ctx, module, func)
        if use is None:
            continue
        where, node = use
        place = f"{where.shown}:{node.lineno}" if where is not module else f"line {node.lineno}"
        via = f"`{where.segment(node, 50)}` ({place})"
        declared = "its django_db mark has no transaction=True" if mark is not None else "it uses the `db` fixture"
        if mark is not None and kwarg(mark, "transaction") is not None:
            declared = "its django_db mark sets transaction to something other than True"
        message = (f"async test `{func.name}` uses the ORM through {via} but {declared}: the async ORM "
                   "commits on another thread's connection, outside the test transaction, so its rows outlive the test")
        yield ctx.finding(module, func, "FL004", message)
