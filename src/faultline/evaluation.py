"""Measuring the catalog on a labelled corpus (`faultline eval`).

Layout: CORPUS/<expected-id>/<case>.log (or .log.gz), with `none` as the expected id of
logs that must produce no diagnosis. A case whose name starts with `near-miss` looks like
another class; `noisy` buries the failure in ordinary CI output. An optional
<case>.expect.yaml holds `facts: {name: value}` that the rank-1 diagnosis must carry and,
for a near miss, `near_miss_of: <id or ids>`: the playbooks it looks like and must not be.
Every playbook should have a clean log, a noisy one and a near miss (`gaps`).

top-1: labelled cases whose rank-1 diagnosis is the expected id. top-3: within the first
three. False positive: a rank-1 diagnosis that is not the expected one (for `none` cases,
any diagnosis). Unmatched: labelled cases with no diagnosis at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from faultline.engine.compiler import load_compiled
from faultline.errors import FaultlineError

NONE = "none"


@dataclass
class Case:
    path: Path
    expected: str
    got: list[str]
    facts_missing: dict = field(default_factory=dict)
    near_miss_of: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        name = self.path.name
        return "near-miss" if name.startswith("near-miss") else "noisy" if name.startswith("noisy") else "clean"

    @property
    def top1(self) -> bool:
        return (self.got[:1] or [NONE])[0] == self.expected and not self.facts_missing

    @property
    def false_positive(self) -> bool:
        return bool(self.got) and self.got[0] != self.expected


KINDS = ("clean", "noisy", "near-miss")


@dataclass
class Report:
    cases: list[Case]
    playbooks: list[str] = field(default_factory=list)  # the ids the corpus should cover

    def _labelled(self) -> list[Case]:
        return [c for c in self.cases if c.expected != NONE]

    @staticmethod
    def _ratio(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 1.0

    @property
    def top1(self) -> float:
        labelled = self._labelled()
        return self._ratio(sum(c.top1 for c in labelled), len(labelled))

    @property
    def top3(self) -> float:
        labelled = self._labelled()
        return self._ratio(sum(c.expected in c.got[:3] for c in labelled), len(labelled))

    @property
    def false_positive_rate(self) -> float:
        return self._ratio(sum(c.false_positive for c in self.cases), len(self.cases))

    @property
    def unmatched_rate(self) -> float:
        labelled = self._labelled()
        return self._ratio(sum(not c.got for c in labelled), len(labelled))

    def failures(self) -> list[Case]:
        return [c for c in self.cases if not (c.top1 if c.expected != NONE else not c.got)]

    def per_playbook(self) -> dict[str, dict]:
        table: dict[str, dict] = {}
        for case in self.cases:
            row = table.setdefault(case.expected, {"cases": 0, "top1": 0, "false_positives": 0})
            row["cases"] += 1
            row["top1"] += case.top1
            row["false_positives"] += case.false_positive
        return dict(sorted(table.items()))

    def coverage(self) -> dict[str, dict[str, int]]:
        """Per playbook: its clean and noisy logs, and the near misses that imitate it."""
        table = {pid: dict.fromkeys(KINDS, 0) for pid in self.playbooks}
        for case in self.cases:
            for pid in case.near_miss_of:
                table.setdefault(pid, dict.fromkeys(KINDS, 0))["near-miss"] += 1
            if case.expected != NONE:  # a near miss of another class is a plain positive of its own
                kind = "noisy" if case.kind == "noisy" else "clean"
                table.setdefault(case.expected, dict.fromkeys(KINDS, 0))[kind] += 1
        return table

    def gaps(self) -> dict[str, list[str]]:
        """Playbooks lacking a kind of log, and which."""
        return {pid: missing for pid, row in self.coverage().items() if (missing := [k for k in KINDS if not row[k]])}

    def to_dict(self) -> dict:
        return {
            "cases": len(self.cases),
            "top1": self.top1,
            "top3": self.top3,
            "false_positive_rate": self.false_positive_rate,
            "unmatched_rate": self.unmatched_rate,
            "per_playbook": self.per_playbook(),
            "gaps": self.gaps(),
            "failures": [
                {"case": str(c.path), "expected": c.expected, "got": c.got[:3], "facts_missing": c.facts_missing}
                for c in self.failures()
            ],
        }


def corpus_cases(corpus: Path) -> list[tuple[Path, str]]:
    if not corpus.is_dir():
        raise FaultlineError(f"{corpus}: corpus is not a directory")
    cases = sorted(p for p in corpus.glob("*/*") if p.name.endswith((".log", ".log.gz")))
    return [(p, p.parent.name) for p in cases]


def _expectations(log: Path) -> dict:
    sidecar = log.with_name(log.name.removesuffix(".gz").removesuffix(".log") + ".expect.yaml")
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise FaultlineError(f"{sidecar}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise FaultlineError(f"{sidecar}: expected a mapping with 'facts' and/or 'near_miss_of'")
    return data


def _has_fact(facts: dict, name: str, expected) -> bool:
    """A listed expectation must be contained in the fact's values; a single one must equal it."""
    got = facts.get(name)
    if isinstance(expected, list):
        return set(map(str, expected)) <= set(got if isinstance(got, list) else [got])
    return got == str(expected)


def evaluate_corpus(corpus: Path, packs: list[Path] | None = None) -> Report:
    from faultline.api import analyze

    catalog = load_compiled(packs)
    cases = []
    for path, expected in corpus_cases(corpus):
        analysis = analyze(path, catalog=catalog, top=3)
        expect = _expectations(path)
        imitated = expect.get("near_miss_of") or []
        case = Case(path, expected, [d.id for d in analysis.diagnoses],
                    near_miss_of=[imitated] if isinstance(imitated, str) else list(imitated))
        if analysis.top is not None and analysis.top.id == expected:
            facts = analysis.top.facts
            wanted = {str(k): v for k, v in (expect.get("facts") or {}).items()}
            case.facts_missing = {k: v for k, v in wanted.items() if not _has_fact(facts, k, v)}
        cases.append(case)
    return Report(cases, [entry.playbook.id for entry in catalog.entries])


def render_report(report: Report, fmt: str = "terminal") -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2) + "\n"
    out = [
        f"cases {len(report.cases)}  top-1 {report.top1:.3f}  top-3 {report.top3:.3f}  "
        f"false positives {report.false_positive_rate:.3f}  unmatched {report.unmatched_rate:.3f}",
        "",
        f"{'expected':<40} {'cases':>5} {'top-1':>5} {'fp':>4}",
    ]
    for name, row in report.per_playbook().items():
        out.append(f"{name:<40} {row['cases']:>5} {row['top1']:>5} {row['false_positives']:>4}")
    gaps = report.gaps()
    if gaps:
        out += ["", f"Playbooks without a clean, noisy or near-miss log ({len(gaps)}):"]
        out += [f"  {pid}: no {', no '.join(missing)}" for pid, missing in sorted(gaps.items())]
    failures = report.failures()
    if failures:
        out += ["", "Misdiagnosed:"]
        for case in failures:
            extra = f" facts differ: {case.facts_missing}" if case.facts_missing else ""
            out.append(f"  {case.path}: expected {case.expected}, got {', '.join(case.got[:3]) or 'nothing'}{extra}")
    return "\n".join(out) + "\n"
