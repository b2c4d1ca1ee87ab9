"""Markdown for analyses (PR comments, job summaries) and playbook pages (docs/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faultline.engine.result import Analysis

if TYPE_CHECKING:  # pages need the playbook schema; analyses do not
    from faultline.render.page import Section


def _code(text: str) -> str:
    fence = "`` " if "`" in text else "`"
    return f"{fence}{text}{fence[::-1]}"


def render_analysis(analysis: Analysis) -> str:
    if not analysis.matched:
        return f"**Faultline**: no known failure recognised in `{analysis.source}` ({analysis.lines} lines).\n"
    out = [f"## Faultline: {analysis.source}", ""]
    for d in analysis.diagnoses:
        out += [
            f"### {d.rank}. {d.title} (`{d.id}`)",
            "",
            f"*{d.category} · {d.severity} · confidence {d.confidence:.2f}*",
            "",
            d.explanation,
            "",
            "**Evidence**",
            "",
            "```text",
            *[f"{e.line:>6} | {e.text}" + (f"    [{e.step}]" if e.step else "") for e in d.evidence],
            "```",
            "",
        ]
        if d.facts:
            out += ["| fact | value |", "|---|---|"]
            for key, value in d.facts.items():
                shown = ", ".join(value) if isinstance(value, list) else value
                cell = _code(shown).replace("|", "\\|")
                out.append(f"| {key} | {cell} |")
            out.append("")
        if d.suspects:
            out += ["**Suspects in the repository**", ""]
            out += [f"- `{x.file}:{x.line}:{x.col}` {x.rule}: {x.message}" for x in d.suspects]
            out.append("")
        if d.fix:
            out += ["**Fix**", "", *[f"{i}. {step}" for i, step in enumerate(d.fix, 1)], ""]
        if d.repro:
            out += ["**Reproduce locally**", "", "```sh", *d.repro, "```", ""]
    return "\n".join(out)


def render_page(title: str, meta: str, sections: list[Section], footer: str = "") -> str:
    out = [f"# {title}", "", f"*{meta}*"]
    for section in sections:
        out += ["", f"## {section.title}", ""]
        if section.kind == "text":
            out.append(section.body)
        elif section.kind == "list":
            out += [f"- {item}" for item in section.body]
        elif section.kind == "steps":
            out += [f"{i}. {item}" for i, item in enumerate(section.body, 1)]
        elif section.kind == "commands":
            out += ["```sh", *section.body, "```"]
        elif section.kind == "signals":
            for heading, items in section.body:
                out += [f"**{heading}**", "", *[f"- {item}" for item in items], ""]
        elif section.kind == "fix":
            n = 0
            for heading, steps in section.body:
                if heading:
                    out += ["", f"**{heading}**", ""]
                for step in steps:
                    n += 1
                    out.append(f"{n}. {step}")
    if footer:
        out += ["", "---", "", f"*{footer}*"]
    return "\n".join(out).rstrip() + "\n"
