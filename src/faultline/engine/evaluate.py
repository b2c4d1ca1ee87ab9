"""From the hits of one scan to ranked diagnoses.

Each playbook is judged on its own hits only, so adding an unrelated playbook never changes
another's score. Every line where an `any` signal matched is a candidate anchor. An anchor
holds when every `all` signal matched within its scope of the anchor and no `none` signal
did. Its confidence combines the weights of the anchor signal, the `all` signals and the
`context` signals found in scope as independent evidence: 1 - (1 - w1)(1 - w2)...
A playbook is reported when its best anchor reaches THRESHOLD; so a signal weighted below
it (a generic phrase) can never decide a diagnosis alone. Ties break by playbook ID.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, NamedTuple

from faultline.catalog import template
from faultline.catalog.packs import Entry
from faultline.engine.compiler import CompiledCatalog
from faultline.engine.result import Diagnosis, Evidence
from faultline.engine.scan import Hit, ScanResult
from faultline.logs.steps import StepMap

if TYPE_CHECKING:  # playbooks come as model classes, or as their plain form from the cache
    from faultline.catalog.model import FixGroup, Playbook, Signal

THRESHOLD = 0.5
MAX_ANCHORS = 250  # anchors assessed per playbook; the rest are repeats
MAX_EVIDENCE = 8
MAX_COLLECTED = 20


class _Assessment(NamedTuple):
    anchor: Hit
    signal: Signal
    score: float
    support: list[tuple[Signal, Hit]]


def _in_scope(hits: list[Hit], line: int, scope) -> list[Hit]:
    """Hits within scope of the line, nearest first."""
    if scope == "log":
        return sorted(hits, key=lambda h: (abs(h.line - line), h.line))
    lo = bisect_left(hits, line - scope, key=lambda h: h.line)
    hi = bisect_left(hits, line + scope + 1, key=lambda h: h.line)
    return sorted(hits[lo:hi], key=lambda h: (abs(h.line - line), h.line))


def _nearest(hits: list[Hit], line: int, scope) -> Hit | None:
    if not hits:
        return None
    if scope == "log":
        i = bisect_left(hits, line, key=lambda h: h.line)
        candidates = hits[max(i - 1, 0): i + 1]
        return min(candidates, key=lambda h: (abs(h.line - line), h.line))
    near = _in_scope(hits, line, scope)
    return near[0] if near else None


def _combine(weights) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


class _Judge:
    def __init__(self, book: Playbook, refs: dict[str, list[int]], result: ScanResult):
        self.book, self.refs, self.result = book, refs, result

    def _signal_hits(self, role: str) -> list[tuple[Signal, list[Hit]]]:
        signals = getattr(self.book.match, role)
        return [(s, self.result.of(eid, s.within)) for s, eid in zip(signals, self.refs[role])]

    def assessments(self) -> list[_Assessment]:
        anchors = sorted(
            ((hit, signal) for signal, hits in self._signal_hits("any") for hit in hits),
            key=lambda pair: pair[0].line,
        )[:MAX_ANCHORS]
        required, excluded = self._signal_hits("all"), self._signal_hits("none")
        context = self._signal_hits("context")
        found = []
        for anchor, signal in anchors:
            if any(_nearest(hits, anchor.line, s.within) for s, hits in excluded):
                continue
            support = [(s, _nearest(hits, anchor.line, s.within)) for s, hits in required]
            if not all(hit for _, hit in support):
                continue
            for s, hits in context:
                hit = _nearest(hits, anchor.line, s.within)
                if hit:
                    support.append((s, hit))
            score = _combine([signal.weight or 0.0] + [s.weight or 0.0 for s, _ in support])
            found.append(_Assessment(anchor, signal, round(score, 4), support))
        return found

    def facts(self, best: _Assessment) -> dict:
        facts: dict = dict(best.anchor.groups)
        for _, hit in best.support:
            for key, value in hit.groups.items():
                facts.setdefault(key, value)
        for signal in [best.signal] + [s for s, _ in best.support]:
            for key, value in signal.set.items():
                facts.setdefault(key, value)
        for fact, eid in zip(self.book.facts, self.refs["facts"]):
            hits = self.result.of(eid, fact.within)
            if fact.collect:
                for hit in sorted(_in_scope(hits, best.anchor.line, fact.within), key=lambda h: h.line):
                    for key, value in hit.groups.items():
                        values = facts.setdefault(key, [])
                        if isinstance(values, list) and value not in values and len(values) < MAX_COLLECTED:
                            values.append(value)
            else:
                hit = _nearest(hits, best.anchor.line, fact.within)
                for key, value in (hit.groups if hit else {}).items():
                    facts.setdefault(key, value)
        return facts


def select_fix(book: Playbook, facts: dict) -> list[str]:
    """Fix steps for the detected stack first; every stack's steps when none is detected."""

    def applies(group: FixGroup) -> bool:
        return all(
            facts.get(key) in (wanted if isinstance(wanted, list) else [wanted])
            for key, wanted in group.when.items()
        )

    stacked = [g for g in book.fix if not isinstance(g, str) and g.when]
    detected = [g for g in stacked if applies(g)]
    steps: list[str] = []
    for item in [*detected, *(g for g in book.fix if g not in stacked)] if detected else book.fix:
        if isinstance(item, str):
            steps.append(item)
            continue
        prefix = f"{item.title}: " if item.title and not detected else ""
        steps.extend(prefix + step for step in item.steps)
    return [filled for filled in (template.fill(s, facts) for s in steps) if filled]


def _diagnose(entry: Entry, refs, result: ScanResult, steps: StepMap) -> tuple[float, Diagnosis] | None:
    judge = _Judge(entry.playbook, refs, result)
    found = judge.assessments()
    if not found:
        return None
    best = max(found, key=lambda a: (a.score, -a.anchor.line))
    if best.score < THRESHOLD:
        return None
    book = entry.playbook
    facts = judge.facts(best)
    lines = {best.anchor.line: best.anchor}
    for signal, hit in best.support:
        # A zero-weight context signal only sets a fact; it is not evidence of the failure.
        if signal.weight or any(signal is s for s in book.match.all):
            lines.setdefault(hit.line, hit)
    for other in found:
        if len(lines) >= MAX_EVIDENCE:
            break
        lines.setdefault(other.anchor.line, other.anchor)
    evidence = [Evidence(h.line, h.text, steps.step(h.line)) for _, h in sorted(lines.items())]
    diagnosis = Diagnosis(
        rank=0,
        id=book.id,
        title=book.title,
        category=book.category,
        severity=book.severity,
        confidence=round(best.score, 2),
        summary=template.fill_paragraphs(book.summary, facts),
        explanation=template.fill_paragraphs(book.diagnosis, facts),
        evidence=evidence,
        facts=facts,
        fix=select_fix(book, facts),
        repro=[r for r in (template.fill(c, facts) for c in book.repro) if r],
        docs=entry.docs,
    )
    return best.score, diagnosis


def diagnose(catalog: CompiledCatalog, result: ScanResult, top: int = 3) -> list[Diagnosis]:
    steps = StepMap(result.markers)
    scored = []
    for i, refs in enumerate(catalog.refs):
        if not any(result.hits.get(eid) for eid in refs["any"]):
            continue  # no anchor: nothing to judge (and its playbook stays undecoded)
        judged = _diagnose(catalog.entries[i], refs, result, steps)
        if judged:
            scored.append(judged)
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [d._replace(rank=i + 1) for i, (_, d) in enumerate(scored[:top])]
