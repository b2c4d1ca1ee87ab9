"""Loading playbooks from YAML, strictly, with file:line in every error, and composing packs.

Packs are directories of `<category>/<id>.yaml` files. The bundled pack comes first; each
extra pack (--playbooks, FAULTLINE_PLAYBOOKS) is laid on top: a playbook whose ID already
exists replaces it, a new ID is added. Two files with the same ID inside one pack is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from faultline.catalog.model import Playbook, Signal
from faultline.catalog.packs import BUNDLED, Entry, pack_files
from faultline.catalog.regex import RegexError, compile_regex, group_names
from faultline.errors import PlaybookError

Location = tuple  # a path into the YAML document, e.g. ("match", "any", 0, "regex")


def _index_lines(node, path: Location, lines: dict, file: str) -> None:
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                raise PlaybookError(file, key.start_mark.line + 1, f"duplicate key '{name}'")
            seen.add(name)
            lines[path + (name,)] = key.start_mark.line + 1
            _index_lines(value, path + (name,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, path + (i,), lines, file)


def _parse_yaml(text: str, file: str) -> tuple[object, dict]:
    import yaml  # only needed when the compiled-catalog cache misses

    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PlaybookError(file, None, "the file is empty")
        lines: dict = {}
        _index_lines(node, (), lines, file)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlaybookError(file, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise PlaybookError(file, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


_MSGSPEC_PATH = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _schema_error(exc: msgspec.ValidationError, file: str, lines: dict) -> PlaybookError:
    message = str(exc)
    location: tuple = ()
    if " - at `$" in message:
        message, _, where = message.partition(" - at `")
        for key, index in _MSGSPEC_PATH.findall(where.rstrip("`")):
            location += (key,) if key else (int(index),)
    unknown = re.match(r"Object contains unknown field `([^`]+)`", message)
    if unknown:
        location += (unknown.group(1),)
        message = f"unknown key '{unknown.group(1)}'"
    missing = re.match(r"Object missing required field `([^`]+)`", message)
    if missing:
        message = f"missing required field '{missing.group(1)}'"
    if message == "Expected `str`, got `object`":
        # The usual cause: an unquoted list item containing ": " reads as a mapping in YAML.
        message += "; text containing ': ' must be quoted"
    where = ".".join(str(p) for p in location)
    line = None
    while location and line is None:
        line, location = lines.get(location), location[:-1]
    return PlaybookError(file, line or lines.get(()), f"{message} (at {where})" if where else message)


def _check_signal(entry: Entry, signal: Signal, role: str, index: int) -> None:
    where = ("match", role, index)
    if (signal.literal is None) == (signal.regex is None):
        raise entry.error("a signal needs exactly one of 'literal' or 'regex'", *where)
    if not signal.source:
        raise entry.error("a signal's pattern is empty", *where)
    if role == "any" and signal.within is not None:
        raise entry.error("'within' has no meaning on an 'any' signal (it is the anchor)", *where, "within")
    if role != "any" and signal.within is None:
        raise entry.error(f"an '{role}' signal must state its scope: 'within: N' lines or 'within: log'", *where)
    if role in ("any", "context") and signal.weight is None:
        raise entry.error(f"an '{role}' signal needs a 'weight' between 0 and 1", *where)
    if role == "none" and (signal.weight is not None or signal.set):
        raise entry.error("a 'none' signal excludes; it takes no 'weight' or 'set'", *where)
    if signal.regex is not None:
        check_regex(entry, signal.regex, *where, "regex")


def check_regex(entry: Entry, pattern: str, *where):
    try:
        return compile_regex(pattern)
    except RegexError as exc:
        raise entry.error(f"regex does not compile in linear time (RE2): {exc}", *where) from None


def _check(entry: Entry) -> None:
    book = entry.playbook
    if not book.match.any:
        raise entry.error("'match.any' needs at least one trigger signal", "match", "any")
    for role in ("any", "all", "none", "context"):
        for i, signal in enumerate(getattr(book.match, role)):
            _check_signal(entry, signal, role, i)
    for i, fact in enumerate(book.facts):
        if not group_names(check_regex(entry, fact.regex, "facts", i, "regex")):
            raise entry.error("a fact regex needs at least one named group (?P<name>...)", "facts", i, "regex")


def load_playbook(path: Path, docs: str | None = None) -> Entry:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(file, None, f"cannot read playbook: {exc}") from None
    data, lines = _parse_yaml(text, file)
    if not isinstance(data, dict):
        raise PlaybookError(file, lines.get(()), "a playbook must be a mapping of keys")
    try:
        book = msgspec.convert(data, Playbook)
    except msgspec.ValidationError as exc:
        raise _schema_error(exc, file, lines) from None
    entry = Entry(book, file, docs or file, lines)
    _check(entry)
    return entry


def load_pack(directory: Path, bundled: bool = False) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for path in pack_files(directory):
        docs = f"playbooks/{path.relative_to(directory).as_posix()}" if bundled else None
        entry = load_playbook(path, docs)
        other = entries.get(entry.playbook.id)
        if other:
            raise entry.error(f"duplicate playbook id '{entry.playbook.id}' (also in {other.path})", "id")
        entries[entry.playbook.id] = entry
    return list(entries.values())


def compose(packs: list[list[Entry]]) -> list[Entry]:
    """Later packs override earlier ones by ID; the result is ordered by ID."""
    by_id: dict[str, Entry] = {}
    for pack in packs:
        for entry in pack:
            by_id[entry.playbook.id] = entry
    return [by_id[key] for key in sorted(by_id)]


def load_catalog(extra: list[Path] | None = None, bundled: bool = True) -> list[Entry]:
    packs = [load_pack(BUNDLED, bundled=True)] if bundled else []
    packs += [load_pack(Path(d)) for d in extra or []]
    return compose(packs)
