"""The project's ORM models as the source declares them: table, unique fields, column names.

Django models are the classes deriving from `django.db.models.Model`; SQLAlchemy models the
classes with a `__tablename__`. Only literal declarations count (`unique=True`,
`unique_together`, `UniqueConstraint(fields=[...])` without a condition, `primary_key=True`);
anything computed is invisible here, which errs on the side of no finding.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property

from faultline.inspect.project import DJANGO_MODEL, ClassInfo, Node, Project
from faultline.inspect.testcode import is_true, kwarg, literal_str


@dataclass
class Model:
    name: str
    kind: str  # "django" or "sqlalchemy"
    table: str | None  # None for abstract models
    app_label: str | None = None
    unique: list[tuple[str, ...]] = field(default_factory=list)  # attribute names, one tuple per constraint
    columns: dict[str, str] = field(default_factory=dict)  # attribute -> column (a foreign key `team` -> `team_id`)
    auto_pk: str | None = "id"  # the primary key a sequence fills, None when there is none


def _contrib(name: str, table: str, unique: list[tuple[str, ...]], app: str = "auth") -> Model:
    return Model(name, "django", table, app, unique)


# Models of django.contrib whose unique fields matter to factories.
BUILTIN: dict[str, Model] = {
    "django.contrib.auth.models.AbstractUser": Model("AbstractUser", "django", None, "auth", [("username",)]),
    "django.contrib.auth.models.User": _contrib("User", "auth_user", [("username",)]),
    "django.contrib.auth.models.Group": _contrib("Group", "auth_group", [("name",)]),
    "django.contrib.auth.models.Permission": _contrib("Permission", "auth_permission", [("content_type", "codename")]),
    "django.contrib.contenttypes.models.ContentType": _contrib(
        "ContentType", "django_content_type", [("app_label", "model")], "contenttypes"),
    "django.contrib.sites.models.Site": _contrib("Site", "django_site", [("domain",)], "sites"),
}
BUILTIN_LABELS = {"auth.User": "django.contrib.auth.models.User", "auth.Group": "django.contrib.auth.models.Group",
                  "auth.Permission": "django.contrib.auth.models.Permission",
                  "contenttypes.ContentType": "django.contrib.contenttypes.models.ContentType",
                  "sites.Site": "django.contrib.sites.models.Site"}

RELATION_FIELDS = {"ForeignKey", "OneToOneField"}


def _call_name(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _strings(node: ast.AST | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [literal_str(e) for e in node.elts]
        return None if None in values else values
    return None


def _field_assignments(cls: ClassInfo):
    """(name, value, annotation or None) for each `name = value` of the class body."""
    for stmt in cls.node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            yield stmt.targets[0].id, stmt.value, None
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            yield stmt.target.id, stmt.value, stmt.annotation


class Models:
    def __init__(self, project: Project):
        self.project = project
        self._by_class: dict[int, Model | None] = {}

    @cached_property
    def settings(self) -> dict[str, str]:
        """AUTH_USER_MODEL and friends, from any settings module (string literals only)."""
        found = {}
        for module in self.project.modules:
            for stmt in module.tree.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    if stmt.targets[0].id == "AUTH_USER_MODEL" and literal_str(stmt.value):
                        found.setdefault("AUTH_USER_MODEL", literal_str(stmt.value))
        return found

    @cached_property
    def all(self) -> list[Model]:
        return [m for m in (self.of_class(c) for c in self.project.classes) if m is not None]

    def of_class(self, cls: ClassInfo) -> Model | None:
        if id(cls) not in self._by_class:
            self._by_class[id(cls)] = self._read(cls)
        return self._by_class[id(cls)]

    def of_node(self, node: Node | None) -> Model | None:
        if isinstance(node, ClassInfo):
            return self.of_class(node)
        if isinstance(node, str):
            return BUILTIN.get(node)
        return None

    def by_label(self, label: str) -> Model | None:
        """`"shop.Team"` (Django's app_label.ModelName), or AUTH_USER_MODEL's target."""
        if label in BUILTIN_LABELS:
            custom = self.settings.get("AUTH_USER_MODEL")
            if label == "auth.User" and custom and custom != label:
                return self.by_label(custom)
            return BUILTIN[BUILTIN_LABELS[label]]
        app, _, name = label.partition(".")
        matches = [m for m in self.all if m.kind == "django" and m.name == name and m.app_label == app]
        return matches[0] if len(matches) == 1 else None

    def user_model(self) -> Model | None:
        return self.by_label(self.settings.get("AUTH_USER_MODEL", "auth.User"))

    # -- reading ---------------------------------------------------------------------------

    def _read(self, cls: ClassInfo) -> Model | None:
        mro = self.project.mro(cls)
        if DJANGO_MODEL in mro:
            return self._django(cls, mro)
        if any(isinstance(c, ClassInfo) and c.body_assign("__tablename__") is not None for c in mro):
            return self._sqlalchemy(cls, mro)
        return None

    def _django(self, cls: ClassInfo, mro: list[Node]) -> Model:
        meta = cls.inner("Meta")
        options = {}
        if meta is not None:
            for stmt in meta.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    options[stmt.targets[0].id] = stmt.value
        parts = cls.module.name.split(".")
        app_label = literal_str(options.get("app_label")) or _app_label(parts)
        abstract = is_true(options.get("abstract"))
        table = None if abstract else (literal_str(options.get("db_table")) or f"{app_label}_{cls.name.lower()}")
        model = Model(cls.name, "django", table, app_label)
        for ancestor in reversed(mro):  # bases first, so a subclass's declaration wins
            if isinstance(ancestor, str):
                builtin = BUILTIN.get(ancestor)
                if builtin:
                    model.unique += builtin.unique
                continue
            for name, value, _ in _field_assignments(ancestor):
                kind = _call_name(value)
                if kind == "CompositePrimaryKey":
                    model.auto_pk = None
                if is_true(kwarg(value, "primary_key")):
                    model.auto_pk = name if kind.endswith("AutoField") else None
                if not (kind.endswith("Field") or kind == "ForeignKey") or kind == "ManyToManyField":
                    continue
                relation = kind in RELATION_FIELDS
                column = literal_str(kwarg(value, "db_column")) or (f"{name}_id" if relation else name)
                model.columns[name] = column
                if is_true(kwarg(value, "unique")) or is_true(kwarg(value, "primary_key")) or kind == "OneToOneField":
                    model.unique.append((name,))
            if ancestor is cls or _is_abstract(ancestor):
                model.unique += _django_constraints(ancestor)
        model.unique = list(dict.fromkeys(model.unique))
        return model

    def _sqlalchemy(self, cls: ClassInfo, mro: list[Node]) -> Model:
        table = next(
            (literal_str(c.body_assign("__tablename__")) for c in mro
             if isinstance(c, ClassInfo) and c.body_assign("__tablename__") is not None),
            None,
        )
        model = Model(cls.name, "sqlalchemy", table, auto_pk=None)
        keys = []
        for ancestor in reversed(mro):
            if not isinstance(ancestor, ClassInfo):
                continue
            for name, value, annotation in _field_assignments(ancestor):
                if _call_name(value) not in ("Column", "mapped_column"):
                    continue
                column = next((literal_str(a) for a in value.args if literal_str(a)), None) or name
                model.columns[name] = column
                if is_true(kwarg(value, "unique")) or is_true(kwarg(value, "primary_key")):
                    model.unique.append((name,))
                if is_true(kwarg(value, "primary_key")):
                    keys.append((name, value, annotation))
        if len(keys) == 1 and _integer_key(*keys[0][1:]):
            model.auto_pk = keys[0][0]  # SQLAlchemy makes a lone integer primary key autoincrement
            by_column = {column: attr for attr, column in model.columns.items()}
            args = ancestor.body_assign("__table_args__")
            for item in (args.elts if isinstance(args, (ast.Tuple, ast.List)) else []):
                if _call_name(item) == "UniqueConstraint" and kwarg(item, "postgresql_where") is None:
                    names = [literal_str(a) for a in item.args]
                    if names and None not in names:
                        model.unique.append(tuple(by_column.get(n, n) for n in names))
        model.unique = list(dict.fromkeys(model.unique))
        return model


def _integer_key(value: ast.Call, annotation: ast.expr | None) -> bool:
    auto = kwarg(value, "autoincrement")
    if isinstance(auto, ast.Constant) and auto.value is False:
        return False
    types = [a.id if isinstance(a, ast.Name) else a.attr if isinstance(a, ast.Attribute) else "" for a in value.args]
    types += [_call_name(a) for a in value.args if isinstance(a, ast.Call)]
    if annotation is not None:
        types.append(ast.unparse(annotation))
    return any("Integer" in t or "int" in t for t in types)


def _is_abstract(cls: ClassInfo) -> bool:
    meta = cls.inner("Meta")
    return meta is not None and any(
        isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and s.targets[0].id == "abstract"
        and is_true(s.value) for s in meta.body
    )


def _django_constraints(cls: ClassInfo) -> list[tuple[str, ...]]:
    meta = cls.inner("Meta")
    found = []
    for stmt in meta.body if meta is not None else []:
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if name == "unique_together":
            flat = _strings(value)
            if flat:
                found.append(tuple(flat))
            elif isinstance(value, (ast.List, ast.Tuple)):
                found += [tuple(group) for group in map(_strings, value.elts) if group]
        elif name == "constraints" and isinstance(value, (ast.List, ast.Tuple)):
            for item in value.elts:
                if _call_name(item) == "UniqueConstraint" and kwarg(item, "condition") is None:
                    fields = _strings(kwarg(item, "fields"))
                    if fields:
                        found.append(tuple(fields))
    return found


def _app_label(parts: list[str]) -> str:
    """Django's default app_label: the package holding models.py (or the models/ package)."""
    if "models" in parts[1:]:
        return parts[parts.index("models", 1) - 1]
    return parts[-2] if len(parts) > 1 else parts[-1]
