"""The CI quality gate: the full assistant on the test split must meet eval/gates.py.

Only the test split is gated and reported; every choice is made on dev (eval/golden.jsonl).
"""
from __future__ import annotations

import pytest

from eval.gates import check
from eval.golden import GOLDEN_TEST, check_test_hash, load_golden
from eval.report import worst_failures

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(index_settings, assistant):
    """One evaluation of the full assistant on the test split (no baselines: too slow for CI)."""
    from eval.run import run_eval

    return run_eval(index_settings, GOLDEN_TEST, ["assistant"], assistant=assistant)


def _worst(report: dict) -> str:
    rows = worst_failures(report["details"]["assistant"], 10)
    return "\n".join(f"  {d['id']} rank={d['rank']} refused={d['refused']}: {d['question'][:80]}" for d in rows)


def test_test_split_unchanged_since_first_scoring():
    assert check_test_hash() is None


def test_quality_gate(report):
    failures = check(report["summary"]["assistant"]["overall"])
    assert not failures, "quality gate failed:\n  " + "\n  ".join(failures) + "\nworst items:\n" + _worst(report)


def test_every_test_question_was_evaluated(report):
    overall = report["summary"]["assistant"]["overall"]
    assert overall["n"] == len(load_golden(GOLDEN_TEST)) and overall["errors"] == 0


def test_eval_ranks_as_the_assistant_does(report):
    # The retrieval metrics reproduce Assistant.ask's ranking; if ask changes how it retrieves,
    # the citations stop coming from that ranking and this fails before the metrics mislead.
    bad = [d["id"] for d in report["details"]["assistant"] if d["consistent"] is False]
    assert not bad, f"citations outside the reproduced ranking: {bad[:10]}"


def test_every_test_question_falls_in_one_band_of_nearness_to_dev(report):
    # The per-band rows are the figures for questions unlike dev (eval/nearness.py); they must cover
    # every question exactly once.
    from eval.nearness import BANDS

    names = [name for _, name in BANDS]
    for d in report["details"]["assistant"]:
        assert 0.0 < d["dev_nearness"] <= 1.0 and sum(t in names for t in d["tags"]) == 1
    by_tag = report["summary"]["assistant"]["by_tag"]
    assert sum(by_tag[n]["n"] for n in names if n in by_tag) == report["summary"]["assistant"]["overall"]["n"]
