"""factory_boy factories: which model each builds, and what each field is declared as.

factory_boy's rules, read from the source: `class Meta` options are inherited by subclasses
(except `abstract`), and a declaration in a subclass replaces the parent's.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property

from faultline.inspect.models import Model, Models
from faultline.inspect.project import FACTORY, ClassInfo, Project
from faultline.inspect.testcode import is_true, literal_str

GET_OR_CREATE = ("django_get_or_create", "sqlalchemy_get_or_create")


@dataclass
class Factory:
    cls: ClassInfo
    model: Model | None
    abstract: bool
    get_or_create: set[str] = field(default_factory=set)
    # field -> (the class that declares it, the declared value), after inheritance
    declarations: dict[str, tuple[ClassInfo, ast.expr]] = field(default_factory=dict)


def _meta_options(cls: ClassInfo) -> dict[str, ast.expr]:
    meta = cls.inner("Meta")
    options = {}
    for stmt in meta.body if meta is not None else []:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            options[stmt.targets[0].id] = stmt.value
    return options


class Factories:
    def __init__(self, project: Project, models: Models):
        self.project, self.models = project, models
        self._by_class: dict[int, Factory | None] = {}

    @cached_property
    def all(self) -> list[Factory]:
        return [f for f in (self.of_class(c) for c in self.project.classes) if f is not None]

    def of_class(self, cls: ClassInfo) -> Factory | None:
        if id(cls) not in self._by_class:
            self._by_class[id(cls)] = self._read(cls) if self.project.is_subclass(cls, FACTORY) else None
        return self._by_class[id(cls)]

    def _read(self, cls: ClassInfo) -> Factory:
        chain = [c for c in self.project.mro(cls) if isinstance(c, ClassInfo)]
        options: dict[str, tuple[ClassInfo, ast.expr]] = {}
        for c in chain:
            for key, value in _meta_options(c).items():
                options.setdefault(key, (c, value))
        factory = Factory(cls, None, is_true(_meta_options(cls).get("abstract")))
        if "model" in options:
            where, value = options["model"]
            factory.model = self._model(where, value)
        for key in GET_OR_CREATE:
            if key in options:
                value = options[key][1]
                names = value.elts if isinstance(value, (ast.Tuple, ast.List, ast.Set)) else [value]
                factory.get_or_create |= {s for s in map(literal_str, names) if s}
        for c in chain:
            for stmt in c.node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else []
                for target in targets:
                    if isinstance(target, ast.Name) and not target.id.startswith("_"):
                        factory.declarations.setdefault(target.id, (c, stmt.value))
        return factory

    def _model(self, where: ClassInfo, value: ast.expr) -> Model | None:
        label = literal_str(value)
        if label is not None:
            return self.models.by_label(label)
        if isinstance(value, ast.Call) and (where.module.dotted(value.func) or "").endswith("get_user_model"):
            return self.models.user_model()
        if (where.module.dotted(value) or "").endswith("settings.AUTH_USER_MODEL"):
            return self.models.user_model()
        return self.models.of_node(self.project.resolve_class(where.module, value))
