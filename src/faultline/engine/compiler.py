"""Compile every pattern of the catalog once, into two Hyperscan databases.

Identical patterns shared by several playbooks are compiled once. The main database holds
what must be looked for over the whole log (anchors, whole-log signals and facts, step
markers), so a log is read exactly once; the window database holds the signals and facts
scoped to N lines of an anchor, which are only looked for around anchors. Each expression
is either a case-insensitive literal or a regex; both are matched on the bytes of one line.
A regex that Hyperscan cannot compile (back-references, look-around, empty matches) is a
load error: the scan is linear in the size of the log, whatever the catalog holds.
"""

from __future__ import annotations

import os
import pickle
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import hyperscan

from faultline import __version__
from faultline.catalog.packs import BUNDLED, Entry, pack_files
from faultline.catalog.regex import LineRegex
from faultline.errors import PlaybookError
from faultline.logs.steps import MARKERS

ROLES = ("any", "all", "none", "context")


class Expression(NamedTuple):
    kind: str  # "literal" or "regex"
    source: str

    @property
    def pattern(self) -> bytes:
        if self.kind == "regex":
            return prefilter(self.source).encode("utf-8")
        data = self.source.encode("utf-8")
        return b"".join(bytes([c]) if chr(c).isalnum() else b"\\x%02x" % c for c in data)

    @property
    def flags(self) -> int:
        return hyperscan.HS_FLAG_CASELESS if self.kind == "literal" else hyperscan.HS_FLAG_MULTILINE


def _atom_end(source: str, start: int) -> int:
    """Index just past the regex atom that starts at `start`."""
    if start >= len(source):
        return start
    char = source[start]
    if char == "\\":
        if source[start + 1: start + 2] in ("p", "P") and source[start + 2: start + 3] == "{":
            return source.index("}", start) + 1
        if source[start + 1: start + 2] == "x" and source[start + 2: start + 3] == "{":
            return source.index("}", start) + 1
        return start + (4 if source[start + 1: start + 2] == "x" else 2)
    if char == "[":
        i = start + 1
        i += source[i] == "^" if i < len(source) else 0
        i += source[i: i + 1] == "]"  # a ']' right after '[' or '[^' is literal
        while i < len(source) and source[i] != "]":
            i += 2 if source[i] == "\\" else 1
        return i + 1
    if char == "(":
        depth, i = 0, start
        while i < len(source):
            if source[i] == "\\":
                i += 2
                continue
            if source[i] == "[":
                i = _atom_end(source, i)
                continue
            depth += source[i] == "("
            depth -= source[i] == ")"
            i += 1
            if depth == 0:
                return i
        return i
    return start + 1


_BLANK = r"\t\x0b\x0c\r "  # \s without the line break


def _class_within_line(body: str) -> str:
    """A character class body that can no longer match a line break."""
    if body.startswith("^"):
        return body if r"\n" in body else body + r"\n"
    out, i = [], 0
    while i < len(body):
        end = _atom_end(body, i) if body[i] == "\\" else i + 1
        out.append(_BLANK if body[i:end] == r"\s" else body[i:end])
        i = end
    return "".join(out)


def within_line(source: str) -> str:
    r"""The same regex, unable to match across a line break.

    Hyperscan scans a whole block, where `\s`, `\W`, `\D` and negated classes also match
    the line break; RE2 reads one line. With those atoms kept inside the line, a line is
    matched by one engine exactly when it is by the other, so hits can be counted (and
    capped) before RE2 looks at them.
    """
    out, i = [], 0
    while i < len(source):
        char = source[i]
        end = _atom_end(source, i) if char in "\\[" else i + 1
        atom = source[i:end]
        if atom == r"\s":
            atom = f"[{_BLANK}]"
        elif atom in (r"\W", r"\D"):
            atom = f"[^\\{atom[1].lower()}\\n]"
        elif char == "[":
            atom = f"[{_class_within_line(atom[1:-1])}]"
        out.append(atom)
        i = end
    return "".join(out)


def prefilter(source: str) -> str:
    """The regex Hyperscan scans for: one that matches the same lines as the playbook's
    (see within_line and _without_optional_tail) or, when an anchor had to go, a superset
    (see _without_repeat_anchors)."""
    return _without_optional_tail(within_line(_without_repeat_anchors(source)))


