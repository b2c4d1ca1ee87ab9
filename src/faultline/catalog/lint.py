"""`faultline lint`: everything wrong with a set of playbooks, each with file:line.

Loading already rejects what cannot work (schema, unknown keys, regexes RE2 refuses); lint
collects those per file instead of stopping at the first, and adds what loads but is wrong:
duplicate IDs, patterns Hyperscan cannot scan, literals that look like regexes, a pattern
both required and excluded, placeholders no signal or fact provides, a category that does
not match the playbook's directory.
"""

from __future__ import annotations

import re
from pathlib import Path

from faultline.catalog import template
from faultline.catalog.loader import load_playbook
from faultline.catalog.packs import BUNDLED, Entry, pack_files
from faultline.catalog.model import FixGroup
from faultline.catalog.regex import compile_regex, group_names
from faultline.engine.compiler import compile_catalog
from faultline.errors import PlaybookError

REGEX_LOOKING = re.compile(r"\.\*|\\[dswbDSW]|\[[^\]]+\]\+|\(\?|\$$|^\^")
MIN_LITERAL = 6  # a shorter literal is too generic to point at a failure class


def _provided_facts(entry: Entry) -> set[str]:
    book, names = entry.playbook, set()
    for role in ("any", "all", "context"):
        for signal in getattr(book.match, role):
            names |= set(signal.set)
            if signal.regex is not None:
                names |= group_names(compile_regex(signal.regex))
    for fact in book.facts:
        names |= group_names(compile_regex(fact.regex))
    return names


def _texts(entry: Entry):
    book = entry.playbook
    yield ("summary",), book.summary
    yield ("diagnosis",), book.diagnosis
    yield ("why_it_matters",), book.why_it_matters
    for i, item in enumerate(book.fix):
        steps = item.steps if isinstance(item, FixGroup) else [item]
        for step in steps:
            yield ("fix", i), step
    for field in ("validation", "prevention", "repro"):
        for i, text in enumerate(getattr(book, field)):
            yield (field, i), text


def check_entry(entry: Entry, directory: Path | None) -> list[str]:
    problems = []
    book = entry.playbook

    def report(message: str, *where) -> None:
        problems.append(str(entry.error(message, *where)))

    try:
        compile_catalog([entry])
    except PlaybookError as exc:
        problems.append(str(exc))
    if directory is not None:
        folder = Path(entry.path).parent.name
        if Path(entry.path).parent != directory and folder != book.category:
            report(f"category '{book.category}' does not match its directory '{folder}'", "category")
    if Path(entry.path).stem != book.id:
        report(f"id '{book.id}' does not match the file name '{Path(entry.path).name}'", "id")
    seen: dict[tuple, tuple] = {}
    for role in ("any", "all", "context", "none"):
        for i, signal in enumerate(getattr(book.match, role)):
            key = ("literal" if signal.literal is not None else "regex", signal.source.lower())
            if key in seen:
                other = seen[key]
                both = {other[0], role}
                if "none" in both and both & {"any", "all"}:
                    report(f"the same pattern is both required ({other[0]}) and excluded (none)", "match", role, i)
                else:
                    report(f"pattern repeated in match.{other[0]}[{other[1]}]", "match", role, i)
            seen[key] = (role, i)
            if signal.literal is not None:
                if "\n" in signal.literal:
                    report("a literal cannot contain a line break: patterns match within one line", "match", role, i)
                if REGEX_LOOKING.search(signal.literal):
                    report("this literal looks like a regex; use 'regex:' if it is one", "match", role, i, "literal")
                if role in ("any", "all") and len(signal.literal.strip()) < MIN_LITERAL:
                    report(f"literal shorter than {MIN_LITERAL} characters is too generic to decide", "match", role, i)
    provided = _provided_facts(entry)
    for where, text in _texts(entry):
        for name in sorted(set(template.names(text)) - provided):
            report(f"placeholder '{name}' names a fact no signal or fact regex provides", *where)
    return problems


def lint(directories: list[Path] | None = None) -> list[str]:
    """Problems found in the given packs (the bundled catalog by default), sorted."""
    problems: list[str] = []
    for directory in directories or [BUNDLED]:
        try:
            files = pack_files(directory)
        except PlaybookError as exc:
            problems.append(str(exc))
            continue
        ids: dict[str, str] = {}
        for path in files:
            try:
                entry = load_playbook(path)
            except PlaybookError as exc:
                problems.append(str(exc))
                continue
            if entry.playbook.id in ids:
                problems.append(str(entry.error(f"duplicate playbook id (also in {ids[entry.playbook.id]})", "id")))
            ids[entry.playbook.id] = entry.path
            problems += check_entry(entry, directory)
    return problems
