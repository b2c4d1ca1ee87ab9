"""FL006: --reuse-db in the pytest configuration of a project with transactional tests, or
with a CI configuration that runs pytest without --create-db; and CI commands that reuse.

Configuration files are read as text, section by section, so a finding can point at the
line: pytest.ini/tox.ini `[pytest]`, setup.cfg `[tool:pytest]`, pyproject.toml
`[tool.pytest.ini_options]` (and pytest 9's `[tool.pytest]`).
"""

from __future__ import annotations

import re

from faultline.inspect.context import Context
from faultline.inspect.findings import Finding
from faultline.inspect.testcode import TRANSACTIONAL_FIXTURES, is_true, kwarg, mark_name, marks_in, module_marks, params

SECTIONS = {"pytest.ini": ("pytest",), "tox.ini": ("pytest",), "setup.cfg": ("tool:pytest",),
            "pyproject.toml": ("tool.pytest.ini_options", "tool.pytest")}
HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
KEY = re.compile(r"^([A-Za-z_][\w.-]*)\s*[=:]")
REUSE = re.compile(r"(?<![\w-])--reuse-db(?![\w-])")
PYTEST_RUN = re.compile(r"(?<![\w.-])(?:pytest|py\.test)(?![\w.-])")
NOT_A_COMMAND = re.compile(r"^\s*-?\s*(?:name|uses|id|if)\s*:")
TOX_RUN = re.compile(r"(?<![\w-])tox(?![\w-])")


def _code(line: str) -> str:
    """The line without its comment (`#` or `;` after whitespace, or at the start)."""
    return re.split(r"(?:^|\s)[#;]", line, maxsplit=1)[0]


def reuse_lines(text: str, name: str) -> list[tuple[int, int]]:
    """(line, column) of each --reuse-db in the addopts of the file's pytest section."""
    sections = SECTIONS[name]
    found, section, key = [], None, None
    for number, line in enumerate(text.splitlines(), 1):
        header = HEADER.match(line)
        if header:
            section, key = header.group(1).strip().strip('"'), None
            continue
        if section not in sections:
            continue
        keyed = KEY.match(line)
        if keyed:
            key = keyed.group(1)
        elif line.strip() and not line[:1].isspace() and not line.lstrip().startswith(("#", ";", "]", '"', "'")):
            key = None
        if key == "addopts":
            match = REUSE.search(_code(line))
            if match:
                found.append((number, match.start() + 1))
    return found


def _transactional_example(ctx: Context) -> str | None:
    project = ctx.project
    for cls in project.classes:
        if project.is_transactional_case(cls):
            return f"`{cls.name}` at {cls.module.shown}:{cls.node.lineno}"
    for module, func, _owner in project.functions:
        if set(params(func)) & TRANSACTIONAL_FIXTURES:
            return f"`{func.name}` at {module.shown}:{func.lineno}"
        for mark in marks_in(module, func.decorator_list):
            if mark_name(module, mark) == "django_db" and is_true(kwarg(mark, "transaction")):
                return f"`{func.name}` at {module.shown}:{func.lineno}"
    for module in project.modules:
        for mark in module_marks(module, module.tree.body):
            if mark_name(module, mark) == "django_db" and is_true(kwarg(mark, "transaction")):
                return f"the module {module.shown}"
    return None


def _runs(text: str, pattern: re.Pattern) -> list[tuple[int, str]]:
    lines = text.splitlines()
    return [
        (n, line) for n, line in enumerate(lines, 1)
        if pattern.search(_code(line)) and "install" not in line and not NOT_A_COMMAND.match(line)
    ]


def _ci_without_create_db(ctx: Context) -> str | None:
    """Where CI runs pytest (directly or through tox) without --create-db, said in words."""
    project = ctx.project
    tox = [p for p in project.configs if p.name == "tox.ini" and p.parent == project.root]
    for ci in project.ci_files:
        if "--create-db" in project.text(ci):
            continue  # given on a command or in PYTEST_ADDOPTS: the file takes care of it
        for number, _ in _runs(project.text(ci), PYTEST_RUN):
            return f"CI runs pytest without --create-db ({project.shown(ci)}:{number})"
        if tox and _runs(project.text(ci), TOX_RUN):
            for number, line in _runs(project.text(tox[0]), PYTEST_RUN):
                if "--create-db" not in line:
                    return (f"CI runs tox ({project.shown(ci)}), whose pytest command has no --create-db "
                            f"({project.shown(tox[0])}:{number})")
    return None


def check(ctx: Context):
    project = ctx.project
    configs = [(p, hit) for p in project.configs for hit in reuse_lines(project.text(p), p.name)]
    if configs:
        example = _transactional_example(ctx)
        ci = _ci_without_create_db(ctx)
        reasons = []
        if example:
            reasons.append(f"the project has transactional tests (such as {example}), whose commits and flushes carry over")
        if ci:
            reasons.append(ci)
        for path, (line, col) in configs if reasons else []:
            message = (f"--reuse-db in the pytest configuration keeps the test database between runs, and "
                       f"{' and '.join(reasons)}: rows left by one run are still there for the next")
            yield Finding(project.shown(path), line, col, "FL006", message)
    for ci in project.ci_files:
        text = project.text(ci)
        for number, line in _runs(text, PYTEST_RUN):
            match = REUSE.search(_code(line))
            if match and "--create-db" not in text:
                yield Finding(project.shown(ci), number, match.start() + 1, "FL006",
                              "CI runs pytest with --reuse-db and never --create-db: a database kept "
                              "from an earlier job or run brings its rows into this one")
