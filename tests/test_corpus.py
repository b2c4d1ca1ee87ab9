"""The catalog's gate: every labelled corpus log diagnosed right, no false positive, and
every playbook with a clean log, a noisy one and a near miss that imitates it."""

from pathlib import Path

from faultline.evaluation import evaluate_corpus, render_report

CORPUS = Path(__file__).parent / "corpus"


def test_corpus_gate():
    report = evaluate_corpus(CORPUS)
    summary = render_report(report)
    assert report.cases, "the corpus is empty"
    assert report.top1 >= 0.95, summary
    near_misses_and_none = [c for c in report.cases if c.expected == "none" or c.kind == "near-miss"]
    assert not [c for c in near_misses_and_none if c.false_positive], summary
    assert not report.gaps(), summary
