"""FL005: a test names a second database alias without declaring it in `databases`."""

from __future__ import annotations

import ast

from faultline.inspect.context import Context
from faultline.inspect.project import ClassInfo
from faultline.inspect.source import Module
from faultline.inspect.testcode import kwarg, literal_str

ALIAS_KEYWORDS = ("using", "database")  # save(using=...), call_command(..., database=...)
ALIAS_METHODS = ("using", "db_manager")


def aliases(ctx: Context) -> set[str]:
    """Every alias of every `DATABASES = {...}` (and `DATABASES["x"] = ...`) in the project."""
    found = set()
    for module in ctx.project.modules:
        if "DATABASES" not in module.text:
            continue
        for stmt in ast.walk(module.tree):  # also under `if`: settings often add aliases conditionally
            if not isinstance(stmt, ast.Assign):
                continue
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id == "DATABASES" and isinstance(stmt.value, ast.Dict):
                    found |= {literal_str(k) for k in stmt.value.keys if literal_str(k)}
                if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                        and target.value.id == "DATABASES" and literal_str(target.slice)):
                    found.add(literal_str(target.slice))
    return found


def uses(func, others: set[str]) -> list[tuple[ast.AST, str]]:
    """Where a function names one of `others`: .using("x"), using="x", connections["x"]..."""
    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ALIAS_METHODS and node.args:
                alias = literal_str(node.args[0])
                if alias in others:
                    found.append((node, alias))
            for name in ALIAS_KEYWORDS:
                alias = literal_str(kwarg(node, name))
                if alias in others:
                    found.append((node, alias))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "connections":
            alias = literal_str(node.slice)
            if alias in others:
                found.append((node, alias))
    return sorted(found, key=lambda pair: (pair[0].lineno, pair[0].col_offset))


def _declares(ctx: Context, cls: ClassInfo) -> bool:
    return any(
        isinstance(c, ClassInfo) and (c.body_assign("databases") is not None or c.body_assign("multi_db") is not None)
        for c in ctx.project.mro(cls)
    )


def _message(who: str, module: Module, node: ast.AST, alias: str, fix: str) -> str:
    return (f"{who} uses the database '{alias}' (`{module.segment(node, 50)}`) without declaring it: "
            f"Django wraps and flushes only declared databases (and refuses queries to others); {fix}")


def check(ctx: Context):
    others = aliases(ctx) - {"default"}
    if not others:
        return
    reported = set()
    tests = ctx.tests
    for cls in ctx.project.classes:
        if not ctx.project.is_django_db_case(cls) or ctx.project.has_unknown_base(cls) or _declares(ctx, cls):
            continue
        for owner in ctx.project.mro(cls):
            if not isinstance(owner, ClassInfo):
                continue
            for func in owner.methods().values():
                for node, alias in uses(func, others):
                    own = owner is cls or ctx.project.is_django_db_case(owner)
                    where, at = (owner.module, node) if own else (cls.module, cls.node)
                    key = (where.shown, at.lineno, at.col_offset)
                    if key in reported or (id(cls), alias) in reported:
                        continue
                    reported |= {key, (id(cls), alias)}
                    via = "" if own else f" through `{owner.name}.{func.name}` ({owner.module.shown}:{node.lineno})"
                    fix = f'add databases = {{"default", "{alias}"}} to `{cls.name}`'
                    yield ctx.finding(where, at, "FL005", _message(f"`{cls.name}`{via}", owner.module, node, alias, fix),
                                      alias=alias, test_class=cls.name)
    for module, func, owner in ctx.project.functions:
        if owner is not None and ctx.project.is_unittest_case(owner):
            continue
        if not tests.is_test(module, func, owner):
            continue
        mark = tests.django_db_mark(module, func, owner)
        if mark is None or kwarg(mark, "databases") is not None or kwarg(mark, "multi_db") is not None:
            continue
        for node, alias in uses(func, others)[:1]:
            fix = f'use @pytest.mark.django_db(databases=["default", "{alias}"])'
            yield ctx.finding(module, node, "FL005", _message(f"test `{func.name}`", module, node, alias, fix),
                              alias=alias, test=func.name)