def _without_repeat_anchors(source: str) -> str:
    r"""Hyperscan 5.4 (Vectorscan) drops matches of an anchor followed, at a fixed distance,
    by a repeat (`^\s*File` on " File", `^#\d+ \[` on "#1 [") when certain other patterns
    share the database; unrolling or bounding the repeat does not escape it, and costs scan
    time. Such anchors are left out, which only widens the match: the scan then has RE2
    confirm every line the widened regex matches (see engine/scan.py)."""
    out, i = [], 0
    while i < len(source):
        char = source[i]
        if char == "^" and _repeat_follows(source, i + 1):
            i += 1
            continue
        end = _atom_end(source, i) if char in "\\[" else i + 1
        out.append(source[i:end])
        i = end
    return "".join(out)


def _repeat_follows(source: str, i: int) -> bool:
    """Whether a quantified atom comes before the end of the branch that starts at i."""
    while i < len(source) and source[i] not in "|)":
        end = _atom_end(source, i)
        if source[end: end + 1] in ("*", "+", "?", "{"):
            return True
        i = end
    return False


def widened(expression: Expression) -> bool:
    """Whether the scanned form of a regex matches more lines than the regex itself."""
    if expression.kind != "regex":
        return False
    return _without_repeat_anchors(expression.source) != expression.source


def decided_by_scan(expression: Expression) -> bool:
    """Whether a Hyperscan match settles the expression on its line: a literal, or a regex
    without named groups that is not widened."""
    return expression.kind == "literal" or ("(?P<" not in expression.source and not widened(expression))


def _pieces(source: str) -> list[tuple[str, str]]:
    """Top-level (atom, quantifier) pairs; '|' stands alone."""
    pieces, i = [], 0
    while i < len(source):
        if source[i] == "|":
            pieces.append(("|", ""))
            i += 1
            continue
        end = _atom_end(source, i)
        q = end
        if q < len(source) and source[q] in "*+?":
            q += 1
        elif q < len(source) and source[q] == "{" and "}" in source[q:]:
            q = source.index("}", q) + 1
        if q > end and q < len(source) and source[q] == "?":
            q += 1  # lazy
        pieces.append((source[i:end], source[end:q]))
        i = q
    return pieces


def _optional(quantifier: str) -> bool:
    return quantifier[:1] in ("*", "?") or quantifier.startswith(("{0", "{,"))


_FLAG_GROUP = re.compile(r"\(\?[a-zA-Z]+[:)]")  # (?i) or (?i:...): not a group to trim inside


def _without_optional_tail(source: str) -> str:
    """Drop what may match nothing at the very end (`(?:/\\S*)?`, `[^\\n]*`) and repeat a
    final `+` atom once, also inside a final group: whether a line matches does not change,
    but Hyperscan reports every end offset of a match, and a greedy tail turns one match
    into a callback per character. RE2 still reads the whole regex, groups included."""
    pieces = _pieces(source)
    while len(pieces) > 1 and pieces[-2][0] != "|" and _optional(pieces[-1][1]) and not _optional(pieces[-2][1]):
        pieces.pop()
    atom, quantifier = pieces[-1] if pieces else ("", "")
    if quantifier[:1] == "+":
        pieces[-1] = (atom, "")
    elif not quantifier and atom.startswith("(") and not _FLAG_GROUP.match(atom):
        body_at = atom.index(">") + 1 if atom.startswith("(?P<") else 3 if atom.startswith("(?:") else 1
        pieces[-1] = (atom[:body_at] + _without_optional_tail(atom[body_at:-1]) + ")", "")
    return "".join(atom + quantifier for atom, quantifier in pieces)



