"""Where playbooks live: packs on disk, the files in them, and a playbook with its origin.

Kept apart from the loader (YAML and the schema library), so that analysing a log with a
cached compiled catalog imports neither.
"""

from __future__ import annotations

import os
from pathlib import Path

from faultline.errors import PlaybookError

BUNDLED = Path(__file__).resolve().parent.parent / "playbooks"
ENV_VAR = "FAULTLINE_PLAYBOOKS"


class Entry:
    """A playbook and where it came from."""

    __slots__ = ("playbook", "path", "docs", "lines")

    def __init__(self, playbook, path: str, docs: str, lines: dict | None = None):
        self.playbook = playbook  # a catalog.model.Playbook, or its plain form from the compiled cache
        self.path = path  # the file on disk
        self.docs = docs  # how the diagnosis refers to it, e.g. playbooks/test/<id>.yaml
        self.lines = lines or {}  # YAML location -> line, known when loaded from YAML

    def line(self, *location) -> int | None:
        """The YAML line of a location, or of its nearest enclosing node."""
        loc = tuple(location)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc)

    def error(self, message: str, *location) -> PlaybookError:
        return PlaybookError(self.path, self.line(*location), message)


def pack_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PlaybookError(str(directory), None, "playbook pack is not a directory")
    # os.scandir, not Path.rglob: every analysis lists the packs to check its cache.
    found, folders = [], [str(directory)]
    while folders:
        with os.scandir(folders.pop()) as listing:
            for item in listing:
                if item.is_dir():
                    folders.append(item.path)
                elif item.name.endswith(".yaml") and item.is_file():
                    found.append(item.path)
    return [Path(path) for path in sorted(found)]


def extra_packs(dirs: list[str] | None = None) -> list[Path]:
    """Packs from the command line, then from FAULTLINE_PLAYBOOKS (a path list)."""
    found = [Path(d) for d in dirs or []]
    found += [Path(d) for d in os.environ.get(ENV_VAR, "").split(os.pathsep) if d]
    return found
