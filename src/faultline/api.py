"""The library entry point: `faultline.analyze(...) -> Analysis`."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from faultline.engine.compiler import CompiledCatalog, load_compiled
from faultline.engine.evaluate import diagnose
from faultline.engine.result import Analysis
from faultline.engine.scan import scan
from faultline.logs.source import open_log, read_blocks


def analyze(
    source: str | Path | bytes | BinaryIO,
    *,
    playbooks: list[str | Path] | None = None,
    top: int = 3,
    catalog: CompiledCatalog | None = None,
) -> Analysis:
    """Diagnose a CI log.

    `source` is a path (str or Path; "-" for stdin, .gz read transparently), the log's
    bytes, or a binary stream. `playbooks` are extra pack directories laid over the bundled
    catalog. Raises faultline.errors.FaultlineError on unreadable input or playbooks.
    """
    if catalog is None:
        catalog = load_compiled([Path(p) for p in playbooks or []])
    stream, name = open_log(source)
    try:
        result = scan(catalog, read_blocks(stream, name))
    finally:
        if isinstance(source, (str, Path)) and str(source) != "-":
            stream.close()
    return Analysis(source=name, lines=result.lines, diagnoses=diagnose(catalog, result, top))
