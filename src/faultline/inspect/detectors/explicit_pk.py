"""FL002: test data saved with a literal integer primary key in setup code or a fixture.

Setup code: setUpTestData/setUpClass/setUp (and pytest's setup_* methods) of database test
classes, and pytest fixtures. Saved: created through a manager or factory, or a model
instance that the same function then saves, bulk-creates or adds to a session.
"""

from __future__ import annotations

import ast

from faultline.inspect.context import Context, Target
from faultline.inspect.project import DJANGO_SIMPLE
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


def _saved_names(func) -> set[str]:
    """Names the function saves: `x.save()`, `session.add(x)`, `bulk_create([x, ...])`."""
    names = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "save" and isinstance(node.func.value, ast.Name):
                names.add(node.func.value.id)
            if node.func.attr in SAVERS:
                for arg in node.args:
                    items = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
                    names |= {i.id for i in items if isinstance(i, ast.Name)}
    return names


def _inserted_directly(func, call: ast.Call) -> bool:
    """`Model(id=1).save()`, or the instance written straight into bulk_create/add/add_all."""
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and node.value is call and node.attr == "save":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SAVERS:
            for arg in node.args:
                items = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
                if call in items:
                    return True
    return False


def _assigned_to(func, call: ast.Call) -> str | None:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and node.value is call and isinstance(node.targets[0], ast.Name):
            return node.targets[0].id
    return None


def _setup_functions(ctx: Context):
    for module, func, owner in ctx.project.functions:
        fixture = fixture_of(module, func)
        if fixture is not None:
            yield module, func, f"fixture `{fixture.name}`"
        elif owner is not None and func.name in SETUP_METHODS:
            simple_only = ctx.project.is_subclass(owner, DJANGO_SIMPLE) and not ctx.project.is_django_db_case(owner)
            if not simple_only and (ctx.project.is_unittest_case(owner) or owner.name.startswith("Test")):
                yield module, func, f"`{owner.name}.{func.name}`"


def _describe(target: Target, call: ast.Call, module) -> str:
    if target.kind == "factory":
        return f"`{target.factory.cls.name}`"
    if target.model is not None:
        return f"`{target.model.name}`"
    return f"`{module.segment(call.func, 40)}`"


def check(ctx: Context):
    for module, func, where in _setup_functions(ctx):
        saved = None
        for call in ast.walk(func):
            if not isinstance(call, ast.Call):
                continue
            keyword = _literal_pk(call)
            if keyword is None:
                continue
            target = ctx.target(module, call)
            if target is None:
                continue
            method = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if target.kind == "manager" and method not in MANAGER_CREATES:
                continue
            if target.kind == "model":
                if saved is None:
                    saved = _saved_names(func)
                if not (_inserted_directly(func, call) or _assigned_to(func, call) in saved):
                    continue
            model = target.model
            table = model.table if model else None
            value = keyword.value.value if isinstance(keyword.value, ast.Constant) else -keyword.value.operand.value
            message = (
                f"{where} saves {_describe(target, call, module)} with the fixed key {keyword.arg}={value}: "
                f"the id sequence{f' of {table}' if table else ''} does not move past it, so a later insert "
                f"without an id is given {value} by the sequence and fails with a duplicate key"
            )
            yield ctx.finding(module, keyword, "FL002", message, table=table, value=str(value),
                              model=model.name if model else None, columns=["id"])
