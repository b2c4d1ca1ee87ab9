"""One pass over the log: every block against the whole compiled catalog at once.

Hyperscan reports where each expression matched; only those lines are then looked at in
Python: a regex is confirmed on its own line by RE2 (a match may not span lines) and its
named groups are read. Per expression the first FIRST and the last LAST matching lines are
kept, so memory stays bounded on a log where some phrase repeats a million times.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterable

from faultline.engine.compiler import CompiledCatalog
from faultline.logs._native import count_newlines
from faultline.logs.source import Block

FIRST, LAST = 200, 50
MAX_MARKERS = 100_000
EXCERPT = 400  # characters of a long line shown around the match


@dataclass(frozen=True, slots=True)
class Hit:
    line: int  # 1-based line number in the original log
    text: str  # the line as a reader should see it
    groups: dict  # named groups of a regex match


@dataclass
class ScanResult:
    hits: dict[int, list[Hit]]  # expression id -> hits, by line
    markers: list[tuple[int, str, str]] = field(default_factory=list)  # (line, action, step name)
    lines: int = 0


def _display(line: bytes, start: int, end: int) -> str:
    """The part of the line a reader should see: the CR segment holding the match, trimmed."""
    left = line.rfind(b"\r", 0, start) + 1
    right = line.find(b"\r", end)
    segment_end = len(line) if right < 0 else right
    if segment_end - left > EXCERPT * 2:
        left = max(left, start - EXCERPT)
        segment_end = min(segment_end, end + EXCERPT)
    text = line[left:segment_end].decode("utf-8", "replace").strip()
    return text


class _Collector:
    def __init__(self, catalog: CompiledCatalog):
        self.catalog = catalog
        self.first: dict[int, list[Hit]] = {}
        self.last: dict[int, deque] = {}
        self.counts: dict[int, int] = {}
        self.markers: list[tuple[int, str, str]] = []

    def add_block(self, block: Block) -> None:
        found: list[tuple[int, int]] = []
        append = found.append
        previous_end: dict[int, int] = {}

        def on_match(eid, start, end, flags, context):
            # A regex with a variable-length tail reports every end offset of one match.
            if previous_end.get(eid) != end - 1:
                append((end, eid))
            previous_end[eid] = end

        self.catalog.database.scan(block.text, match_event_handler=on_match)
        if not found:
            return
        found.sort()
        text = block.text
        line, position = block.first_line, 0
        seen: set[tuple[int, int]] = set()
        for end, eid in found:
            line += count_newlines(text, position, end - 1)
            position = end - 1
            if (eid, line) in seen:
                continue
            seen.add((eid, line))
            start_of_line = text.rfind(b"\n", 0, end - 1) + 1
            end_of_line = text.find(b"\n", end - 1)
            raw = text[start_of_line: end_of_line if end_of_line >= 0 else len(text)]
            hit = self._confirm(eid, raw, end - start_of_line, line)
            if hit is not None:
                self._keep(eid, hit)

    def _confirm(self, eid: int, raw: bytes, end: int, line: int) -> Hit | None:
        expression = self.catalog.expressions[eid]
        if expression.kind == "literal":
            start = end - len(expression.source.encode("utf-8"))
            return Hit(line, _display(raw, start, end), {})
        match = self.catalog.regex(eid).search(raw)
        if match is None:
            return None  # the Hyperscan match ran across a line break
        groups = {
            (k.decode() if isinstance(k, bytes) else k): v.decode("utf-8", "replace").strip()
            for k, v in match.groupdict().items() if v
        }
        return Hit(line, _display(raw, match.start(), match.end()), groups)

    def _keep(self, eid: int, hit: Hit) -> None:
        action = self.catalog.markers.get(eid)
        if action is not None:
            if len(self.markers) < MAX_MARKERS:
                self.markers.append((hit.line, action, hit.groups.get("name", "")))
            return
        count = self.counts[eid] = self.counts.get(eid, 0) + 1
        if count <= FIRST:
            self.first.setdefault(eid, []).append(hit)
        else:
            self.last.setdefault(eid, deque(maxlen=LAST)).append(hit)

    def result(self, lines: int) -> ScanResult:
        hits = {eid: kept + list(self.last.get(eid, ())) for eid, kept in self.first.items()}
        return ScanResult(hits, self.markers, lines)


def scan(catalog: CompiledCatalog, blocks: Iterable[Block]) -> ScanResult:
    collector = _Collector(catalog)
    lines = 0
    for block in blocks:
        collector.add_block(block)
        lines = block.first_line - 1 + count_newlines(block.text) + (not block.text.endswith(b"\n"))
    return collector.result(lines)
