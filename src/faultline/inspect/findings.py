"""What `faultline inspect` returns: plain data, no formatting."""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA = "faultline.inspect/1"


@dataclass(frozen=True)
class Finding:
    file: str  # as reports show it: under the path the user gave
    line: int  # 1-based
    col: int  # 1-based, in characters
    rule: str  # "FL001"
    message: str
    # What the finding is about, for linking it to a log diagnosis (faultline.inspect.link):
    # table, columns, value, alias. Never shown, never compared.
    subject: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Problem:
    """A file that could not be inspected (a warning, not a finding)."""

    file: str
    line: int | None
    message: str


@dataclass
class Report:
    root: str  # the path as the user gave it
    files: int  # Python files inspected
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suppressed: int = 0

    def to_dict(self) -> dict:
        from faultline.inspect.rules import RULES

        return {
            "schema": SCHEMA,
            "root": self.root,
            "files": self.files,
            "findings": [
                {"file": f.file, "line": f.line, "col": f.col, "rule": f.rule, "name": RULES[f.rule].name,
                 "message": f.message, "fix": RULES[f.rule].fix_summary}
                for f in self.findings
            ],
            "suppressed": self.suppressed,
            "warnings": [{"file": p.file, "line": p.line, "message": p.message} for p in self.problems],
        }
