"""What an analysis returns: plain data, no formatting. Renderers turn it into text.

Named tuples: immutable, and free to define (an analysis is a short-lived process).
"""

from __future__ import annotations

from typing import NamedTuple

SCHEMA = "faultline.analysis/1"


class Evidence(NamedTuple):
    line: int  # 1-based line number in the original input
    text: str
    step: str | None = None  # the CI step the line sits in, when the log marks steps


class Suspect(NamedTuple):
    """A line of the repository that likely caused the failure (`faultline analyze --repo`)."""

    file: str
    line: int
    col: int
    rule: str  # the `faultline inspect` rule that found it, e.g. "FL003"
    message: str


class Diagnosis(NamedTuple):
    rank: int
    id: str
    title: str
    category: str
    severity: str
    confidence: float
    summary: str
    explanation: str  # the playbook's diagnosis, filled with this log's facts
    evidence: list[Evidence]
    facts: dict[str, str | list[str]]
    fix: list[str]
    repro: list[str]
    docs: str
    suspects: tuple[Suspect, ...] | list[Suspect] = ()  # filled only when a repository is given

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "severity": self.severity,
            "confidence": self.confidence,
            "summary": self.summary,
            "explanation": self.explanation,
            "evidence": [{"line": e.line, "text": e.text, "step": e.step} for e in self.evidence],
            "facts": dict(self.facts),
            "fix": list(self.fix),
            "repro": list(self.repro),
            "docs": self.docs,
            "suspects": [
                {"file": s.file, "line": s.line, "col": s.col, "rule": s.rule, "message": s.message}
                for s in self.suspects
            ],
        }


class Analysis(NamedTuple):
    source: str
    lines: int
    diagnoses: list[Diagnosis]

    @property
    def matched(self) -> bool:
        return bool(self.diagnoses)

    @property
    def top(self) -> Diagnosis | None:
        return self.diagnoses[0] if self.diagnoses else None

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "source": self.source,
            "lines": self.lines,
            "matched": self.matched,
            "diagnoses": [d.to_dict() for d in self.diagnoses],
        }