class CompiledCatalog:
    """The catalog ready to scan with; pickled as the compiled-catalog cache."""

    def __init__(self, entries: Sequence[Entry], expressions: Sequence[Expression], refs: list[dict[str, list[int]]],
                 markers: dict[int, str], database: hyperscan.Database, window_database: hyperscan.Database | None,
                 radius: dict[int, int], main_ids: frozenset[int], window_ids: frozenset[int],
                 decided: frozenset[int], widened: frozenset[int]):
        self.entries = entries
        self.expressions = expressions
        self.refs = refs  # refs[i][role] = expression ids of playbook i's signals, in declaration order
        self.markers = markers  # expression id -> marker action
        # anchors, whole-log signals and facts, step markers: scanned over the whole log
        self.database = database
        # signals and facts within N lines of an anchor: scanned around the anchors only
        self.window_database = window_database
        self.radius = radius  # anchor expression id -> lines to keep on each side of its hits
        self.main_ids = main_ids  # the expressions in `database`
        self.window_ids = window_ids  # the expressions in `window_database`
        self.decided = decided  # regexes whose Hyperscan match settles them (decided_by_scan)
        self.widened = widened  # regexes scanned for a superset of their lines (widened)
        self._regexes: dict[int, LineRegex] = {}

    def regex(self, eid: int) -> LineRegex:
        program = self._regexes.get(eid)
        if program is None:
            program = self._regexes[eid] = LineRegex(self.expressions[eid].source)
        return program

    def lines_regex(self, eid: int) -> LineRegex:
        """The regex for a text of many lines: `^` and `$` at each line, no match across."""
        program = self._regexes.get(-1 - eid)
        if program is None:
            program = self._regexes[-1 - eid] = LineRegex("(?m)" + within_line(self.expressions[eid].source))
        return program

    def __getstate__(self):
        # Each playbook is stored on its own, in plain form, and unpickled when first used:
        # a log usually concerns a handful. YAML line numbers only serve load-time errors.
        entries = _Entries([(e.path, e.docs, pickle.dumps(_plain(e.playbook), protocol=pickle.HIGHEST_PROTOCOL))
                            for e in self.entries])
        # Thousands of expressions: two lists of strings unpickle several times faster.
        expressions = _Expressions([e.kind for e in self.expressions], [e.source for e in self.expressions])
        state = dict(self.__dict__, _regexes={}, entries=entries, expressions=expressions)
        for name in ("database", "window_database"):
            if state[name] is not None:
                state[name] = hyperscan.dumpb(state[name])
        return state

    def __setstate__(self, state):
        for name in ("database", "window_database"):
            if state[name] is not None:
                database = hyperscan.loadb(state[name], hyperscan.HS_MODE_BLOCK)
                database.scratch = hyperscan.Scratch(database)  # a loaded database comes without one
                state[name] = database
        self.__dict__.update(state)


def _plain(value):
    """A playbook as namespaces, lists and dicts with every field of the schema present.

    The engine only reads attributes, and the plain form unpickles without the schema
    library (msgspec), whose import would double the start-up of a small analysis.
    """
    fields = getattr(value, "__struct_fields__", None)
    if fields is not None:
        return SimpleNamespace(**{name: _plain(getattr(value, name)) for name in fields})
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class _Expressions(Sequence):
    """The catalog's expressions, stored as two lists; an Expression is made when asked for."""

    def __init__(self, kinds: list[str], sources: list[str]):
        self._kinds, self._sources = kinds, sources

    def __reduce__(self):
        return _Expressions, (self._kinds, self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __getitem__(self, i: int) -> Expression:
        return Expression(self._kinds[i], self._sources[i])


class _Entries(Sequence):
    """The catalog's entries, each decoded from its stored form on first use."""

    def __init__(self, stored: list[tuple[str, str, bytes]]):
        self._stored, self._decoded = stored, [None] * len(stored)

    def __reduce__(self):
        return _Entries, (self._stored,)

    def __len__(self) -> int:
        return len(self._stored)

    def __getitem__(self, i: int) -> Entry:
        entry = self._decoded[i]
        if entry is None:
            path, docs, playbook = self._stored[i]
            entry = self._decoded[i] = Entry(pickle.loads(playbook), path, docs)
        return entry


def compile_catalog(entries: list[Entry]) -> CompiledCatalog:
    ids: dict[Expression, int] = {}
    owners: dict[int, tuple[Entry, tuple]] = {}  # first place each expression came from

    def intern(expression: Expression, entry: Entry | None, where: tuple) -> int:
        if expression not in ids:
            ids[expression] = len(ids)
            if entry is not None:
                owners[ids[expression]] = (entry, where)
        return ids[expression]

    refs = []
    whole_log: set[int] = set()
    windowed: set[int] = set()
    radius: dict[int, int] = {}
    for entry in entries:
        match = entry.playbook.match
        roles: dict[str, list[int]] = {}
        scopes: list[tuple[int, object]] = []
        for role in ROLES:
            roles[role] = []
            for i, s in enumerate(getattr(match, role)):
                kind = "literal" if s.literal is not None else "regex"
                eid = intern(Expression(kind, s.source), entry, ("match", role, i, kind))
                roles[role].append(eid)
                scopes.append((eid, s.within))
        roles["facts"] = [
            intern(Expression("regex", f.regex), entry, ("facts", i, "regex"))
            for i, f in enumerate(entry.playbook.facts)
        ]
        scopes += [(eid, f.within) for eid, f in zip(roles["facts"], entry.playbook.facts)]
        reach = [within for _, within in scopes if isinstance(within, int)]
        for eid, within in scopes:
            (windowed if isinstance(within, int) else whole_log).add(eid)
        if reach:
            for eid in roles["any"]:
                radius[eid] = max(radius.get(eid, 0), *reach)
        refs.append(roles)
    markers = {intern(Expression("regex", source), None, ()): action for action, source in MARKERS}
    expressions = list(ids)
    main_ids = frozenset(whole_log | set(markers))
    database = _compile(expressions, sorted(main_ids), owners)
    window_database = _compile(expressions, sorted(windowed), owners) if windowed else None
    decided = frozenset(eid for eid, e in enumerate(expressions) if e.kind == "regex" and decided_by_scan(e))
    wide = frozenset(eid for eid, e in enumerate(expressions) if widened(e))
    return CompiledCatalog(entries, expressions, refs, markers, database, window_database, radius,
                           main_ids, frozenset(windowed), decided, wide)


def _compile(expressions: list[Expression], eids: list[int], owners) -> hyperscan.Database:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=[expressions[e].pattern for e in eids],
            ids=eids,
            elements=len(eids),
            flags=[expressions[e].flags for e in eids],
        )
    except hyperscan.error as exc:
        raise _blame(expressions, owners, exc) from None
    return database


