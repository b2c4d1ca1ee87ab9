"""FL001: setUpClass/tearDownClass/setUp/tearDown overridden without calling the base's.

For every test class, walk its MRO as Python would: the first class defining the method
runs; if it does not call the base method, every later definition is skipped. That is a
finding only when one of the skipped definitions does real work: Django's class-level
setup and teardown, or a non-empty method of the project's own base class or mixin.
"""

from __future__ import annotations

import ast

from faultline.inspect.context import Context
from faultline.inspect.project import DJANGO_TESTCASE, DJANGO_TRANSACTION, ClassInfo, Node

METHODS = ("setUpClass", "tearDownClass", "setUp", "tearDown")
CLASS_LEVEL = {"setUpClass", "tearDownClass"}  # the only ones Django's test cases implement
OPENERS = {
    "atomic", "begin", "begin_nested", "connect", "start", "addCleanup", "addClassCleanup", "enterContext",
    "enterClassContext", "_enter_atomics", "__enter__", "sessionmaker", "scoped_session",
}

CONSEQUENCE = {
    ("tearDownClass", True): "the class-level transaction around setUpTestData is never rolled back "
                             "and its rows stay for the test classes that run after it",
    ("setUpClass", True): "the class-level transaction and setUpTestData never run, and the "
                          "class's database setup is left half done",
    ("tearDownClass", False): "Django's class-level teardown (restoring the app registry that "
                              "available_apps narrowed) never runs",
    ("setUpClass", False): "Django's class-level setup (settings overrides, the database guard, "
                           "available_apps) never runs",
}


def _provides(ctx: Context, node: Node, method: str) -> bool:
    if isinstance(node, ClassInfo):
        return method in node.methods()
    # SimpleTestCase's class-level work (settings overrides) does not touch the database
    return method in CLASS_LEVEL and ctx.project.is_subclass(node, DJANGO_TRANSACTION)


def _is_super_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _trivial(func: ast.FunctionDef | ast.AsyncFunctionDef, method: str) -> bool:
    """Nothing but a docstring, `pass`, `...` or the call to the base method."""
    for stmt in func.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return)) else None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == method:
            continue
        return False
    return True


def _openers(func) -> set[str]:
    """What a setup starts that a teardown ends: a transaction, a session, a patch, a cleanup."""
    found = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in OPENERS or name.endswith("Session"):
                found.add(name)
    return found


def _matters(node: Node, method: str, override) -> bool:
    """Skipping this definition leaves something undone that isolation depends on.

    Django's class-level methods always matter. A project's teardown matters when it does
    anything; a project's setup only when it opens something the override does not open
    itself (replacing a base class's test data or fixtures is an ordinary override).
    """
    if isinstance(node, str):
        return True
    func = node.methods()[method]
    if method.startswith("tearDown"):
        return not _trivial(func, method)
    return bool(_openers(func) - _openers(override))


def calls_base(ctx: Context, cls: ClassInfo, mro: list[Node], func, method: str, depth: int = 0) -> bool:
    """`super().m()`, `super(Cls, cls).m`, `Base.m(self)`, or a helper method that does."""
    later = mro[mro.index(cls) + 1:] if cls in mro else mro[1:]
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and node.attr == method:
            if _is_super_call(node.value):
                return True
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                if ctx.project.resolve_class(cls.module, node.value) in later:
                    return True
        if depth < 3 and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func
            if isinstance(target.value, ast.Name) and target.value.id in ("self", "cls") and target.attr != method:
                owner = next((c for c in mro if isinstance(c, ClassInfo) and target.attr in c.methods()), None)
                if owner is not None and calls_base(ctx, cls, mro, owner.methods()[target.attr], method, depth + 1):
                    return True
    return False


def _setup_meant_to_fail(ctx: Context, cls: ClassInfo, mro: list[Node]) -> bool:
    """setUpClass calls the base only under `try: ... except: <no re-raise>`: it expects the
    base to fail, so there is no class transaction for tearDownClass to roll back."""
    setup = cls.methods().get("setUpClass")
    if setup is None:
        return False
    helpers = [setup] + [f for name, f in cls.methods().items() if name != "setUpClass"]
    for func in helpers:
        for node in ast.walk(func):
            if isinstance(node, ast.Try) and node.handlers and calls_base(ctx, cls, mro, ast.Module(node.body, []), "setUpClass"):
                if not any(isinstance(n, ast.Raise) for h in node.handlers for n in ast.walk(h)):
                    return True
    return False


def _skipped_chain(ctx: Context, mro: list[Node], later: list[Node], method: str) -> list[Node]:
    """The definitions that would have run through super() calls, now all skipped."""
    chain = []
    for node in later:
        chain.append(node)
        if isinstance(node, str) or not calls_base(ctx, node, mro, node.methods()[method], method):
            break
    return chain


def _skipped(ctx: Context, node: Node, method: str) -> str:
    if isinstance(node, str):
        return f"{node.rpartition('.')[2]}.{method}"
    return f"{node.name}.{method} ({node.module.shown}:{node.methods()[method].lineno})"


def check(ctx: Context):
    reported = set()
    for test_class in ctx.project.classes:
        if not ctx.project.is_unittest_case(test_class):
            continue
        mro = ctx.project.mro(test_class)
        for method in METHODS:
            definers = [c for c in mro if _provides(ctx, c, method)]
            for i, definer in enumerate(definers):
                if isinstance(definer, str):
                    break
                func = definer.methods()[method]
                if calls_base(ctx, definer, mro, func, method):
                    continue
                if method == "tearDownClass" and _setup_meant_to_fail(ctx, definer, mro):
                    break
                chain = _skipped_chain(ctx, mro, definers[i + 1:], method)
                skipped = next((d for d in chain if _matters(d, method, func)), None)
                if skipped is not None and id(func) not in reported:
                    reported.add(id(func))
                    yield _finding(ctx, definer, test_class, func, method, skipped)
                break


def _finding(ctx: Context, definer: ClassInfo, test_class: ClassInfo, func, method: str, skipped: Node):
    message = f"`{definer.name}.{method}` does not call super().{method}(): `{_skipped(ctx, skipped, method)}` never runs"
    if definer is not test_class:
        message += f" for `{test_class.name}`"
    if isinstance(skipped, str):
        message += ", so " + CONSEQUENCE[(method, ctx.project.is_subclass(skipped, DJANGO_TESTCASE))]
    return ctx.finding(definer.module, func, "FL001", message)
