"""`faultline bisect`: find the test whose leftovers make another test fail.

1. Collect the run's order (with the failing run's seed when pytest-randomly shuffled it).
2. Confirm: the target passes alone and fails after its predecessors (twice, so that an
   intermittent failure is called intermittent, not blamed on a test).
3. If the database guard can run, one guarded run names the tests that left rows behind;
   each is tried right before the target, most relevant first.
4. Otherwise bisect the predecessors: about log2(n) runs.
5. The answer is verified with a run of just the two tests, and printed with the command
   that reproduces it.

A target that fails alone but passes after its predecessors depends on another test's state
("passes only because of pollution"): the same search finds the test it depends on.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from faultline.errors import FaultlineError

RUN_TIMEOUT = 1800


@dataclass
class Outcome:
    failed: bool
    output: str = ""
    leaks: list[dict] = field(default_factory=list)


@dataclass
class Verdict:
    kind: str  # "polluter", "provider", "fails-alone", "not-reproduced", "intermittent", "combination"
    target: str
    culprit: str | None = None
    leaks: list[dict] = field(default_factory=list)
    runs: int = 0
    predecessors: int = 0
    command: str = ""


class PytestRunner:
    """Runs chosen tests, in a chosen order, in a fresh pytest process."""

    def __init__(self, args: list[str], seed: str | None, cwd: Path, python: str = sys.executable):
        self.args, self.seed, self.cwd, self.python = list(args), seed, cwd, python
        self.runs = 0

    def _base(self) -> list[str]:
        seed = [f"--randomly-seed={self.seed}"] if self.seed else ["-p", "no:randomly"]
        return [self.python, "-m", "pytest", "-p", "no:cacheprovider", *seed]

    def _pytest(self, extra: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                [*self._base(), *extra, *self.args], cwd=self.cwd, capture_output=True, text=True,
                timeout=RUN_TIMEOUT, errors="replace",
            )
        except subprocess.TimeoutExpired:
            raise FaultlineError(f"a pytest run took more than {RUN_TIMEOUT} s; stopping") from None

    def collect(self) -> list[dict]:
        """The run's tests in run order: [{"nodeid": ..., "local": ...}]."""
        with tempfile.TemporaryDirectory(prefix="faultline-bisect-") as tmp:
            collected = Path(tmp, "collected.json")
            # Options as one token each: pytest takes a lone existing path for a test path.
            result = self._pytest(["--collect-only", "-q", f"--faultline-collected={collected}"])
            tests = json.loads(collected.read_text()) if collected.exists() else []
        if not tests:
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise FaultlineError("pytest collected no tests with these arguments: " + " | ".join(tail))
        return tests

    def run(self, tests: list[str], target: str, guard: bool = False) -> Outcome:
        self.runs += 1
        with tempfile.TemporaryDirectory(prefix="faultline-bisect-") as tmp:
            only, outcomes, report = Path(tmp, "only.txt"), Path(tmp, "outcomes.json"), Path(tmp, "run.json")
            only.write_text("\n".join(tests) + "\n", encoding="utf-8")
            extra = [f"--faultline-only={only}", f"--faultline-outcomes={outcomes}", "-p", "no:xdist"]
            if guard:
                extra += ["--faultline-db-guard=report", f"--faultline-json={report}"]
            result = self._pytest(extra)
            if not outcomes.exists():
                tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
                raise FaultlineError("pytest did not run the selected tests: " + " | ".join(tail))
            failed = json.loads(outcomes.read_text()).get(target)
            if failed is None:
                raise FaultlineError(f"{target} did not run; check the test id and the pytest arguments")
            leaks = json.loads(report.read_text()).get("leaks", []) if guard and report.exists() else []
            return Outcome(failed == "failed", result.stdout, leaks)

    def command(self, tests: list[str]) -> str:
        # Explicit test ids run in the order given once nothing shuffles them.
        return " ".join(["python", "-m", "pytest", "-p", "no:randomly", *tests])


def _relevant_first(leaks: list[dict], predecessors: list[str], target_output: str) -> list[str]:
    """Leaking predecessors, those whose tables the target's failure mentions first."""
    order = {test: i for i, test in enumerate(predecessors)}

    def score(leak: dict) -> tuple:
        mentioned = any(change["table"].split(".")[-1] in target_output for change in leak["changes"])
        return (not mentioned, -order.get(leak["test"], -1))

    seen, ranked = set(), []
    for leak in sorted(leaks, key=score):
        for test in sorted([leak["test"], *leak["suspects"]], key=lambda t: -order.get(t, -1)):
            if test in order and test not in seen:
                seen.add(test)
                ranked.append(test)
    return ranked


