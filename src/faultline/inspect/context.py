"""What every detector works from: the project and what has been read from it, computed once."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property

from faultline.inspect.factories import Factories, Factory
from faultline.inspect.findings import Finding
from faultline.inspect.models import Model, Models
from faultline.inspect.project import ClassInfo, Project
from faultline.inspect.source import Module
from faultline.inspect.testcode import Tests

MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Chained calls that keep a manager a manager (or make it a queryset of the same model).
QUERYSET_STEPS = {
    "using", "db_manager", "all", "filter", "exclude", "select_related", "prefetch_related", "order_by",
    "select_for_update", "only", "defer", "annotate", "values", "values_list", "distinct", "none",
}
FACTORY_CREATE = {"create", "create_batch", "get_or_create"}  # factory_boy strategies that insert


@dataclass(frozen=True)
class Target:
    """What an ORM-looking call works on."""

    kind: str  # "manager" (Model.objects...), "factory" (SomeFactory(...)), "model" (Model(...))
    model: Model | None
    factory: Factory | None = None


@dataclass
class Context:
    project: Project

    @cached_property
    def tests(self) -> Tests:
        return Tests(self.project)

    @cached_property
    def models(self) -> Models:
        return Models(self.project)

    @cached_property
    def factories(self) -> Factories:
        return Factories(self.project, self.models)

    def finding(self, module: Module, node: ast.AST, rule: str, message: str, **subject) -> Finding:
        return Finding(module.shown, node.lineno, module.col(node), rule, message, subject)

    def target(self, module: Module, call: ast.Call) -> Target | None:
        """`Model.objects(.using(...))*.method(...)`, `SomeFactory(...)`/`.create(...)`, or `Model(...)`."""
        func = call.func
        if isinstance(func, ast.Attribute):
            node = func.value
            while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET_STEPS:
                node = node.func.value
            if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
                return Target("manager", self._model(module, node.value))
            if func.attr in FACTORY_CREATE:
                factory = self._factory(module, func.value)
                if factory:
                    return Target("factory", factory.model, factory)
            return None
        factory = self._factory(module, func)
        if factory:
            return Target("factory", factory.model, factory)
        model = self._model(module, func)
        return Target("model", model) if model else None

    def _model(self, module: Module, expr: ast.AST) -> Model | None:
        return self.models.of_node(self.project.resolve_class(module, expr))

    def _factory(self, module: Module, expr: ast.AST) -> Factory | None:
        cls = self.project.resolve_class(module, expr)
        return self.factories.of_class(cls) if isinstance(cls, ClassInfo) else None
