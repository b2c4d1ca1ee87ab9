"""Matching semantics: each rule kind, scopes, windows, facts, scoring and ties."""

import pytest

from faultline.api import analyze
from tests.catalogs import compiled, playbook


def run(tmp_path, log: str, *books, top=3):
    return analyze(log.encode(), catalog=compiled(tmp_path, *books), top=top)


def ids(analysis):
    return [d.id for d in analysis.diagnoses]


def trigger(text, weight=0.8, **extra):
    return {"literal": text, "weight": weight, **extra}


def test_literal_is_case_insensitive_substring(tmp_path):
    book = playbook("disk", {"any": [trigger("No space left on device")]})
    assert ids(run(tmp_path, "write failed: NO SPACE LEFT ON DEVICE\n", book)) == ["disk"]


def test_literal_is_never_a_regex(tmp_path):
    book = playbook("lit", {"any": [trigger("error.*fatal")]})
    assert ids(run(tmp_path, "error: very fatal\n", book)) == []
    assert ids(run(tmp_path, "got error.*fatal here\n", book)) == ["lit"]


def test_regex_is_case_sensitive_unless_flagged(tmp_path):
    sensitive = playbook("sensitive", {"any": [{"regex": "Segmentation fault", "weight": 0.8}]})
    insensitive = playbook("insensitive", {"any": [{"regex": "(?i)segmentation fault", "weight": 0.8}]})
    assert ids(run(tmp_path, "SEGMENTATION FAULT\n", sensitive, insensitive)) == ["insensitive"]


def test_regex_never_spans_lines(tmp_path):
    book = playbook("span", {"any": [{"regex": r"alpha\s+beta", "weight": 0.8}]})
    assert ids(run(tmp_path, "alpha\nbeta\n", book)) == []
    assert ids(run(tmp_path, "alpha   beta\n", book)) == ["span"]


def test_line_anchor_is_the_normalised_line_start(tmp_path):
    book = playbook("anchored", {"any": [{"regex": "^FAILED ", "weight": 0.8}]})
    log = "2024-05-01T10:00:00.1234567Z ##[error]FAILED tests/test_a.py::test_x\n"
    assert ids(run(tmp_path, log, book)) == ["anchored"]
    assert ids(run(tmp_path, "  not FAILED here\n", book)) == []


def test_all_is_a_real_and_within_its_window(tmp_path):
    book = playbook("both", {
        "any": [trigger("duplicate key value")],
        "all": [{"literal": "test session starts", "within": 3}],
    })
    assert ids(run(tmp_path, "test session starts\nx\nduplicate key value\n", book)) == ["both"]
    assert ids(run(tmp_path, "duplicate key value\n", book)) == []
    far = "test session starts\n" + "noise\n" * 10 + "duplicate key value\n"
    assert ids(run(tmp_path, far, book)) == []


def test_all_with_log_scope_looks_anywhere(tmp_path):
    book = playbook("anywhere", {
        "any": [trigger("duplicate key value")],
        "all": [{"literal": "test session starts", "within": "log"}],
    })
    log = "duplicate key value\n" + "noise\n" * 5000 + "test session starts\n"
    assert ids(run(tmp_path, log, book)) == ["anywhere"]


def test_none_vetoes_only_anchors_within_its_scope(tmp_path):
    book = playbook("scoped", {
        "any": [trigger("already exists")],
        "none": [{"literal": "mkdir:", "within": 0}],
    })
    assert ids(run(tmp_path, "mkdir: cannot create directory 'x': File already exists\n", book)) == []
    mixed = "mkdir: foo already exists\n" + "noise\n" * 3 + "row already exists\n"
    result = run(tmp_path, mixed, book)
    assert ids(result) == ["scoped"]
    assert [e.line for e in result.top.evidence] == [5]


def test_none_with_log_scope_vetoes_everywhere(tmp_path):
    book = playbook("vetoed", {
        "any": [trigger("already exists")],
        "none": [{"literal": "createdb: error", "within": "log"}],
    })
    assert ids(run(tmp_path, "row already exists\n" + "x\n" * 100 + "createdb: error: boom\n", book)) == []


def test_generic_phrase_alone_cannot_win_but_context_can_lift_it(tmp_path):
    book = playbook("generic", {
        "any": [trigger("connection refused", weight=0.3)],
        "context": [{"literal": "psycopg.OperationalError", "within": 2, "weight": 0.4}],
    })
    assert ids(run(tmp_path, "connection refused\n", book)) == []
    result = run(tmp_path, "psycopg.OperationalError: failed\nconnection refused\n", book)
    assert ids(result) == ["generic"]
    assert result.top.confidence == pytest.approx(1 - 0.7 * 0.6, abs=0.01)


