"""The one-pass scan finds exactly what each pattern finds on its own.

Hyperscan has been seen to drop a pattern's matches depending on the other patterns of the
database (an anchored pattern with a leading optional repeat). The engine works around
that; this test holds the whole bundled catalog to it, on every corpus log.
"""

from pathlib import Path

import hyperscan

from faultline.engine.compiler import compile_catalog, prefilter
from faultline.catalog.loader import load_catalog
from faultline.logs._native import count_newlines, normalise

CORPUS = Path(__file__).parent / "corpus"


def lines_matched(database, text: bytes) -> dict[int, set[int]]:
    found: list[tuple[int, int]] = []
    database.scan(text, match_event_handler=lambda eid, start, end, flags, ctx: found.append((end, eid)))
    lines: dict[int, set[int]] = {}
    line, position = 0, 0
    for end, eid in sorted(found):
        line += count_newlines(text, position, end - 1)
        position = end - 1
        lines.setdefault(eid, set()).add(line)
    return lines


def test_every_pattern_matches_the_same_lines_alone_and_together():
    catalog = compile_catalog(load_catalog())
    text = b"\n".join(normalise(p.read_bytes()) for p in sorted(CORPUS.glob("*/*.log")))
    together = lines_matched(catalog.database, text)
    missing = []
    for eid, expression in enumerate(catalog.expressions):
        alone = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        alone.compile(expressions=[expression.pattern], ids=[eid], elements=1, flags=[expression.flags])
        lost = lines_matched(alone, text).get(eid, set()) - together.get(eid, set())
        if lost:
            missing.append(f"{expression.source!r}: {len(lost)} lines")
    assert not missing, "patterns lose matches in the shared database:\n" + "\n".join(missing)


def test_prefilter_drops_only_anchors_before_a_repeat():
    assert prefilter(r"^\s*File") == r"\s*File"
    assert prefilter(r"(?i)^ *fail") == r"(?i) *fail"
    assert prefilter(r"^(?:Error: )?x") == r"(?:Error: )?x"
    assert prefilter(r"a|^\s+at x") == r"a|\s+at x"
    assert prefilter(r"^E\s+x") == r"^E\s+x"
    assert prefilter(r"^[*] x|[^a]+") == r"^[*] x|[^a]+"
    assert prefilter(r"\^+x") == r"\^+x"


def test_prefilter_drops_tails_that_can_match_nothing():
    assert prefilter(r"https?://(?P<host>[\w.-]+)(?:/\S*)?") == r"https?://(?P<host>[\w.-]+)"
    assert prefilter(r"requires Python[^\n]*") == r"requires Python"
    assert prefilter(r"FAILED \S+") == r"FAILED \S"
    assert prefilter(r"a|b[^\n]*") == r"a|b"
    assert prefilter(r"x*y?") == r"x*y?"  # nothing certain is left to stand on
    assert prefilter(r"error[^\n]*$") == r"error[^\n]*$"
