"""Compile every pattern of the catalog once, into one Hyperscan database.

Identical patterns shared by several playbooks are compiled once. Step markers ride in the
same database, so a log is read exactly once. Each expression is either a case-insensitive
literal or a regex; both are matched on the bytes of one line. A regex that Hyperscan
cannot compile (back-references, look-around, empty matches) is a load error: the scan is
linear in the size of the log, whatever the catalog holds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import hyperscan

from faultline import __version__
from faultline.catalog.loader import BUNDLED, Entry, load_catalog, pack_files
from faultline.catalog.regex import compile_regex
from faultline.errors import PlaybookError
from faultline.logs.steps import MARKERS

ROLES = ("any", "all", "none", "context")


@dataclass(frozen=True)
class Expression:
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
        i += 1  # a ']' right after '[' or '[^' is literal
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


def prefilter(source: str) -> str:
    """The regex Hyperscan scans for: the playbook's own, or a superset of it.

    Hyperscan 5.4 (Vectorscan) drops matches of a `^` followed by a repeated atom
    (`^\\s*File`, `^\\s+at `) when certain other patterns share the database. Such anchors are
    left out here, which only widens the match; RE2 then confirms the exact regex on the
    line, so the result is the same and nothing is lost.
    """
    out, i = [], 0
    while i < len(source):
        char = source[i]
        if char == "^":
            end = _atom_end(source, i + 1)
            if source[end: end + 1] in ("*", "+", "?", "{"):
                i += 1
                continue
        end = _atom_end(source, i) if char in "\\[" else i + 1
        out.append(source[i:end])
        i = end
    return _without_optional_tail("".join(out))


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


def _without_optional_tail(source: str) -> str:
    """Drop what may match nothing at the very end (`(?:/\\S*)?`, `[^\\n]*`) and repeat a
    final `+` atom once: whether a line matches does not change, but Hyperscan reports
    every end offset of a match, and a greedy tail turns one match into a callback per
    character. RE2 still reads the whole regex, groups included, on the line."""
    pieces = _pieces(source)
    while len(pieces) > 1 and pieces[-2][0] != "|" and _optional(pieces[-1][1]) and not _optional(pieces[-2][1]):
        pieces.pop()
    if len(pieces) > 1 and pieces[-1][1][:1] == "+" and pieces[-2][0] != "|":
        pieces[-1] = (pieces[-1][0], "")
    return "".join(atom + quantifier for atom, quantifier in pieces)


@dataclass
class CompiledCatalog:
    entries: list[Entry]
    expressions: list[Expression]
    # refs[i][role] = expression ids of playbook i's signals, in declaration order
    refs: list[dict[str, list[int]]]
    markers: dict[int, str]  # expression id -> marker action
    database: hyperscan.Database = field(repr=False)
    _regexes: dict = field(default_factory=dict, repr=False)

    def regex(self, eid: int):
        program = self._regexes.get(eid)
        if program is None:
            program = self._regexes[eid] = compile_regex(self.expressions[eid].source)
        return program

    def __getstate__(self):
        # YAML line numbers only serve load-time errors: the cache leaves them out.
        entries = [replace(e, lines={}) for e in self.entries]
        state = dict(self.__dict__, _regexes={}, entries=entries)
        state["database"] = hyperscan.dumpb(self.database)
        return state

    def __setstate__(self, state):
        database = hyperscan.loadb(state["database"], hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)  # a loaded database comes without one
        state["database"] = database
        self.__dict__.update(state)


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
    for entry in entries:
        match = entry.playbook.match
        roles: dict[str, list[int]] = {}
        for role in ROLES:
            roles[role] = [
                intern(Expression("literal" if s.literal is not None else "regex", s.source), entry,
                       ("match", role, i, "literal" if s.literal is not None else "regex"))
                for i, s in enumerate(getattr(match, role))
            ]
        roles["facts"] = [
            intern(Expression("regex", f.regex), entry, ("facts", i, "regex"))
            for i, f in enumerate(entry.playbook.facts)
        ]
        refs.append(roles)
    markers = {intern(Expression("regex", source), None, ()): action for action, source in MARKERS}
    expressions = list(ids)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=[e.pattern for e in expressions],
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=[e.flags for e in expressions],
        )
    except hyperscan.error as exc:
        raise _blame(expressions, owners, exc) from None
    return CompiledCatalog(entries, expressions, refs, markers, database)


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
    digest = hashlib.sha256(f"{__version__}|{hyperscan.__version__}".encode())
    for pack in [BUNDLED, *packs]:
        digest.update(f"\0pack:{pack.resolve()}".encode())
        for path in pack_files(pack):
            stat = path.stat()
            digest.update(f"\0{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


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
    compiled = compile_catalog(load_catalog(packs))
    if cached is not None:
        _write_atomically(cached, pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    return compiled


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home only costs speed