def test_context_outside_its_window_adds_nothing(tmp_path):
    book = playbook("ctx", {
        "any": [trigger("boom", weight=0.6)],
        "context": [{"literal": "pytest session", "within": 1, "weight": 0.5}],
    })
    near = run(tmp_path, "pytest session\nboom\n", book).top.confidence
    far = run(tmp_path, "pytest session\n" + "x\n" * 5 + "boom\n", book).top.confidence
    assert near == pytest.approx(0.8) and far == pytest.approx(0.6)


def test_score_does_not_depend_on_other_playbooks(tmp_path):
    target = playbook("target", {"any": [trigger("fatal: boom", weight=0.7)]})
    other = playbook("other", {"any": [trigger("fatal: boom", weight=0.9)],
                              "context": [{"literal": "zzz", "within": "log", "weight": 0.5}]})
    alone = run(tmp_path / "a", "fatal: boom\n", target).top.confidence
    together = run(tmp_path / "b", "fatal: boom\n", target, other)
    assert {d.id: d.confidence for d in together.diagnoses}["target"] == alone


def test_ties_break_by_id(tmp_path):
    books = [playbook(name, {"any": [trigger("same signal")]}) for name in ("zeta", "alpha", "mid")]
    assert ids(run(tmp_path, "same signal\n", *books)) == ["alpha", "mid", "zeta"]


def test_best_anchor_wins_and_ranks_are_ordered(tmp_path):
    strong = playbook("strong", {"any": [trigger("exact failure text", weight=0.9)]})
    weak = playbook("weak", {"any": [trigger("failure text", weight=0.6)]})
    result = run(tmp_path, "exact failure text\n", strong, weak, top=1)
    assert ids(result) == ["strong"] and result.top.rank == 1


def test_facts_from_groups_set_and_extractors(tmp_path):
    book = playbook(
        "facts",
        {
            "any": [{"regex": r'violates unique constraint "(?P<constraint>[^"]+)"', "weight": 0.8}],
            "context": [{"literal": "django.db.utils", "within": 2, "weight": 0.1, "set": {"framework": "django"}}],
        },
        facts=[
            {"regex": r"Using --randomly-seed=(?P<seed>\d+)", "within": "log"},
            {"regex": r"^FAILED (?P<failed>\S+)", "within": "log", "collect": True},
        ],
    )
    log = (
        "Using --randomly-seed=4242\n"
        "django.db.utils.IntegrityError: duplicate key value violates unique constraint \"auth_group_name_key\"\n"
        "FAILED tests/test_a.py::test_one - IntegrityError\n"
        "FAILED tests/test_b.py::test_two - IntegrityError\n"
        "FAILED tests/test_a.py::test_one - IntegrityError\n"
    )
    facts = run(tmp_path, log, book).top.facts
    assert facts == {
        "constraint": "auth_group_name_key",
        "framework": "django",
        "seed": "4242",
        "failed": ["tests/test_a.py::test_one", "tests/test_b.py::test_two"],
    }


def test_fact_extractor_takes_the_occurrence_nearest_the_anchor(tmp_path):
    book = playbook("near", {"any": [trigger("boom")]},
                    facts=[{"regex": r"step (?P<step_no>\d+)", "within": "log"}])
    log = "step 1\n" + "x\n" * 10 + "step 2\nboom\n" + "x\n" * 10 + "step 3\n"
    assert run(tmp_path, log, book).top.facts["step_no"] == "2"


def test_text_with_missing_facts_is_left_out_or_falls_back(tmp_path):
    book = playbook(
        "texts",
        {"any": [{"regex": r"boom(?: in (?P<where>\w+))?", "weight": 0.8}]},
        diagnosis="It broke in {{ where }}.\n\nIt broke in {{ where | an unknown place }} for sure.",
        fix=["Look at {{ where }}.", "Always do this."],
        repro=["run --at {{ where }}", "run all"],
    )
    full = run(tmp_path / "a", "boom in parser\n", book).top
    assert full.explanation == "It broke in parser.\n\nIt broke in parser for sure."
    assert full.fix == ["Look at parser.", "Always do this."]
    bare = run(tmp_path / "b", "boom\n", book).top
    assert bare.explanation == "It broke in an unknown place for sure."
    assert bare.fix == ["Always do this."] and bare.repro == ["run all"]


def test_fix_groups_for_the_detected_stack_come_first(tmp_path):
    book = playbook(
        "stacked",
        {"any": [trigger("boom")],
         "context": [{"literal": "manage.py test", "within": "log", "weight": 0.1, "set": {"framework": "django"}}]},
        fix=["Generic step.", {"title": "Rails", "when": {"framework": "rails"}, "steps": ["Rails step."]},
             {"title": "Django", "when": {"framework": ["django", "pytest-django"]}, "steps": ["Django step."]}],
    )
    assert run(tmp_path / "a", "manage.py test\nboom\n", book).top.fix == ["Django step.", "Generic step."]
    assert run(tmp_path / "b", "boom\n", book).top.fix == ["Generic step.", "Rails: Rails step.", "Django: Django step."]


