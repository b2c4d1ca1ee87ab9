"""CI step markers: which step (GitHub Actions group, GitLab section, Jenkins stage) a line is in.

The markers are scanned in the same pass as the playbook patterns; this module says what
they look like and turns the marker lines found into a line -> step lookup.
"""

from __future__ import annotations

from bisect import bisect_right

# (action, regex). "open" names the current step until the next opener; "push"/"pop" nest.
MARKERS: list[tuple[str, str]] = [
    ("open", r"^(?:##\[group\]|::group::)(?P<name>[^\r\n]+)"),
    ("push", r"section_start:\d+:(?P<name>[A-Za-z0-9_.-]+)"),
    ("pop", r"section_end:\d+:(?P<name>[A-Za-z0-9_.-]+)"),
    ("open", r"^\[Pipeline\] \{ \((?P<name>[^)\r\n]+)\)"),
]


class StepMap:
    """Maps a line number to the step it belongs to."""

    def __init__(self, events: list[tuple[int, str, str]]):
        """events: (line, action, name) for every marker line, in any order."""
        self._lines: list[int] = []
        self._names: list[str | None] = []
        stack: list[str] = []
        for line, action, name in sorted(events):
            if action == "open":
                stack = [name]
            elif action == "push":
                stack.append(name)
            elif name in stack:
                del stack[stack.index(name):]
            self._lines.append(line)
            self._names.append(stack[-1] if stack else None)

    def step(self, line: int) -> str | None:
        i = bisect_right(self._lines, line)
        return self._names[i - 1] if i else None
