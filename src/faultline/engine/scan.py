"""One pass over the log, then a look around the anchors.

Every block is scanned once against the catalog's main database: the `any` signals that
anchor a diagnosis, the signals and facts scoped to the whole log, and the step markers.
A C collector turns each block's matches into line hits and keeps, per expression, the
first FIRST and the last LAST matching lines, so memory and Python work stay bounded on a
log where some phrase repeats a million times. Only those hits reach Python, where RE2
reads a regex's named groups on its line.

Signals scoped to N lines of an anchor are only ever looked for near anchors, so the lines
around each kept anchor hit are set aside while the blocks stream by, and the window
database scans just those lines at the end.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import deque
from itertools import accumulate
from typing import Iterable, NamedTuple

from faultline.engine._hits import Collector, Matches
from faultline.engine.compiler import CompiledCatalog
from faultline.logs._native import newlines
from faultline.logs.source import Block

FIRST, LAST = 200, 50
BATCH = 256  # lines of a widened regex confirmed at once
MAX_MARKERS = 100_000
EXCERPT = 400  # characters of a long line shown around the match
MAX_WINDOW_LINE = 1 << 20  # bytes of a line kept for the window signals


class Hit(NamedTuple):
    line: int  # 1-based line number in the original log
    text: str  # the line as a reader should see it
    groups: dict  # named groups of a regex match


class ScanResult(NamedTuple):
    hits: dict[int, list[Hit]]  # expression id -> hits over the whole log, by line
    near: _Near  # expression id -> hits within the anchors' windows, by line
    markers: list[tuple[int, str, str]]  # (line, action, step name)
    lines: int

    def of(self, eid: int, within) -> list[Hit]:
        """The hits of an expression for a signal with this scope."""
        return self.near[eid] if isinstance(within, int) else self.hits.get(eid, [])


def _display(line: bytes, start: int, end: int) -> str:
    """The part of the line a reader should see: the CR segment holding the match, trimmed."""
    left = line.rfind(b"\r", 0, start) + 1
    right = line.find(b"\r", end)
    segment_end = len(line) if right < 0 else right
    if segment_end - left > EXCERPT * 2:
        left = max(left, start - EXCERPT)
        segment_end = min(segment_end, end + EXCERPT)
    return line[left:segment_end].decode("utf-8", "replace").strip()


def _confirm(catalog: CompiledCatalog, eid: int, raw: bytes, end: int, line: int) -> Hit | None:
    expression = catalog.expressions[eid]
    if expression.kind == "literal":
        start = end - len(expression.source.encode("utf-8"))
        return Hit(line, _display(raw, start, end), {})
    if eid in catalog.decided and len(raw) <= EXCERPT * 2 and b"\r" not in raw:
        return Hit(line, raw.decode("utf-8", "replace").strip(), {})  # nothing for RE2 to add
    found = catalog.regex(eid).search(raw)
    if found is None:
        return None  # the engines disagree on this line; RE2 has the last word
    return _regex_hit(line, raw, *found)


def _regex_hit(line: int, raw: bytes, start: int, end: int, groups: dict[str, bytes]) -> Hit:
    values = {name: value.decode("utf-8", "replace").strip() for name, value in groups.items()}
    return Hit(line, _display(raw, start, end), {name: value for name, value in values.items() if value})


class _Near(dict):
    """Hits within the anchors' windows, read by RE2 only when a playbook asks for them:
    most belong to playbooks that have no anchor there."""

    def __init__(self, catalog: CompiledCatalog, found: dict[int, list[tuple[int, bytes, int]]]):
        super().__init__()
        self.catalog, self.found = catalog, found

    def __missing__(self, eid: int) -> list[Hit]:
        confirmed = (_confirm(self.catalog, eid, raw, end, line) for line, raw, end in self.found.get(eid, ()))
        hits = self[eid] = [hit for hit in confirmed if hit is not None]
        return hits


class _IndexedBlock:
    def __init__(self, block: Block):
        self.text, self.first_line, self.last_line = block.text, block.first_line, block.last_line
        self._breaks: memoryview | None = None

    @property
    def breaks(self) -> memoryview:
        if self._breaks is None:
            self._breaks = memoryview(newlines(self.text)).cast("I")
        return self._breaks

    def line(self, number: int) -> bytes:
        k = number - self.first_line
        start = self.breaks[k - 1] + 1 if k else 0
        end = self.breaks[k] if k < len(self.breaks) else len(self.text)
        return self.text[start: min(end, start + MAX_WINDOW_LINE)]


class _Windows:
    """The lines around kept anchor hits, gathered as the blocks stream by.

    A window reaches into the previous block and, through `wanted`, into the next ones.
    """

    def __init__(self):
        self.lines: dict[int, bytes] = {}
        self.previous: _IndexedBlock | None = None
        self.current: _IndexedBlock | None = None
        self.wanted = 0  # lines up to this number are still wanted from the blocks to come

    def next_block(self, block: Block) -> None:
        self.previous, self.current = self.current, _IndexedBlock(block)
        if self.wanted >= block.first_line:
            self.capture(block.first_line, self.wanted)

    def around(self, line: int, radius: int) -> None:
        self.capture(line - radius, line + radius)

    def capture(self, low: int, high: int) -> None:
        for block in (self.previous, self.current):
            if block is None or high < block.first_line:
                continue
            last = block.last_line
            for number in range(max(low, block.first_line, 1), min(high, last) + 1):
                if number not in self.lines:
                    self.lines[number] = block.line(number)
        if self.current is not None and high > self.current.last_line:
            self.wanted = max(self.wanted, high)


class _Scanner:
    def __init__(self, catalog: CompiledCatalog):
        self.catalog = catalog
        # Widened regexes come uncapped: RE2 may reject some of their lines, and the caps
        # apply to the lines it accepts (see _keep_widened).
        self.collector = Collector(len(catalog.expressions), FIRST, LAST, catalog.markers.keys() | catalog.widened)
        self.first: dict[int, list[Hit]] = {}
        self.last: dict[int, deque] = {}
        self.markers: list[tuple[int, str, str]] = []
        self.windows = _Windows()

    def add_block(self, block: Block) -> None:
        """Scan one block and keep its hits; blocks come in log order."""
        catalog, matches = self.catalog, Matches()
        catalog.database.scan(block.text, match_event_handler=matches)
        found = self.collector.take(matches, block.text, block.first_line)
        if catalog.radius:
            self.windows.next_block(block)
        widened: dict[int, list[tuple]] = {}
        for item in found:
            if item[0] in catalog.widened:
                widened.setdefault(item[0], []).append(item)
            else:
                self._keep(self._hit(block.text, item), item[0])
        for eid, items in widened.items():
            self._keep_widened(block.text, eid, items)

    def _hit(self, text: bytes, item: tuple) -> Hit | None:
        eid, line, start, stop, end = item
        return _confirm(self.catalog, eid, text[start:stop], end - start, line)

    def _keep(self, hit: Hit | None, eid: int) -> None:
        if hit is None:
            return
        action = self.catalog.markers.get(eid)
        if action is not None:
            if len(self.markers) < MAX_MARKERS:
                self.markers.append((hit.line, action, hit.groups.get("name", "")))
            return
        kept = self.first.setdefault(eid, [])
        if len(kept) < FIRST:
            kept.append(hit)
        else:
            self.last.setdefault(eid, deque(maxlen=LAST)).append(hit)
        radius = self.catalog.radius.get(eid)
        if radius is not None:
            self.windows.around(hit.line, radius)

    def _keep_widened(self, text: bytes, eid: int, items: list[tuple]) -> None:
        """RE2 reads a widened regex's lines from the start of the block until FIRST hold,
        then from its end back until LAST hold: the lines in between could not be kept."""
        kept, i = self.first.setdefault(eid, []), 0
        while len(kept) < FIRST and i < len(items):
            for hit in self._confirm_lines(text, eid, items[i: i + BATCH]):
                self._keep(hit, eid)
            i += BATCH
        tail: list[Hit] = []
        j = len(items)
        while len(tail) < LAST and j > i:
            tail[:0] = self._confirm_lines(text, eid, items[max(i, j - BATCH): j])
            j -= BATCH
        for hit in tail[-LAST:]:
            self._keep(hit, eid)

    def _confirm_lines(self, text: bytes, eid: int, items: list[tuple]) -> list[Hit]:
        """The items' lines RE2 confirms, read in one pass over them joined: most lines of
        a widened regex are rejected, and this way none of them costs a Python call."""
        lines = [text[start:stop] for _, _, start, stop, _ in items]
        joined = b"\n".join(lines)
        starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        program, hits, position = self.catalog.lines_regex(eid), [], 0
        while (found := program.search(joined, position)) is not None:
            start, end, groups = found
            k = bisect_right(starts, start) - 1
            line, offset = lines[k], starts[k]
            hits.append(_regex_hit(items[k][1], line, start - offset, end - offset, groups))
            position = offset + len(line) + 1  # one hit per line
            if position > len(joined):
                break
        return hits

    def near(self) -> _Near:
        """Scan the windows' lines with the window database."""
        lines, database = self.windows.lines, self.catalog.window_database
        found: dict[int, list[tuple[int, bytes, int]]] = {}
        if lines and database is not None:
            numbers = sorted(lines)
            text = b"\n".join(lines[n] for n in numbers)
            matches = Matches()
            database.scan(text, match_event_handler=matches)
            collector = Collector(len(self.catalog.expressions), sys.maxsize, 1)
            for eid, index, start, stop, end in collector.take(matches, text, 0):
                found.setdefault(eid, []).append((numbers[index], text[start:stop], end - start))
        return _Near(self.catalog, found)

    def result(self, lines: int) -> ScanResult:
        hits = {eid: kept + list(self.last.get(eid, ())) for eid, kept in self.first.items()}
        return ScanResult(hits, self.near(), self.markers, lines)


def scan(catalog: CompiledCatalog, blocks: Iterable[Block]) -> ScanResult:
    scanner = _Scanner(catalog)
    lines = 0
    for block in blocks:
        scanner.add_block(block)
        lines = block.last_line
    return scanner.result(lines)
