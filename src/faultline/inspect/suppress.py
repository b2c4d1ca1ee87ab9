"""Inline suppressions: `# faultline: ignore[FL001] the reason` on the line of the finding.

A suppression needs a reason; one without a reason, or naming an unknown rule, suppresses
nothing and is reported itself (FL100). In configuration files, where a trailing comment
may become part of a value, the comment may also stand on the line above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faultline.inspect.findings import Finding
from faultline.inspect.project import Project
from faultline.inspect.rules import RULES

PATTERN = re.compile(r"#\s*faultline:\s*ignore\[([^\]]*)\]\s*(.*)$")


@dataclass(frozen=True)
class Suppression:
    file: str
    line: int
    col: int
    rules: tuple[str, ...]
    reason: str

    @property
    def problem(self) -> str | None:
        unknown = [r for r in self.rules if r not in RULES or r == "FL100"]
        if unknown or not self.rules:
            return f"the suppression names no known rule ({', '.join(unknown) or 'empty'}); it suppresses nothing"
        if not self.reason:
            return "the suppression gives no reason after the brackets; it suppresses nothing"
        return None


def _parse(file: str, line: int, text: str, offset: int = 0) -> Suppression | None:
    match = PATTERN.search(text)
    if match is None:
        return None
    rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
    return Suppression(file, line, offset + match.start() + 1, rules, match.group(2).strip())


def collect(project: Project) -> dict[tuple[str, int], Suppression]:
    found = {}
    for module in project.modules:
        for line, comment in module.comments.items():
            hit = _parse(module.shown, line, comment, len(module.lines[line - 1]) - len(comment))
            if hit:
                found[(module.shown, line)] = hit
    for path in [*project.configs, *project.ci_files]:
        rel = project.shown(path)
        for number, text in enumerate(project.text(path).splitlines(), 1):
            hit = _parse(rel, number, text)
            if hit:
                found[(rel, number)] = hit
    return found


def apply(project: Project, findings: list[Finding]) -> tuple[list[Finding], int]:
    """The findings left after suppression (plus FL100 for broken suppressions), and how many were suppressed."""
    table = collect(project)
    python_files = {m.shown for m in project.modules}
    kept, suppressed = [], 0
    for finding in findings:
        lines = [finding.line] if finding.file in python_files else [finding.line, finding.line - 1]
        hits = [table.get((finding.file, n)) for n in lines]
        if any(h is not None and h.problem is None and finding.rule in h.rules for h in hits):
            suppressed += 1
        else:
            kept.append(finding)
    for hit in table.values():
        if hit.problem:
            kept.append(Finding(hit.file, hit.line, hit.col, "FL100", hit.problem))
    return kept, suppressed
