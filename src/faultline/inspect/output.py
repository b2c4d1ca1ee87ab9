"""A report as text: terminal (default), json, sarif (SARIF 2.1.0), github (workflow annotations)."""

from __future__ import annotations

import json
import textwrap
from pathlib import PurePath
from urllib.parse import quote

from faultline import __version__
from faultline.inspect.findings import Report
from faultline.inspect.rules import RULES, Rule
from faultline.render.style import Style

FORMATS = ("terminal", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report, fmt: str, style: Style | None = None) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return github(report)
    return terminal(report, style or Style())


def terminal(report: Report, s: Style) -> str:
    out = []
    for f in report.findings:
        rule = RULES[f.rule]
        colour = "red" if rule.level == "error" else "yellow"
        out.append(f"{s(f'{f.file}:{f.line}:{f.col}:', 'bold')} {s(f.rule, colour, 'bold')} {f.message}")
        out.append(s(f"    fix: {rule.fix_summary}", "dim"))
    counts = {}
    for f in report.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    files = len({f.file for f in report.findings})
    if report.findings:
        by_rule = ", ".join(f"{rule} {RULES[rule].name} ×{n}" for rule, n in sorted(counts.items()))
        count = len(report.findings)
        summary = f"{count} finding{'s' * (count != 1)} in {files} file{'s' * (files != 1)} ({by_rule})"
    else:
        summary = "No test-isolation problems found"
    summary += f"; {report.files} Python file{'s' * (report.files != 1)} inspected"
    if report.problems:
        summary += f", {len(report.problems)} could not be read"
    if report.suppressed:
        summary += f", {report.suppressed} suppressed"
    out += ["", summary + "."] if report.findings else [summary + "."]
    if report.findings:
        out.append(s("A rule's page: faultline inspect --explain FL001", "dim"))
    return "\n".join(out) + "\n"


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github(report: Report) -> str:
    """GitHub Actions workflow commands: one annotation per finding and per unreadable file."""
    out = []
    for f in report.findings:
        rule = RULES[f.rule]
        props = f"file={_escape(f.file, True)},line={f.line},col={f.col},title={_escape(f'{f.rule} {rule.name}', True)}"
        out.append(f"::{rule.level} {props}::{_escape(f.message)}")
    for p in report.problems:
        where = f"file={_escape(p.file, True)}" + (f",line={p.line}" if p.line else "")
        out.append(f"::warning {where}::{_escape(p.message)}")
    return "".join(line + "\n" for line in out)


def _artifact(path: str) -> dict:
    """A relative path is relative to the source root (%SRCROOT%); an absolute one is a file URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(pure.as_posix())}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def _rule_descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": " ".join(rule.fix.split()), "markdown": page_markdown(rule)},
        "defaultConfiguration": {"level": rule.level},
        "properties": {"tags": ["test-isolation", "database"]},
    }


def sarif(report: Report) -> dict:
    ids = sorted(RULES)
    index = {rule_id: i for i, rule_id in enumerate(ids)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": RULES[f.rule].level,
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _artifact(f.file),
                    "region": {"startLine": f.line, "startColumn": f.col},
                },
            }],
        }
        for f in report.findings
    ]
    notifications = [
        {
            "level": "warning",
            "message": {"text": p.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(p.file),
                **({"region": {"startLine": p.line}} if p.line else {}),
            }}],
        }
        for p in report.problems
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "faultline",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(RULES[rule_id]) for rule_id in ids],
            }},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def page_markdown(rule: Rule) -> str:
    """A rule's page: what it detects, why, an example, the fix, what it leaves alone."""
    return "\n".join([
        f"# {rule.id} {rule.name}",
        "",
        f"*{rule.title}.*",
        "",
        "## What it detects",
        "",
        rule.what,
        "",
        "## Why it matters",
        "",
        rule.why,
        "",
        "## Example",
        "",
        "```python",
        rule.example,
        "```",
        "",
        "## Fix",
        "",
        rule.fix,
        "",
        "```python",
        rule.fixed,
        "```",
        "",
        "## Not flagged",
        "",
        rule.not_flagged,
        "",
        "## Suppressing",
        "",
        f"Add `# faultline: ignore[{rule.id}] <why it does not apply>` to the line of the finding.",
    ]) + "\n"


def page_terminal(rule: Rule, s: Style) -> str:
    out = [s(f"{rule.id} {rule.name}", "bold"), s(rule.title, "dim")]
    for title, body, code in (
        ("What it detects", rule.what, None), ("Why it matters", rule.why, None),
        ("Example", None, rule.example), ("Fix", rule.fix, rule.fixed), ("Not flagged", rule.not_flagged, None),
    ):
        out += ["", s(title.upper(), "bold", "cyan")]
        if body:
            out += textwrap.wrap(" ".join(body.split()), 96, initial_indent="  ", subsequent_indent="  ")
        if code:
            out += ["", *("    " + line for line in code.splitlines())]
    return "\n".join(out) + "\n"

