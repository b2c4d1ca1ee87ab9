"""FL005: a test uses a second database alias without declaring it in `databases`.

A use is an alias written in the test (`.using("x")`, `using="x"`, `db_manager("x")`,
`database="x"`, `connections["x"].cursor()`), or an ORM call on a model of an app that a
router in DATABASE_ROUTERS sends to another alias, when the router says so literally
(`if model._meta.app_label == "reports": return "reports"`).
"""

from __future__ import annotations

import ast

from faultline.inspect.context import Context
from faultline.inspect.project import ClassInfo
from faultline.inspect.source import Module
from faultline.inspect.testcode import kwarg, literal_str

ALIAS_KEYWORDS = ("using", "database")  # save(using=...), call_command(..., database=...)
ALIAS_METHODS = ("using", "db_manager")
CONNECTING = {"cursor", "chunked_cursor", "connect", "ensure_connection", "temporary_connection"}
EXPECTING_FAILURE = ("assertRaises", "assertRaisesMessage", "assertRaisesRegex", "raises")


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


def _expected_to_fail(func) -> set[int]:
    """Nodes inside `with self.assertRaises(...)` / `pytest.raises(...)`: uses meant to be refused."""
    inside = set()
    for node in ast.walk(func):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            isinstance(i.context_expr, ast.Call) and isinstance(i.context_expr.func, ast.Attribute)
            and i.context_expr.func.attr.startswith(EXPECTING_FAILURE) for i in node.items
        ):
            inside |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return inside


def _labels(cls: ClassInfo, test: ast.AST) -> list[str]:
    """The app labels a router condition compares `...app_label` with (`==` or `in`)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In))):
        return []
    sides = [test.left, test.comparators[0]]
    if not any(isinstance(s, ast.Attribute) and s.attr == "app_label" for s in sides):
        return []
    other = next(s for s in sides if not (isinstance(s, ast.Attribute) and s.attr == "app_label"))
    if isinstance(other, ast.Attribute) and isinstance(other.value, ast.Name) and other.value.id in ("self", "cls"):
        other = cls.body_assign(other.attr)  # `app = "reports"` on the router class
    values = other.elts if isinstance(other, (ast.Tuple, ast.List, ast.Set)) else [other]
    return [v for v in map(literal_str, values) if v]


def _routers(ctx: Context):
    """The project classes named in DATABASE_ROUTERS."""
    for module in ctx.project.modules:
        if "DATABASE_ROUTERS" not in module.text:
            continue
        for stmt in ast.walk(module.tree):
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DATABASE_ROUTERS"
                                                    for t in stmt.targets):
                for dotted in map(literal_str, getattr(stmt.value, "elts", [])):
                    if dotted and all(part.isidentifier() for part in dotted.split(".")):
                        found = ctx.project.lookup(dotted, module)
                        if isinstance(found, tuple) and isinstance(found[1], ast.ClassDef):
                            yield ctx.project.class_info(found[1])


def routes(ctx: Context, others: set[str]) -> dict[str, str]:
    """app_label -> alias, from the routers of DATABASE_ROUTERS that say it literally."""
    found = {}
    for router in _routers(ctx):
        for method in ("db_for_write", "db_for_read"):
            for node in ast.walk(router.methods().get(method) or ast.Module([], [])):
                if isinstance(node, ast.IfExp):
                    branch = node.body
                elif isinstance(node, ast.If):
                    branch = next((s.value for s in node.body if isinstance(s, ast.Return)), None)
                else:
                    continue
                if literal_str(branch) in others:
                    found.update(dict.fromkeys(_labels(router, node.test), literal_str(branch)))
    return found


def _routed(ctx: Context, module: Module, call: ast.Call, routed: dict[str, str]) -> str | None:
    """The alias a router sends this ORM call to, unless the call names one itself."""
    if not routed or "using" in ast.unparse(call.func):
        return None
    target = ctx.target(module, call)
    if target is None or target.kind == "model" or target.model is None:
        return None
    return routed.get(target.model.app_label)


def uses(ctx: Context, module: Module, func, others: set[str], routed: dict[str, str]) -> list[tuple[ast.AST, str]]:
    """Where a function uses one of `others`: .using("x"), using="x", connections["x"].cursor()..."""
    found = []
    for node in ast.walk(func):
        if not isinstance(node, ast.Call):
            continue
        found.append((node, _routed(ctx, module, node, routed)))
        target = node.func
        if isinstance(target, ast.Attribute) and target.attr in ALIAS_METHODS and node.args:
            found.append((node, literal_str(node.args[0])))
        for name in ALIAS_KEYWORDS:
            found.append((node, literal_str(kwarg(node, name))))
        if (isinstance(target, ast.Attribute) and target.attr in CONNECTING and isinstance(target.value, ast.Subscript)
                and isinstance(target.value.value, ast.Name) and target.value.value.id == "connections"):
            found.append((target.value, literal_str(target.value.slice)))
    refused = _expected_to_fail(func)
    found = [(node, alias) for node, alias in found if alias in others and id(node) not in refused]
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
    routed = routes(ctx, others)
    reported = set()
    tests = ctx.tests
    for cls in ctx.project.classes:
        if not ctx.project.is_django_db_case(cls) or ctx.project.has_unknown_base(cls) or _declares(ctx, cls):
            continue
        for owner in ctx.project.mro(cls):
            if not isinstance(owner, ClassInfo):
                continue
            for func in owner.methods().values():
                for node, alias in uses(ctx, owner.module, func, others, routed):
                    own = owner is cls or ctx.project.is_django_db_case(owner)
                    where, at = (owner.module, node) if own else (cls.module, cls.node)
                    key = (where.shown, at.lineno, at.col_offset)
                    if key in reported or (id(cls), alias) in reported:
                        continue
                    reported |= {key, (id(cls), alias)}
                    via = "" if own else f" through `{owner.name}.{func.name}` ({owner.module.shown}:{node.lineno})"
                    fix = f'add databases = {{"default", "{alias}"}} to `{cls.name}`'
                    yield ctx.finding(where, at, "FL005", _message(f"`{cls.name}`{via}", owner.module, node, alias, fix),
                                      alias=alias)
    for module, func, owner in ctx.project.functions:
        if owner is not None and ctx.project.is_unittest_case(owner):
            continue
        if not tests.is_test(module, func, owner):
            continue
        mark = tests.django_db_mark(module, func, owner)
        if mark is None or kwarg(mark, "databases") is not None or kwarg(mark, "multi_db") is not None:
            continue
        for node, alias in uses(ctx, module, func, others, routed)[:1]:
            fix = f'use @pytest.mark.django_db(databases=["default", "{alias}"])'
            yield ctx.finding(module, node, "FL005", _message(f"test `{func.name}`", module, node, alias, fix),
                              alias=alias)