def test_evidence_keeps_original_line_numbers_and_steps(tmp_path):
    book = playbook("evidence", {"any": [trigger("fatal: boom")]})
    log = (
        "2024-05-01T10:00:00.1234567Z ##[group]Run make build\r\n"
        "2024-05-01T10:00:01.1234567Z \x1b[31mnoise\x1b[0m\r\n"
        "2024-05-01T10:00:02.1234567Z ##[endgroup]\r\n"
        "2024-05-01T10:00:03.1234567Z \x1b[1;31mfatal: boom\x1b[0m\r\n"
    )
    evidence = run(tmp_path, log, book).top.evidence
    assert [(e.line, e.text, e.step) for e in evidence] == [(4, "fatal: boom", "Run make build")]


def test_gitlab_sections_name_steps(tmp_path):
    book = playbook("gitlab", {"any": [trigger("fatal: boom")]})
    log = (
        "section_start:1700000000:prepare_script\r\x1b[0KPreparing\n"
        "ok\n"
        "section_end:1700000001:prepare_script\r\x1b[0K\n"
        "section_start:1700000002:step_script\r\x1b[0KExecuting \"step_script\" stage\n"
        "fatal: boom\n"
    )
    assert run(tmp_path, log, book).top.evidence[0].step == "step_script"


def test_progress_line_shows_the_segment_that_matched(tmp_path):
    book = playbook("progress", {"any": [trigger("fatal: boom")]})
    log = "Downloading 10%\rDownloading 90%\rfatal: boom\rDone\n"
    assert run(tmp_path, log, book).top.evidence[0].text == "fatal: boom"


def test_anchor_near_the_end_is_found_after_a_flood_of_matches(tmp_path):
    book = playbook("flood", {
        "any": [trigger("request failed", weight=0.6)],
        "all": [{"literal": "FINAL CHECK", "within": 1}],
    })
    log = "request failed\n" * 5000 + "FINAL CHECK\nrequest failed\n"
    result = run(tmp_path, log, book)
    assert ids(result) == ["flood"]
    assert [e.line for e in result.top.evidence][:2] == [5000, 5001]


def test_a_context_signal_that_only_sets_a_fact_is_not_evidence(tmp_path):
    book = playbook("quiet", {
        "any": [trigger("fatal: boom")],
        "context": [{"literal": "registry: ghcr.io", "within": "log", "weight": 0, "set": {"registry": "ghcr"}},
                    {"literal": "docker push", "within": 2, "weight": 0.1}],
    })
    result = run(tmp_path, "registry: ghcr.io\nx\ndocker push\nfatal: boom\n", book).top
    assert result.facts == {"registry": "ghcr"}
    assert [e.line for e in result.evidence] == [3, 4]


@pytest.mark.parametrize("block", [64, 200, 4096])
def test_windows_reach_across_block_boundaries(tmp_path, monkeypatch, block):
    # Window signals are looked for only around kept anchors, in lines gathered as the
    # blocks stream by: they must be found before and after the anchor whatever the cut.
    monkeypatch.setattr("faultline.logs.source.BLOCK", block)
    book = playbook("windowed", {
        "any": [trigger("anchor here", weight=0.6)],
        "all": [{"literal": "before it", "within": 6}, {"literal": "after it", "within": 6}],
        "none": [{"literal": "veto", "within": 2}],
    })
    filler = "".join(f"filler line {i}\n" for i in range(40))
    log = filler + "before it\nx\nx\nanchor here\nx\nafter it\n" + filler
    assert ids(run(tmp_path, log, book)) == ["windowed"]
    vetoed = filler + "before it\nx\nveto\nanchor here\nx\nafter it\n" + filler
    assert ids(run(tmp_path, vetoed, book)) == []
    assert ids(run(tmp_path, filler + "before it\n" + "x\n" * 7 + "anchor here\nafter it\n", book)) == []


def test_anchored_pattern_confirmed_among_look_alike_lines(tmp_path):
    # `^\s+at ` is scanned without its anchor (see engine/compiler.py): thousands of lines
    # with " at com.acme" in the middle must not push the real stack frame out of the kept hits.
    book = playbook("frames", {"any": [{"regex": r"^\s+at (?P<frame>com\.acme\.\w+)", "weight": 0.8}]})
    log = ("retried at com.acme.Queue\n" * 3000 + "  at com.acme.Billing(Billing.java:3)\n"
           + "logged at com.acme.Audit\n" * 3000)
    result = run(tmp_path, log, book)
    assert ids(result) == ["frames"]
    assert result.top.facts["frame"] == "com.acme.Billing"
    assert [e.line for e in result.top.evidence] == [3001]
