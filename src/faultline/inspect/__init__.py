"""`faultline inspect`: find test-isolation bugs in a project's source before CI does.

Static detectors over the Python AST and the pytest/CI configuration (nothing is imported
or run): one rule per failure the database-test-isolation playbook explains from a log.

    report = inspect_path(Path("."))
    for finding in report.findings:
        print(finding.file, finding.line, finding.col, finding.rule, finding.message)
"""

from __future__ import annotations

from pathlib import Path

from faultline.errors import InputError
from faultline.inspect.findings import Finding, Problem, Report
from faultline.inspect.rules import RULES, Rule

__all__ = ["inspect_path", "Finding", "Problem", "Report", "Rule", "RULES"]


def inspect_path(path: str | Path, select: set[str] | None = None) -> Report:
    """Run the detectors (all, or the `select`ed rule ids) over a directory or one .py file.

    Paths in the report are shown as `path` joined with each file's place under it.
    Raises faultline.errors.InputError for a missing path or a file that is not Python.
    """
    from faultline.inspect import suppress
    from faultline.inspect.context import Context
    from faultline.inspect.detectors import DETECTORS
    from faultline.inspect.project import Project

    given, path = str(path), Path(path)
    if not path.exists():
        raise InputError(f"{given}: no such file or directory")
    if not path.is_dir() and path.suffix != ".py":
        raise InputError(f"{given}: not a directory or a Python file")
    unknown = sorted((select or set()) - set(DETECTORS))
    if unknown:
        raise InputError(f"unknown rule {', '.join(unknown)}; the rules are {', '.join(DETECTORS)}")
    project = Project.load(given)
    ctx = Context(project)
    findings = [f for rule, check in DETECTORS.items() if not select or rule in select for f in check(ctx)]
    findings, suppressed = suppress.apply(project, findings)
    findings.sort(key=lambda f: (f.file, f.line, f.col, f.rule, f.message))
    return Report(given, len(project.modules), findings, project.problems, suppressed)
