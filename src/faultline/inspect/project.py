"""The inspected project: its Python files, its classes with their MROs, its configuration.

Classes are resolved across files through import statements (relative imports, re-exports
from a package's __init__, star imports), never by importing anything. A base class outside
the project stays a dotted name; the few whose hierarchy matters are listed in KNOWN_BASES.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from faultline.inspect.findings import Problem
from faultline.inspect.source import Module, Unparseable

SKIP_DIRS = {"node_modules", "__pycache__", "site-packages", "build", "dist", "htmlcov"}
CONFIG_NAMES = ("pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml")

DJANGO_SIMPLE = "django.test.SimpleTestCase"
DJANGO_TRANSACTION = "django.test.TransactionTestCase"
DJANGO_TESTCASE = "django.test.TestCase"
UNITTEST = "unittest.TestCase"
DJANGO_MODEL = "django.db.models.Model"
FACTORY = "factory.Factory"

# External classes whose ancestry the detectors need (most specific first).
KNOWN_BASES: dict[str, list[str]] = {
    UNITTEST: [],
    "unittest.IsolatedAsyncioTestCase": [UNITTEST],
    DJANGO_SIMPLE: [UNITTEST],
    DJANGO_TRANSACTION: [DJANGO_SIMPLE],
    DJANGO_TESTCASE: [DJANGO_TRANSACTION],
    "django.test.LiveServerTestCase": [DJANGO_TRANSACTION],
    "django.contrib.staticfiles.testing.StaticLiveServerTestCase": ["django.test.LiveServerTestCase"],
    "rest_framework.test.APISimpleTestCase": [DJANGO_SIMPLE],
    "rest_framework.test.APITransactionTestCase": [DJANGO_TRANSACTION],
    "rest_framework.test.APITestCase": [DJANGO_TESTCASE],
    "rest_framework.test.APILiveServerTestCase": ["django.test.LiveServerTestCase"],
    "channels.testing.ChannelsLiveServerTestCase": [DJANGO_TRANSACTION],
    DJANGO_MODEL: [],
    "django.contrib.auth.models.AbstractBaseUser": [DJANGO_MODEL],
    "django.contrib.auth.models.AbstractUser": ["django.contrib.auth.models.AbstractBaseUser"],
    "django.contrib.auth.models.User": ["django.contrib.auth.models.AbstractUser"],
    "django.contrib.auth.models.Group": [DJANGO_MODEL],
    "django.contrib.auth.models.Permission": [DJANGO_MODEL],
    "django.contrib.contenttypes.models.ContentType": [DJANGO_MODEL],
    "django.contrib.sites.models.Site": [DJANGO_MODEL],
    FACTORY: [],
    "factory.django.DjangoModelFactory": [FACTORY],
    "factory.alchemy.SQLAlchemyModelFactory": [FACTORY],
}


@dataclass(eq=False)
class ClassInfo:
    module: Module
    node: ast.ClassDef
    qualname: str

    @property
    def name(self) -> str:
        return self.node.name

    def body_assign(self, name: str) -> ast.expr | None:
        """The value assigned to `name` in the class body itself."""
        for stmt in self.node.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                return stmt.value
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                return stmt.value
        return None

    def methods(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        return {s.name: s for s in self.node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def inner(self, name: str) -> ast.ClassDef | None:
        return next((s for s in self.node.body if isinstance(s, ast.ClassDef) and s.name == name), None)


Node = ClassInfo | str  # a project class, or the dotted name of a class outside the project


@dataclass(eq=False)
class Function:
    module: Module
    node: ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Project:
    root: Path
    given: str  # the path as the user gave it: reports show paths under it
    modules: list[Module] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    configs: list[Path] = field(default_factory=list)  # pytest configuration candidates
    ci_files: list[Path] = field(default_factory=list)
    _mro_cache: dict = field(default_factory=dict, repr=False)
    _texts: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, given: str) -> Project:
        path = Path(given).resolve()
        root = path if path.is_dir() else path.parent
        project = cls(root, given)
        files = [path] if path.is_file() else _walk(root)
        for file in files:
            rel, shown = file.relative_to(root).as_posix(), project.shown(file)
            if file.suffix == ".py":
                try:
                    project.modules.append(Module.parse(file, rel, shown))
                except Unparseable as exc:
                    project.problems.append(Problem(shown, exc.line, f"cannot parse: {exc}"))
                except OSError as exc:
                    project.problems.append(Problem(shown, None, f"cannot read: {exc.strerror}"))
            elif file.name in CONFIG_NAMES:
                project.configs.append(file)
            elif _is_ci_file(file.relative_to(root)):
                project.ci_files.append(file)
        return project

    def text(self, path: Path) -> str:
        """A configuration or CI file's text, read once; unreadable files count as empty."""
        if path not in self._texts:
            try:
                self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def shown(self, path: Path) -> str:
        """How reports name a file: under the path the user gave, as they gave it."""
        if not Path(self.given).is_dir():
            return os.path.normpath(self.given)
        return os.path.normpath(os.path.join(self.given, path.relative_to(self.root)))

    # -- symbols ---------------------------------------------------------------------------

    @cached_property
    def _symbols(self) -> dict[str, tuple[Module, ast.AST]]:
        """Top-level classes, functions and assignments by dotted name."""
        table = {}
        for module in self.modules:
            for stmt in module.tree.body:
                if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    table.setdefault(f"{module.name}.{stmt.name}", (module, stmt))
                elif isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            table.setdefault(f"{module.name}.{target.id}", (module, stmt.value))
        return table

    @cached_property
    def _modules_by_suffix(self) -> dict[str, list[Module]]:
        table: dict[str, list[Module]] = {}
        for module in self.modules:
            parts = module.name.split(".")
            for i in range(len(parts)):
                table.setdefault(".".join(parts[i:]), []).append(module)
        return table

    @cached_property
    def classes(self) -> list[ClassInfo]:
        """Every class of the project, nested ones included, in file order."""
        found = []
        for module in self.modules:
            stack = [(module.name, module.tree)]
            while stack:
                prefix, parent = stack.pop()
                for stmt in reversed(getattr(parent, "body", [])):
                    if isinstance(stmt, ast.ClassDef):
                        found.append(ClassInfo(module, stmt, f"{prefix}.{stmt.name}"))
                        stack.append((f"{prefix}.{stmt.name}", stmt))
                    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.Try, ast.With)):
                        stack.append((prefix, stmt))
        found.sort(key=lambda c: (c.module.rel, c.node.lineno))
        return found

    @cached_property
    def _class_by_node(self) -> dict[int, ClassInfo]:
        return {id(c.node): c for c in self.classes}

    def class_info(self, node: ast.ClassDef) -> ClassInfo:
        return self._class_by_node[id(node)]

    def _module_for(self, dotted_module: str, near: Module | None) -> Module | None:
        candidates = self._modules_by_suffix.get(dotted_module, [])
        if len(candidates) > 1 and near is not None:
            # the same dotted name under two roots: take the one closest to the importer
            return max(candidates, key=lambda m: len(os.path.commonprefix([m.rel, near.rel])))
        return candidates[0] if candidates else None

    def lookup(self, dotted: str, near: Module | None = None, depth: int = 0) -> tuple[Module, ast.AST] | str:
        """A project symbol for a dotted name as some module wrote it, or the name itself."""
        if depth > 8:
            return dotted
        if near is not None and "." not in dotted:
            hit = self._symbols.get(f"{near.name}.{dotted}")
            if hit:
                return hit
            for star in near.star_imports:
                found = self.lookup(f"{star}.{dotted}", near, depth + 1)
                if not isinstance(found, str):
                    return found
            return dotted
        module_name, _, name = dotted.rpartition(".")
        module = self._module_for(module_name, near) if module_name else None
        if module is None:
            return dotted
        hit = self._symbols.get(f"{module.name}.{name}")
        if hit:
            return hit
        if name in module.imports:  # re-exported, e.g. from a package's __init__
            return self.lookup(module.imports[name], module, depth + 1)
        for star in module.star_imports:
            found = self.lookup(f"{star}.{name}", module, depth + 1)
            if not isinstance(found, str):
                return found
        return dotted

    def resolve(self, module: Module, expr: ast.AST) -> tuple[Module, ast.AST] | str | None:
        dotted = module.dotted(expr)
        return None if dotted is None else self.lookup(dotted, module)

    def resolve_class(self, module: Module, expr: ast.AST) -> Node | None:
        found = self.resolve(module, expr)
        if found is None or isinstance(found, str):
            return found
        target_module, node = found
        if isinstance(node, ast.ClassDef):
            return self.class_info(node)
        if isinstance(node, (ast.Name, ast.Attribute)):  # `TestCase = django.test.TestCase`
            return self.resolve_class(target_module, node)
        return None

    def resolve_function(self, module: Module, expr: ast.AST) -> Function | None:
        found = self.resolve(module, expr)
        if found is None or isinstance(found, str):
            return None
        target_module, node = found
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return Function(target_module, node)
        return None

    def resolve_value(self, module: Module, expr: ast.AST) -> tuple[Module, ast.AST] | None:
        """The value a module-level name was assigned, e.g. `sessionmaker(engine)` for SessionLocal."""
        found = self.resolve(module, expr)
        if found is None or isinstance(found, str):
            return None
        target_module, node = found
        return None if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) else (target_module, node)

    # -- class hierarchy -------------------------------------------------------------------

    def bases(self, node: Node) -> list[Node]:
        if isinstance(node, str):
            return list(KNOWN_BASES.get(node, []))
        found = []
        for expr in node.node.bases:
            base = self.resolve_class(node.module, expr)
            if base is not None and base is not node:
                found.append(base)
        return found

    def mro(self, node: Node) -> list[Node]:
        return self._mro(node, ())

    def _mro(self, node: Node, seen: tuple) -> list[Node]:
        key = node if isinstance(node, str) else id(node)
        if key in seen:
            return [node]  # a cycle: Python would refuse the class, we just stop
        if key not in self._mro_cache:
            bases = self.bases(node)
            seqs = [self._mro(b, (*seen, key)) for b in bases]
            self._mro_cache[key] = [node, *_c3([list(s) for s in seqs] + [bases])]
        return self._mro_cache[key]

    def external_ancestors(self, node: Node) -> set[str]:
        return {n for n in self.mro(node) if isinstance(n, str)}

    def has_unknown_base(self, node: Node) -> bool:
        """Some ancestor is outside the project and unknown: its contents are invisible."""
        return any(isinstance(n, str) and n not in KNOWN_BASES and n != "object" for n in self.mro(node))

    def is_subclass(self, node: Node, dotted: str) -> bool:
        return dotted in self.external_ancestors(node)

    def is_unittest_case(self, node: Node) -> bool:
        return self.is_subclass(node, UNITTEST)

    def is_django_db_case(self, node: Node) -> bool:
        return self.is_subclass(node, DJANGO_TRANSACTION)

    def is_transactional_case(self, node: Node) -> bool:
        """TransactionTestCase and its subclasses other than TestCase: they commit and flush."""
        return self.is_django_db_case(node) and not self.is_subclass(node, DJANGO_TESTCASE)

    # -- functions -------------------------------------------------------------------------

    @cached_property
    def functions(self) -> list[tuple[Module, ast.FunctionDef | ast.AsyncFunctionDef, ClassInfo | None]]:
        """Every function and method, with the class it is defined in (if any)."""
        found = []
        owners = {id(c.node): c for c in self.classes}
        for module in self.modules:
            stack: list[tuple[ast.AST, ClassInfo | None]] = [(module.tree, None)]
            while stack:
                parent, owner = stack.pop()
                for stmt in getattr(parent, "body", []) + getattr(parent, "orelse", []) + getattr(parent, "finalbody", []):
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        found.append((module, stmt, owner))
                    elif isinstance(stmt, ast.ClassDef):
                        stack.append((stmt, owners.get(id(stmt))))
                    elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
                        stack.append((stmt, owner))
        found.sort(key=lambda t: (t[0].rel, t[1].lineno))
        return found


def _c3(seqs: list[list]) -> list:
    result = []
    while True:
        seqs = [s for s in seqs if s]
        if not seqs:
            return result
        for seq in seqs:
            head = seq[0]
            if not any(head in s[1:] for s in seqs):
                break
        else:  # inconsistent hierarchy (Python would refuse it): fall back to depth-first
            head = seqs[0][0]
        result.append(head)
        seqs = [s[1:] if s[0] is head else s for s in seqs]


def _walk(root: Path) -> list[Path]:
    found = []
    for directory, dirs, files in os.walk(root):
        here = Path(directory)
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIP_DIRS and not d.endswith(".egg-info")
            and (not d.startswith(".") or d == ".github")
            and not (here / d / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            path = here / name
            wanted = name.endswith(".py") or name in CONFIG_NAMES or _is_ci_file(path.relative_to(root))
            if wanted and path.is_file():
                found.append(path)
    return found


def _is_ci_file(rel: Path) -> bool:
    parts = rel.parts
    if parts == (".gitlab-ci.yml",):
        return True
    return len(parts) == 3 and parts[:2] == (".github", "workflows") and rel.suffix in (".yml", ".yaml")
