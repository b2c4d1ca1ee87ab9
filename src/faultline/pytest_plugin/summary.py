"""Diagnosis at the end of the run: the failures of this session through the engine.

Each failed test becomes a small log in pytest's own format (the session header with the
random seed, the failure section with its traceback and captured output, the short summary
line), so the catalog reads it exactly as it would read the CI log. Tests are grouped by
their top diagnosis; database-guard leaks, when the guard ran, are the proof next to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from faultline.pytest_plugin.guard import LEAK_PROPERTY, Leak, merge_concurrent

SCHEMA = "faultline.pytest/1"


@dataclass
class Failure:
    test: str
    when: str
    text: str  # longrepr and captured sections
    message: str


@dataclass
class Finding:
    diagnosis: object  # faultline.engine.result.Diagnosis of the first test it explains
    tests: list[str] = field(default_factory=list)


def seed_line(config: pytest.Config) -> str | None:
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        return f"Using --randomly-seed={seed}"
    seed = getattr(config.option, "random_order_seed", None)
    return f"Using --random-order-seed={seed}" if seed else None


def failure_log(config: pytest.Config, failure: Failure) -> bytes:
    header = [
        "=" * 29 + " test session starts " + "=" * 30,
        f"rootdir: {config.rootpath}",
    ]
    seed = seed_line(config)
    if seed:
        header.append(seed)
    label = failure.test.split("::")[-1]
    body = [f"{'_' * 20} {label if failure.when == 'call' else f'ERROR at {failure.when} of {label}'} {'_' * 20}",
            failure.text]
    verdict = "FAILED" if failure.when == "call" else "ERROR"
    footer = ["=" * 27 + " short test summary info " + "=" * 27, f"{verdict} {failure.test} - {failure.message}"]
    return "\n".join([*header, "", *body, *footer, ""]).encode("utf-8", "replace")


class RunDiagnosis:
    def __init__(self, config: pytest.Config, json_path: str | None, show: bool, guard=None):
        self.config, self.json_path, self.show, self.guard = config, json_path, show, guard
        self.failures: list[Failure] = []
        self.leaks: list[Leak] = []

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport):
        for name, value in report.user_properties:
            if name == LEAK_PROPERTY and report.when == "teardown":
                self.leaks.append(Leak.from_dict(value))
        if not report.failed:
            return
        sections = "\n".join(f"{'-' * 10} {title} {'-' * 10}\n{content}" for title, content in report.sections)
        text = report.longreprtext + ("\n" + sections if sections else "")
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message.splitlines()[0] if crash and crash.message else report.longreprtext.strip()[-200:]
        self.failures.append(Failure(report.nodeid, report.when, text, message))

    def findings(self) -> tuple[list[Finding], list[str]]:
        from faultline.engine.compiler import load_compiled
        from faultline.api import analyze

        catalog = load_compiled()
        by_id: dict[str, Finding] = {}
        unexplained = []
        # Under xdist, reports arrive in the order workers finish: sort, so the same run
        # always gives the same findings, tests listed in the same order.
        for failure in sorted(self.failures, key=lambda f: (f.test, f.when)):
            top = analyze(failure_log(self.config, failure), catalog=catalog, top=1).top
            if top is None:
                unexplained.append(failure.test)
                continue
            by_id.setdefault(top.id, Finding(top)).tests.append(failure.test)
        ranked = sorted(by_id.values(), key=lambda f: (-len(f.tests), -f.diagnosis.confidence, f.diagnosis.id))
        return ranked, unexplained

    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        if hasattr(config, "workerinput"):
            return  # xdist workers report to the controller, which speaks for the run
        findings, unexplained = self.findings() if self.failures and (self.show or self.json_path) else ([], [])
        from faultline.pytest_plugin.report import render_guard, render_findings

        leaks = merge_concurrent(self.leaks)
        if self.guard is not None:
            render_guard(terminalreporter, self.guard, leaks)
        if self.show:
            render_findings(terminalreporter, findings, unexplained, leaks)
        if self.json_path:
            self._write_json(findings, unexplained, leaks)

    def _write_json(self, findings: list[Finding], unexplained: list[str], leaks: list[Leak]) -> None:
        data = {
            "schema": SCHEMA,
            "failed": len(self.failures),
            "diagnoses": [
                {**f.diagnosis.to_dict(), "rank": i, "tests": f.tests} for i, f in enumerate(findings, 1)
            ],
            "unexplained": unexplained,
            "leaks": [leak.to_dict() for leak in leaks],
        }
        Path(self.json_path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