def _blame(expressions, owners, exc) -> PlaybookError:
    """Find the expression Hyperscan refused and name its playbook file and line."""
    for eid, expression in enumerate(expressions):
        try:
            hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
                expressions=[expression.pattern], ids=[0], elements=1, flags=[expression.flags])
        except hyperscan.error as single:
            entry, where = owners.get(eid, (None, ()))
            if entry is None:
                return PlaybookError("<built-in>", None, str(single))
            return entry.error(f"pattern cannot be scanned in linear time: {single}", *where)
    return PlaybookError("<catalog>", None, f"the catalog does not compile: {exc}")


# -- the compiled-catalog cache ------------------------------------------------------------
# Parsing and compiling a full catalog costs far more than analysing a small log, so the
# compiled form is cached, keyed on every playbook file's path, size and modification time.


def cache_dir() -> Path | None:
    if os.environ.get("FAULTLINE_NO_CACHE"):
        return None
    if os.environ.get("FAULTLINE_CACHE_DIR"):
        return Path(os.environ["FAULTLINE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "faultline"


def _cache_key(packs: list[Path]) -> str:
    engine = os.stat(__file__)  # a changed compiler changes what it writes
    parts = [f"{__version__}|{hyperscan.__version__}|{engine.st_size}|{engine.st_mtime_ns}"]
    for pack in [BUNDLED, *packs]:
        parts.append(f"pack:{pack.resolve()}")
        for path in pack_files(pack):
            stat = os.stat(path)
            parts.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    # Two checksums over every file's size and mtime: a cache key, not a security boundary,
    # and zlib costs nothing to import where hashlib costs milliseconds.
    signature = "\0".join(parts).encode()
    return f"{zlib.crc32(signature):08x}{zlib.adler32(signature):08x}{len(signature):x}"


def load_compiled(packs: list[Path] | None = None) -> CompiledCatalog:
    packs = packs or []
    directory = cache_dir()
    cached = directory / f"catalog-{_cache_key(packs)}.pickle" if directory else None
    if cached is not None:
        try:
            with cached.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a missing, stale or unreadable cache is simply rebuilt
            pass
    from faultline.catalog.loader import load_catalog  # YAML and the schema: only on a cache miss

    compiled = compile_catalog(load_catalog(packs))
    if cached is not None:
        _write_atomically(cached, pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
        _forget_old(cached.parent)
    return compiled


def _forget_old(directory: Path, keep: int = 8) -> None:
    """Keep the most recently written compiled catalogs only (one per set of packs)."""
    try:
        pickles = sorted(directory.glob("catalog-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in pickles[keep:]:
            stale.unlink()
    except OSError:
        pass  # another process got there first, or the cache is read-only


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only a cache miss writes

        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home only costs speed
