"""From a log diagnosis to the source line that likely caused it (`faultline analyze --repo`).

When the top diagnosis is database-test-isolation and its facts name a table, a constraint
or a value, the detectors run over the repository and each finding is scored against the
facts: the colliding value written as a literal where the finding is (+3), the table or the
model behind it (+2), the column (+1), a factory in the failing traceback (+2 for FL003),
the second database or the kept test database the log mentions (+3/+2). Findings that
contradict the facts (a factory constant on another column or with another value, or with
no factory in sight of a log that names no value; an explicit primary key when the
collision is not on a primary key) are dropped; findings that leak rows in general (FL001,
FL004, FL006, FL007) stay as weaker suspects. The best few are returned, best first.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from faultline.engine.result import Analysis, Suspect
from faultline.errors import InputError
from faultline.inspect import suppress
from faultline.inspect.context import Context
from faultline.inspect.detectors import DETECTORS
from faultline.inspect.findings import Finding
from faultline.inspect.project import Project
from faultline.inspect.source import Module

PLAYBOOK = "database-test-isolation"
MAX_SUSPECTS = 5
LEAKS = {"FL001", "FL004", "FL006", "FL007"}  # rules whose findings leak rows into any table
INSERT = re.compile(r"(?i)\binsert\s+into\s+[`\"\[]?([\w.]+)")
CALL_DEPTH = 2


def _clean(value: str) -> str:
    return value.strip().strip("'\"`[]").strip()


def _first(facts: dict, *names: str) -> str | None:
    for name in names:
        value = facts.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return _clean(value)
    return None


class Clues:
    """What the log says collided, normalised."""

    def __init__(self, facts: dict, tables: set[str]):
        self.facts = facts
        key = _first(facts, "sqlite_key") or ""
        table = _first(facts, "table") or (key.partition(".")[0] if "." in key else None)
        self.constraint = _first(facts, "constraint", "bare_constraint")
        if table is None and self.constraint:
            # PostgreSQL names constraints after the table: shop_team_name_key, shop_order_pkey
            known = [t for t in tables if self.constraint.startswith(t + "_")]
            table = max(known, key=len) if known else None
        self.table = table.rpartition(".")[2].lower() if table else None
        columns = _first(facts, "columns", "column") or (key.partition(".")[2] if "." in key else "")
        self.columns = {_clean(c).rpartition(".")[2] for c in columns.split(",") if _clean(c)}
        self.value = _first(facts, "value", "entry_value", "pk_value")
        self.pk = bool(
            facts.get("cause") == "explicit-pk" or facts.get("pk_value") or self.columns & {"id", "pk"}
            or (self.constraint or "").endswith("_pkey")
        )
        self.factory = bool(facts.get("factory")) or facts.get("cause") == "constant-factory-value"
        self.alias = _first(facts, "secondary_db")
        self.kept_db = facts.get("cause") == "persistent-test-db" or bool(facts.get("reuse_db"))

    @property
    def usable(self) -> bool:
        return bool(self.table or self.constraint or self.value)

    def values(self) -> set[str]:
        """The value, and each part of a composite one (`Key (app_label, model)=(shop, team)`)."""
        if self.value is None:
            return set()
        return {self.value} | {_clean(v) for v in self.value.split(",") if "," in self.value}


def _enclosing(module: Module, line: int, want_class: bool) -> ast.AST:
    """The innermost function (or class, for FL001/FL003) around a line."""
    kinds = (ast.ClassDef,) if want_class else (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    best = module.tree
    for node in ast.walk(module.tree):
        if isinstance(node, kinds) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is module.tree or node.lineno >= best.lineno:
                best = node
    return best


class Scorer:
    def __init__(self, ctx: Context, clues: Clues):
        self.ctx, self.clues = ctx, clues
        self.modules = {m.shown: m for m in ctx.project.modules}

    def _touched(self, module: Module, scope: ast.AST, depth: int = 0) -> tuple[set[str], set[str]]:
        """Tables written to and literals used in a scope, following project calls a little."""
        tables, literals = set(), set()
        for node in ast.walk(scope):
            if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)) and not isinstance(node.value, bool):
                literals.add(str(node.value))
                if isinstance(node.value, str):
                    tables |= {t.rpartition(".")[2].lower() for t in INSERT.findall(node.value)}
            if isinstance(node, ast.Call):
                target = self.ctx.target(module, node)
                if target is not None and target.model is not None and target.model.table:
                    tables.add(target.model.table)
                if depth < CALL_DEPTH:
                    callee = self.ctx.project.resolve_function(module, node.func)
                    if callee is not None and callee.node is not scope:
                        more_tables, more_literals = self._touched(callee.module, callee.node, depth + 1)
                        tables |= more_tables
                        if depth == 0:
                            literals |= more_literals
        return tables, literals

    def score(self, finding: Finding) -> int | None:
        clues, subject = self.clues, finding.subject
        module = self.modules.get(finding.file)
        tables, literals = set(), set()
        if module is not None:
            scope = _enclosing(module, finding.line, finding.rule in ("FL001", "FL003"))
            tables, literals = self._touched(module, scope)
        if subject.get("table"):
            tables.add(subject["table"])
        value = subject.get("value")
        columns = set(subject.get("columns") or [])
        if finding.rule == "FL003":
            if clues.columns and not columns & clues.columns:
                return None
            if clues.value is not None and value not in clues.values():
                return None
            if clues.value is None and not clues.factory:
                return None  # nothing says the row came from a factory
        if finding.rule == "FL002" and not clues.pk:
            return None
        score = 0
        if clues.values() & (literals | ({value} if value else set())):
            score += 3
        if clues.table and clues.table in tables:
            score += 2
        if clues.columns & columns:
            score += 1
        if finding.rule == "FL005" and clues.alias and subject.get("alias") == clues.alias:
            score += 3
        if finding.rule == "FL006" and clues.kept_db:
            score += 2
        if finding.rule == "FL003" and clues.factory:
            score += 2
        if score == 0 and finding.rule in LEAKS:
            return 1
        return score if score >= 2 else None


def suspects(analysis: Analysis, repo: str | Path) -> list[Finding]:
    """The findings in `repo` that likely caused the top diagnosis, best first (may be empty)."""
    given = str(repo)
    if not Path(given).is_dir():
        raise InputError(f"{given}: not a directory (--repo takes the repository's root)")
    top = analysis.top
    if top is None or top.id != PLAYBOOK:
        return []
    project = Project.load(given)
    ctx = Context(project)
    tables = {m.table for m in ctx.models.all if m.table}
    clues = Clues(top.facts, tables)
    if not clues.usable:
        return []
    scorer = Scorer(ctx, clues)
    found, _ = suppress.apply(project, [f for check in DETECTORS.values() for f in check(ctx)])
    scored = []
    for finding in found:
        if finding.rule in DETECTORS:
            score = scorer.score(finding)
            if score is not None:
                scored.append((-score, finding.file, finding.line, finding.col, finding.rule, finding))
    scored.sort(key=lambda item: item[:5])
    return [item[-1] for item in scored[:MAX_SUSPECTS]]


def with_suspects(analysis: Analysis, repo: str | Path) -> Analysis:
    """The analysis with the top diagnosis's `suspects` filled from the repository."""
    found = [Suspect(f.file, f.line, f.col, f.rule, f.message) for f in suspects(analysis, repo)]
    if not found:
        return analysis
    diagnoses = [analysis.diagnoses[0]._replace(suspects=found), *analysis.diagnoses[1:]]
    return analysis._replace(diagnoses=diagnoses)
