"""What pytest and unittest would make of the code: tests, fixtures, marks, transactions."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from faultline.inspect.project import ClassInfo, Project
from faultline.inspect.source import Module

Func = ast.FunctionDef | ast.AsyncFunctionDef

# Fixtures that make a pytest-django test transactional (committed, then flushed).
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
SETUP_METHODS = {"setUp", "setUpClass", "setUpTestData", "asyncSetUp", "setup_method", "setup_class", "setup"}


def is_test_module(module: Module) -> bool:
    path = PurePosixPath(module.rel)
    return (
        path.name.startswith("test") or path.name.endswith("_test.py") or path.name == "conftest.py"
        or any(part in ("tests", "test") for part in path.parts[:-1])
    )


def params(func: Func) -> list[str]:
    a = func.args
    return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


def kwarg(call: ast.AST, name: str) -> ast.expr | None:
    if isinstance(call, ast.Call):
        return next((k.value for k in call.keywords if k.arg == name), None)
    return None


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def literal_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@dataclass(frozen=True)
class Fixture:
    module: Module
    node: Func
    name: str
    scope: str
    autouse: bool


def fixture_of(module: Module, func: Func) -> Fixture | None:
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        dotted = module.dotted(target) or ""
        if dotted == "fixture" or dotted.endswith(".fixture"):
            name = literal_str(kwarg(deco, "name")) or func.name
            scope = literal_str(kwarg(deco, "scope")) or "function"
            return Fixture(module, func, name, scope, is_true(kwarg(deco, "autouse")))
    return None


def mark_name(module: Module, node: ast.AST) -> str | None:
    """'django_db' for `pytest.mark.django_db` or `pytest.mark.django_db(...)`."""
    target = node.func if isinstance(node, ast.Call) else node
    dotted = module.dotted(target) or ""
    return dotted.rpartition(".")[2] if dotted.startswith("pytest.mark.") else None


def marks_in(module: Module, exprs) -> list[ast.AST]:
    found = []
    for expr in exprs:
        items = expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
        found += [item for item in items if mark_name(module, item)]
    return found


def module_marks(module: Module, body) -> list[ast.AST]:
    values = [
        s.value for s in body
        if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in s.targets)
    ]
    return marks_in(module, values)


class Tests:
    """The tests, fixtures and marks of a project, computed once."""

    def __init__(self, project: Project):
        self.project = project

    @cached_property
    def fixtures(self) -> dict[str, list[Fixture]]:
        table: dict[str, list[Fixture]] = {}
        for module, func, _owner in self.project.functions:
            fixture = fixture_of(module, func)
            if fixture:
                table.setdefault(fixture.name, []).append(fixture)
        return table

    def _visible(self, fixture: Fixture, module: Module) -> bool:
        """Defined in the same module, or in a conftest.py of its directory or a parent."""
        if fixture.module is module:
            return True
        where = PurePosixPath(fixture.module.rel)
        return where.name == "conftest.py" and PurePosixPath(module.rel).parent.is_relative_to(where.parent)

    def fixture(self, name: str, module: Module) -> Fixture | None:
        visible = [f for f in self.fixtures.get(name, []) if self._visible(f, module)]
        # the closest definition wins, as in pytest: same module, then the deepest conftest
        visible.sort(key=lambda f: (f.module is not module, -len(PurePosixPath(f.module.rel).parts)))
        return visible[0] if visible else None

    def autouse(self, module: Module) -> list[Fixture]:
        return [f for group in self.fixtures.values() for f in group if f.autouse and self._visible(f, module)]

    def requested(self, module: Module, func: Func) -> set[str]:
        """Fixture names a test or fixture requests, directly, through fixtures, and autouse."""
        seen: set[str] = set()
        todo = [(name, module) for name in params(func) if name not in ("self", "cls", "request")]
        todo += [(f.name, f.module) for f in self.autouse(module)]
        while todo:
            name, where = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            fixture = self.fixture(name, where)
            if fixture:
                todo += [(p, fixture.module) for p in params(fixture.node) if p not in ("self", "cls", "request")]
        return seen

    def django_db_mark(self, module: Module, func: Func, owner: ClassInfo | None) -> ast.AST | None:
        """The closest `django_db` mark: on the function, then its class (and bases), then the module."""
        scopes = [(module, marks_in(module, func.decorator_list))]
        if owner is not None:
            for cls in self.project.mro(owner):
                if isinstance(cls, ClassInfo):
                    marks = marks_in(cls.module, cls.node.decorator_list) + module_marks(cls.module, cls.node.body)
                    scopes.append((cls.module, marks))
        scopes.append((module, module_marks(module, module.tree.body)))
        for where, marks in scopes:
            for mark in marks:
                if mark_name(where, mark) == "django_db":
                    return mark
        return None

    def is_transactional(self, module: Module, func: Func, owner: ClassInfo | None) -> bool:
        """The test commits for real and the tables are flushed after it."""
        if owner is not None and self.project.is_transactional_case(owner):
            return True
        mark = self.django_db_mark(module, func, owner)
        if mark is not None and is_true(kwarg(mark, "transaction")):
            return True
        return bool(self.requested(module, func) & TRANSACTIONAL_FIXTURES)

    def is_test(self, module: Module, func: Func, owner: ClassInfo | None) -> bool:
        if not func.name.startswith("test") or not is_test_module(module):
            return False
        if owner is None:
            return True
        return owner.name.startswith("Test") or self.project.is_unittest_case(owner)
