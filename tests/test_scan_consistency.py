"""The scan finds exactly the lines RE2 finds, pattern by pattern, on every corpus log.

Each database is checked expression by expression: the lines an expression's scanned form
matches in the shared database are the lines it matches alone (Hyperscan has been seen to
drop matches depending on the other patterns of a database), and those are the lines the
playbook's regex matches by RE2, or a superset for the few the engine has to widen.
"""

from pathlib import Path

import hyperscan
import pytest

from faultline.catalog.loader import load_catalog
from faultline.engine.compiler import compile_catalog, decided_by_scan, prefilter, within_line
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


@pytest.fixture(scope="module")
def catalog():
    return compile_catalog(load_catalog())


@pytest.fixture(scope="module")
def corpus_text() -> bytes:
    return b"\n".join(normalise(p.read_bytes()) for p in sorted(CORPUS.glob("*/*.log")))


@pytest.mark.parametrize("database", ["database", "window_database"])
def test_every_pattern_matches_the_same_lines_alone_and_together(catalog, corpus_text, database):
    ids = catalog.main_ids if database == "database" else catalog.window_ids
    together = lines_matched(getattr(catalog, database), corpus_text)
    missing = []
    for eid in sorted(ids):
        expression = catalog.expressions[eid]
        alone = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        alone.compile(expressions=[expression.pattern], ids=[eid], elements=1, flags=[expression.flags])
        lost = lines_matched(alone, corpus_text).get(eid, set()) - together.get(eid, set())
        if lost:
            missing.append(f"{expression.source!r}: {len(lost)} lines")
    assert not missing, "patterns lose matches in the shared database:\n" + "\n".join(missing)


def test_scanned_lines_are_the_lines_re2_matches(catalog, corpus_text):
    lines = corpus_text.split(b"\n")
    scanned = lines_matched(catalog.database, corpus_text)
    for eid, found in lines_matched(catalog.window_database, corpus_text).items():
        scanned.setdefault(eid, set()).update(found)
    wrong = []
    for eid, expression in enumerate(catalog.expressions):
        if expression.kind != "regex":
            continue
        regex = catalog.regex(eid)
        # Only lines holding one of the regex's literal words can match: check those.
        truth = {number for number in scanned.get(eid, ()) if regex.search(lines[number])}
        found = scanned.get(eid, set())
        if decided_by_scan(expression) and found != truth:
            wrong.append(f"{expression.source!r}: {len(found - truth)} lines too many")
    assert not wrong, "\n".join(wrong)


def test_anchors_before_a_repeat_are_dropped():
    blank = r"[\t\x0b\x0c\r ]"
    assert prefilter(r"^\s*File") == rf"{blank}*File"
    assert prefilter(r"(?i)^ *fail") == r"(?i) *fail"
    assert prefilter(r"^(?:Error: )?x") == r"(?:Error: )?x"
    assert prefilter(r"a|^\s+at x") == rf"a|{blank}+at x"
    assert prefilter(r"^#\d+ \[x") == r"#\d+ \[x"
    assert prefilter(r"(?:^E\s+x|^y$)") == rf"(?:E{blank}+x|^y$)"
    assert prefilter(r"^\[\*\] x") == r"^\[\*\] x"
    assert prefilter(r"\^+x") == r"\^+x"


def test_within_line_keeps_every_atom_off_the_line_break():
    assert within_line(r"[^\s:]+x") == r"[^\s:\n]+x"
    assert within_line(r"[\s:]") == r"[\t\x0b\x0c\r :]"
    assert within_line(r"a\Wb\D") == r"a[^\w\n]b[^\d\n]"
    assert within_line(r"#\d+ \[[^\]]+\]") == r"#\d+ \[[^\]\n]+\]"
    assert within_line(r"[^]a]") == r"[^]a\n]"


def test_prefilter_drops_tails_that_can_match_nothing():
    assert prefilter(r"https?://(?P<host>[\w.-]+)(?:/\S*)?") == r"https?://(?P<host>[\w.-])"
    assert prefilter(r"(?:https?)://(?P<host>[\w.-]+(?::\d+)?)") == r"(?:https?)://(?P<host>[\w.-])"
    assert prefilter(r"x(?:a|b+)") == r"x(?:a|b)"
    assert prefilter(r"requires Python[^\n]*") == r"requires Python"
    assert prefilter(r"FAILED \S+") == r"FAILED \S"
    assert prefilter(r"a|b[^\n]*") == r"a|b"
    assert prefilter(r"x*y?") == r"x*y?"  # nothing certain is left to stand on
    assert prefilter(r"error[^\n]*$") == r"error[^\n]*$"