def bisect(runner: PytestRunner, target: str, use_guard: bool = True) -> Verdict:
    collected = runner.collect()
    order = [test["nodeid"] for test in collected]
    matches = [i for i, test in enumerate(collected) if target in (test["nodeid"], test["local"])]
    if not matches:
        raise FaultlineError(f"{target} is not among the {len(order)} collected tests")
    target = order[matches[0]]
    predecessors = order[: matches[0]]
    verdict = Verdict("not-reproduced", target, predecessors=len(predecessors))

    alone = runner.run([target], target)
    together = runner.run(predecessors + [target], target, guard=use_guard)
    again = runner.run(predecessors + [target], target)
    verdict.runs = runner.runs
    if together.failed != again.failed:
        verdict.kind = "intermittent"
        return verdict
    if alone.failed == together.failed:
        verdict.kind = "fails-alone" if alone.failed else "not-reproduced"
        return verdict
    # The outcome flips with the predecessors: find which one flips it.
    flips = (lambda outcome: outcome.failed) if together.failed else (lambda outcome: not outcome.failed)
    kind = "polluter" if together.failed else "provider"

    for suspect in _relevant_first(together.leaks, predecessors, together.output):
        if flips(runner.run([suspect, target], target)):
            return _found(verdict, kind, suspect, together.leaks, runner)

    candidates = predecessors
    while len(candidates) > 1:
        half = candidates[: len(candidates) // 2]
        if flips(runner.run(half + [target], target)):
            candidates = half
            continue
        rest = candidates[len(candidates) // 2:]
        if flips(runner.run(rest + [target], target)):
            candidates = rest
            continue
        verdict.kind, verdict.runs = "combination", runner.runs  # only several tests together flip it
        return verdict
    if candidates and flips(runner.run([candidates[0], target], target)):
        return _found(verdict, kind, candidates[0], together.leaks, runner)
    verdict.kind, verdict.runs = "intermittent", runner.runs
    return verdict


def _found(verdict: Verdict, kind: str, culprit: str, leaks: list[dict], runner: PytestRunner) -> Verdict:
    verdict.kind, verdict.culprit = kind, culprit
    verdict.leaks = [leak for leak in leaks if culprit in (leak["test"], *leak["suspects"])]
    verdict.runs = runner.runs
    verdict.command = runner.command([culprit, verdict.target])
    return verdict


def render(verdict: Verdict) -> str:
    lines = []
    target = verdict.target
    if verdict.kind == "polluter":
        lines.append(f"Polluter: {verdict.culprit}")
        lines.append(f"  {target} passes alone and fails when {verdict.culprit} runs before it.")
    elif verdict.kind == "provider":
        lines.append(f"Depends on: {verdict.culprit}")
        lines.append(f"  {target} fails alone and passes only after {verdict.culprit}: it relies on state "
                     "that test leaves behind, which is pollution the other way round.")
    elif verdict.kind == "fails-alone":
        lines.append(f"{target} fails when run alone too: its failure does not come from another test.")
    elif verdict.kind == "not-reproduced":
        lines.append(f"{target} passed both alone and after its {verdict.predecessors} predecessors: "
                     "the failure did not reproduce (check the seed and the pytest arguments).")
    elif verdict.kind == "intermittent":
        lines.append(f"{target} gave different results on identical runs: the failure is intermittent "
                     "(timing, randomness or external state), not a clean order dependency.")
    else:
        lines.append(f"No single predecessor flips {target}: several tests together cause it.")
    for leak in verdict.leaks:
        if leak.get("note"):
            lines.append(f"  {leak['note']}.")
        for change in leak["changes"]:
            rows = f" ({'; '.join(change['rows'])})" if change["rows"] else ""
            lines.append(f"  It leaves {change['added']} committed row(s) in {change['table']}{rows} "
                         f"[{leak['alias']}: {leak['database']}].")
    if verdict.command:
        lines += ["", "Reproduce with two tests:", f"  {verdict.command}"]
    lines.append(f"\n{verdict.runs} pytest runs, {verdict.predecessors} predecessors.")
    return "\n".join(lines) + "\n"
