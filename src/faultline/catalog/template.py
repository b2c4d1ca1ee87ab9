"""Fact placeholders in playbook text: `{{ name }}` or `{{ name | fallback }}`.

A unit of text (a paragraph, a fix step, a repro command) that needs a fact the log did not
provide, and gives no fallback, is left out rather than shown with a hole in it.
"""

from __future__ import annotations

import re

# `${{ ... }}` is GitHub Actions syntax, never ours.
PLACEHOLDER = re.compile(r"(?<!\$)\{\{\s*([a-z][a-z0-9_]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}")


def names(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def _value(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value


def fill(text: str, facts: dict) -> str | None:
    """Text with facts substituted, or None when a needed fact is missing."""
    missing = False

    def substitute(m: re.Match) -> str:
        nonlocal missing
        name, fallback = m.group(1), m.group(2)
        if name in facts:
            return _value(facts[name])
        if fallback is not None:
            return fallback
        missing = True
        return ""

    filled = PLACEHOLDER.sub(substitute, text)
    return None if missing else filled


def show_placeholders(text: str) -> str:
    """Text for reading without a log: each placeholder shown as <name>."""
    return PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", text)


def paragraphs(text: str) -> list[str]:
    """Paragraphs with their hard line breaks removed; indented (preformatted) ones kept."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.splitlines()
        preformatted = any(line[:1] in (" ", "\t") for line in lines[1:])
        found.append(paragraph if preformatted else " ".join(line.strip() for line in lines))
    return found


def fill_paragraphs(text: str, facts: dict) -> str:
    filled = (fill(p, facts) for p in paragraphs(text))
    return "\n\n".join(p for p in filled if p)


def show_paragraphs(text: str) -> str:
    return "\n\n".join(show_placeholders(p) for p in paragraphs(text))
