"""The playbook schema: what a playbook YAML file may contain, strictly.

Unknown keys, wrong types and missing required fields are load errors. The JSON Schema
that editors use (`faultline schema`) is generated from these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import msgspec
from msgspec import Meta, Struct

Weight = Annotated[float, Meta(ge=0.0, le=1.0)]
Lines = Annotated[int, Meta(ge=0, le=10_000)]
Scope = Union[Lines, Literal["log"]]
Severity = Literal["low", "medium", "high", "critical"]
Name = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]
Id = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class _Strict(Struct, forbid_unknown_fields=True, omit_defaults=True, frozen=True):
    pass


class Signal(_Strict):
    """One pattern: exactly one of `literal` (case-insensitive substring) or `regex`.

    Regexes use RE2 syntax, are case-sensitive unless they start with (?i), and match
    within one line. Named groups `(?P<name>...)` become facts.
    """

    literal: str | None = None
    regex: str | None = None
    weight: Weight | None = None
    within: Scope | None = None
    label: str | None = None
    set: dict[Name, str] = {}

    @property
    def source(self) -> str:
        return self.literal if self.literal is not None else self.regex or ""


class Match(_Strict):
    """`any`: triggers (one must match; each occurrence is a candidate anchor line).
    `all`: every one must match within its scope of the anchor.
    `none`: none may match within its scope of the anchor.
    `context`: optional corroboration within its scope; adds its weight when present.
    """

    any: list[Signal]
    all: list[Signal] = []
    none: list[Signal] = []
    context: list[Signal] = []


class Fact(_Strict):
    """A named value pulled from the log by a regex with named groups.

    The occurrence nearest to the anchor line within `within` is used; with
    `collect: true` every distinct value (in log order) is kept as a list.
    """

    regex: str
    within: Scope
    collect: bool = False


class FixGroup(_Strict):
    """Fix steps that apply when the facts say so, e.g. `when: {framework: django}`."""

    steps: list[str]
    title: str | None = None
    when: dict[Name, Union[str, list[str]]] = {}


class Playbook(_Strict):
    id: Id
    title: str
    category: str
    severity: Severity
    summary: str
    diagnosis: str
    fix: list[Union[str, FixGroup]]
    match: Match
    tags: list[str] = []
    validation: list[str] = []
    why_it_matters: str = ""
    prevention: list[str] = []
    repro: list[str] = []
    facts: list[Fact] = []


def json_schema() -> dict:
    return msgspec.json.schema(Playbook)
