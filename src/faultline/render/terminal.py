"""Human-readable terminal output for analyses and playbook pages."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from faultline.engine.result import Analysis, Diagnosis
from faultline.render.style import SEVERITY_COLOUR, Style

if TYPE_CHECKING:  # pages need the playbook schema; analyses do not
    from faultline.render.page import Section

WIDTH = 100


def _wrap(text: str, indent: str) -> list[str]:
    out = []
    for paragraph in text.strip().split("\n\n"):
        lines = paragraph.splitlines()
        if any(line.startswith((" ", "\t")) for line in lines):  # preformatted: keep as is
            out += [indent + line for line in lines]
        else:
            out += textwrap.wrap(" ".join(lines), WIDTH, initial_indent=indent, subsequent_indent=indent)
        out.append("")
    return out[:-1]


def _heading(d: Diagnosis, s: Style) -> str:
    return (
        f"{s(f'{d.rank}.', 'bold')} {s(d.title, 'bold')}  {s(f'[{d.id}]', 'cyan')}\n"
        f"   {d.category} · {s(d.severity, SEVERITY_COLOUR[d.severity])} · confidence {d.confidence:.2f}"
    )


def _evidence(d: Diagnosis, s: Style) -> list[str]:
    width = len(str(max(e.line for e in d.evidence)))
    out = [f"   {s('Evidence', 'bold')}"]
    for e in d.evidence:
        step = s(f"  ({e.step})", "dim") if e.step else ""
        out.append(f"     {s(str(e.line).rjust(width), 'dim')} │ {e.text}{step}")
    return out


def diagnosis_block(d: Diagnosis, s: Style, full: bool) -> list[str]:
    out = [_heading(d, s)]
    if not full:
        first = d.evidence[0]
        out.append(f"   line {first.line}: {first.text}")
        return out
    out += ["", *_wrap(d.explanation, "   "), "", *_evidence(d, s)]
    if d.facts:
        out += ["", f"   {s('Facts', 'bold')}"]
        width = max(len(k) for k in d.facts)
        for key, value in d.facts.items():
            shown = ", ".join(value) if isinstance(value, list) else value
            out.append(f"     {key.ljust(width)}  {shown}")
    if d.suspects:
        out += ["", f"   {s('Suspects in the repository', 'bold')}"]
        out += [f"     {x.file}:{x.line}:{x.col}  {s(x.rule, 'cyan')}  {x.message}" for x in d.suspects]
    if d.fix:
        out += ["", f"   {s('Fix', 'bold')}"]
        out += [f"     {i}. {step}" for i, step in enumerate(d.fix, 1)]
    if d.repro:
        out += ["", f"   {s('Reproduce locally', 'bold')}"]
        out += [f"     $ {command}" for command in d.repro]
    out += ["", s(f"   More: faultline explain {d.id}   ({d.docs})", "dim")]
    return out


def render_analysis(analysis: Analysis, style: Style | None = None) -> str:
    s = style or Style()
    if not analysis.matched:
        return (
            f"No known failure recognised in {analysis.source} ({analysis.lines} lines).\n"
            "Faultline reports nothing rather than guess.\n"
        )
    out = [s(f"faultline: {analysis.source} ({analysis.lines} lines)", "dim"), ""]
    for d in analysis.diagnoses:
        if d.rank == 2:
            out += ["", s("Other candidates", "bold")]
        out += diagnosis_block(d, s, full=d.rank == 1)
        out.append("")
    return "\n".join(out)


def render_fix(analysis: Analysis, style: Style | None = None) -> str:
    s = style or Style()
    top = analysis.top
    if top is None:
        return f"No known failure recognised in {analysis.source}; no fix to suggest.\n"
    lines = [f"{s(top.title, 'bold')}  {s(f'[{top.id}]', 'cyan')}"]
    lines += [f"{i}. {step}" for i, step in enumerate(top.fix, 1)]
    return "\n".join(lines) + "\n"


def render_page(title: str, meta: str, sections: list[Section], style: Style | None = None) -> str:
    s = style or Style()
    out = [s(title, "bold"), s(meta, "dim")]
    for section in sections:
        out += ["", s(section.title.upper(), "bold", "cyan")]
        if section.kind == "text":
            out += _wrap(section.body, "  ")
        elif section.kind in ("list",):
            out += [f"  • {item}" for item in section.body]
        elif section.kind == "steps":
            out += [f"  {i}. {item}" for i, item in enumerate(section.body, 1)]
        elif section.kind == "commands":
            out += [f"  $ {item}" for item in section.body]
        elif section.kind == "signals":
            for heading, items in section.body:
                out.append(f"  {heading}")
                out += [f"    - {item}" for item in items]
        elif section.kind == "fix":
            n = 0
            for heading, steps in section.body:
                if heading:
                    out.append(f"  {s(heading, 'bold')}")
                for step in steps:
                    n += 1
                    out.append(f"  {n}. {step}")
    return "\n".join(out) + "\n"
