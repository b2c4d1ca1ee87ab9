"""A playbook as a page: the sections a reader needs, in the order they need them.

Shared by `faultline explain` (terminal, markdown, json) and the docs builder, so every
rendering of a playbook says the same things in the same order.
"""

from __future__ import annotations

from typing import NamedTuple

from faultline.catalog import template
from faultline.catalog.model import FixGroup, Signal
from faultline.catalog.packs import Entry

ROLE_NAMES = {
    "any": "Triggers (any one starts a diagnosis)",
    "all": "Required (all must be present)",
    "context": "Corroborating context (raises confidence)",
    "none": "Exclusions (any one vetoes)",
}


class Section(NamedTuple):
    title: str
    kind: str  # "text", "list", "steps", "commands", "signals", "fix"
    body: object


def describe_signal(signal: Signal) -> str:
    kind = "literal" if signal.literal is not None else "regex"
    scope = ""
    if signal.within == "log":
        scope = ", anywhere in the log"
    elif signal.within is not None:
        scope = f", within {signal.within} lines"
    weight = f", weight {signal.weight:g}" if signal.weight is not None else ""
    label = f"{signal.label}: " if signal.label else ""
    return f"{label}{kind} `{signal.source}`{weight}{scope}"


def sections(entry: Entry) -> list[Section]:
    book = entry.playbook
    shown = template.show_placeholders
    signals = [
        (ROLE_NAMES[role], [describe_signal(s) for s in getattr(book.match, role)])
        for role in ("any", "all", "context", "none")
        if getattr(book.match, role)
    ]
    fix = []
    for item in book.fix:
        if isinstance(item, FixGroup):
            title = item.title or ", ".join(f"{k}={v}" for k, v in item.when.items()) or None
            fix.append((title, [shown(s) for s in item.steps]))
        elif fix and fix[-1][0] is None:
            fix[-1][1].append(shown(item))
        else:
            fix.append((None, [shown(item)]))
    found = [
        Section("What it means", "text", template.show_paragraphs(book.summary)),
        Section("Signals it matches", "signals", signals),
        Section("Diagnosis", "text", template.show_paragraphs(book.diagnosis)),
        Section("Fix", "fix", fix),
        Section("Validation", "steps", [shown(v) for v in book.validation]),
        Section("Why it matters", "text", template.show_paragraphs(book.why_it_matters)),
        Section("Prevention", "list", [shown(p) for p in book.prevention]),
        Section("Try it locally", "commands", [shown(r) for r in book.repro]),
    ]
    return [s for s in found if s.body]


def meta(entry: Entry) -> str:
    book = entry.playbook
    tags = f" · {', '.join(book.tags)}" if book.tags else ""
    return f"{book.id} · {book.category} · severity {book.severity}{tags}"


def footer(entry: Entry) -> str:
    return f"Generated from {entry.docs}; do not edit."


def page_dict(entry: Entry) -> dict:
    book = entry.playbook
    return {
        "id": book.id,
        "title": book.title,
        "category": book.category,
        "severity": book.severity,
        "tags": list(book.tags),
        "source": entry.docs,
        "sections": [{"title": s.title, "kind": s.kind, "body": s.body} for s in sections(entry)],
    }
