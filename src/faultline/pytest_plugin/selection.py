"""Run exactly the listed tests in the listed order, record the collection and each outcome.

Ordering happens after every other plugin (pytest-randomly included) has reordered, so the
list decides; the random seed still applies to everything else randomly does. A listed id
may be a node id (as in pytest's FAILED lines) or relative to the directory pytest was
started from (as `--collect-only -q` prints it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def local_id(item: pytest.Item, start: Path) -> str:
    path = os.path.relpath(item.path, start).replace(os.sep, "/")
    rest = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else ""
    return f"{path}::{rest}" if rest else path


class Selection:
    def __init__(self, only: str | None, outcomes: str | None, collected: str | None):
        self.order = None
        if only:
            ids = [line.strip() for line in Path(only).read_text(encoding="utf-8").splitlines() if line.strip()]
            self.order = {test: i for i, test in enumerate(ids)}
        self.outcomes_path, self.collected_path = outcomes, collected
        self.outcomes: dict[str, str] = {}

    def _position(self, item: pytest.Item, start: Path) -> int | None:
        position = self.order.get(item.nodeid)
        return position if position is not None else self.order.get(local_id(item, start))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        start = config.invocation_params.dir
        if self.collected_path:
            rows = [{"nodeid": item.nodeid, "local": local_id(item, start)} for item in items]
            Path(self.collected_path).write_text(json.dumps(rows, indent=2), encoding="utf-8")
        if self.order is None:
            return
        positions = {id(item): self._position(item, start) for item in items}
        kept = sorted((item for item in items if positions[id(item)] is not None), key=lambda i: positions[id(i)])
        dropped = [item for item in items if positions[id(item)] is None]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.outcomes[report.nodeid] = "failed"
        elif report.when == "call" or report.skipped:
            self.outcomes.setdefault(report.nodeid, "skipped" if report.skipped else "passed")

    def pytest_sessionfinish(self, session):
        if self.outcomes_path:
            Path(self.outcomes_path).write_text(json.dumps(self.outcomes, indent=2, sort_keys=True), encoding="utf-8")
