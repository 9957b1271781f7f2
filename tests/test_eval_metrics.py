"""Evaluation building blocks on small, real inputs: metrics, citation checks, summaries, reports."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.citations import SourceTexts, citation_problems
from eval.gates import GATES, Gates, check
from eval.golden import GoldenItem, load_golden, norm
from eval.metrics import (all_at, evidence_ranks, first_relevant, hit_at, missing_facts, mrr_at, ndcg_at,
                          percentile, refusal_scores, unresolved_markers)
from eval.run import ItemResult
from eval.summary import summarise
from inburgering.models import Answer, Citation
from inburgering.settings import ROOT

CORPUS = ROOT / "corpus"


def test_relevance_normalises_whitespace_but_keeps_case():
    texts = ["Iets anders.", "De gemeente\u00a0stelt het\n  PIP vast.", "de gemeente stelt het PIP vast."]
    assert evidence_ranks(texts, [norm("De gemeente stelt het PIP vast.")]) == [2]
    assert evidence_ranks(texts, ["niet aanwezig"]) == [None]


def test_rank_metrics():
    assert first_relevant([None, 3, 2]) == 2
    assert (hit_at(3, 1), hit_at(3, 3), hit_at(None, 5)) == (0.0, 1.0, 0.0)
    assert mrr_at(4) == 0.25 and mrr_at(11, 10) == 0.0
    assert all_at([1, 5], 5) == 1.0 and all_at([1, 6], 5) == 0.0 and all_at([], 5) == 0.0


def test_ndcg_counts_each_evidence_once():
    assert ndcg_at([1]) == 1.0
    assert ndcg_at([3]) == pytest.approx(0.5)
    assert ndcg_at([1, 2]) == pytest.approx(1.0)
    assert ndcg_at([1, None]) == pytest.approx(1 / (1 + 1 / 1.584962500721156))
    assert ndcg_at([1, 1]) == 1.0  # both in one passage: capped at the ideal
    assert ndcg_at([None]) == 0.0


def test_must_contain_is_case_and_space_insensitive():
    answer = "De termijn is  DRIE\u00a0jaar [1]."
    assert missing_facts(answer, ["drie jaar", "vijf jaar"]) == ["vijf jaar"]


def test_refusal_scores_and_percentile():
    scores = refusal_scores([True, True, False, False], [True, False, True, False])
    assert scores == {"refusal_precision": 0.5, "refusal_recall": 0.5, "false_refusal_rate": 0.5}
    assert refusal_scores([False], [False])["refusal_recall"] is None
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([], 95) is None


def _citation(doc: str, start: int, end: int, quote: str | None = None, n: int = 1) -> Citation:
    text = doc[start:end]
    return Citation(n=n, chunk_id="c", document_id="handreiking-leerroutes", document_title="t", publisher="p",
                    kind="handreiking", scope="national", section="s", question=None, update_date=None,
                    quote=quote if quote is not None else text[:40], text=text, url=None, score=1.0,
                    version_date="2021-06-01", start=start, end=end)


def test_citation_checks_on_a_real_document():
    sources = SourceTexts(CORPUS)
    doc = sources.text("handreiking-leerroutes", "2021-06-01")
    good = Answer(question="q", answer="Zo staat het er [1].", citations=[_citation(doc, 100, 400)])
    assert citation_problems(good, sources) == []
    shifted = _citation(doc, 100, 400)
    shifted.start += 1
    bad_quote = _citation(doc, 100, 400, quote="niet in de passage", n=2)
    bad = Answer(question="q", answer="Zo [1] en zo [2] en [3].", citations=[shifted, bad_quote])
    problems = citation_problems(bad, sources)
    assert any("[1] citation text is not" in p for p in problems)
    assert any("[2] quote is not a substring" in p for p in problems)
    assert any("[3] in the answer resolves to no citation" in p for p in problems)
    assert unresolved_markers("a [1] b [2]", {1, 2}) == []


def test_golden_loads_and_skips_half_written_lines(tmp_path: Path):
    line = {"id": "x1", "question": "q", "kind": "factual", "document_id": "d", "evidence": "Een  zin.",
            "must_contain": ["zin"], "update_date": None, "expected": "answer",
            "extra_evidence": [{"document_id": "e", "evidence": "Andere\u00a0zin."}]}
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(line) + "\n\n" + '{"id": "half', encoding="utf-8")
    [item] = load_golden(path)
    assert item.in_scope and item.evidences == ["Een zin.", "Andere zin."]
    assert item.documents == ["d", "e"] and item.history == []
    assert len(load_golden()) > 0  # the real set parses


def _result(kind: str, in_scope: bool, rank=None, refused=False, missing=(), problems=()) -> ItemResult:
    return ItemResult("i", kind, in_scope, "q", rank=rank, evidence_ranks=[rank] if in_scope else [],
                      ndcg=ndcg_at([rank]) if in_scope else None, refused=refused, missing=list(missing),
                      citation_problems=list(problems), latency_ms=10.0)


def test_summary_and_gate():
    results = [_result("factual", True, 1), _result("factual", True, 4, missing=["x"]),
               _result("case", True, None, refused=True, missing=["y"]),
               _result("out-of-scope", False, refused=True), _result("out-of-scope", False)]
    overall = summarise(results, refuses=True)["overall"]
    assert overall["hit@1"] == pytest.approx(1 / 3) and overall["hit@5"] == pytest.approx(2 / 3)
    assert overall["must_contain"] == pytest.approx(1 / 3)
    assert overall["refusal_recall"] == 0.5 and overall["false_refusal_rate"] == pytest.approx(1 / 3)
    assert overall["refusal_precision"] == 0.5 and overall["invalid_citation_answers"] == 0
    failures = check(overall, Gates(min_refusal_recall=0.6))
    assert any(f.startswith("hit@5") for f in failures) and any(f.startswith("refusal_recall") for f in failures)
    perfect = {"hit@1": 1.0, "hit@5": 1.0, "mrr@10": 1.0, "must_contain": 1.0, "refusal_recall": 1.0,
               "false_refusal_rate": 0.0, "invalid_citation_answers": 0, "declined_rate": 1.0,
               "uncertain_rate": 0.0, "both_cited": 1.0}
    assert check(perfect) == [] and GATES.min_hit_at_5 <= 1.0


def test_baseline_summary_never_refuses():
    results = [_result("factual", True, 2), _result("out-of-scope", False)]
    overall = summarise(results, refuses=False)["overall"]
    assert overall["refusal_recall"] == 0.0 and overall["false_refusal_rate"] == 0.0
    assert "must_contain" not in overall


def test_report_files(tmp_path: Path):
    from dataclasses import asdict

    from eval.report import write_report

    results = [_result("factual", True, 1), _result("case", True, None, refused=True, missing=["y"]),
               _result("out-of-scope", False, refused=True)]
    report = {"created_at": "now", "items": 3, "in_scope": 2, "k": 10, "golden": "g", "ragas_error": "x",
              "systems": [{"name": "assistant", "description": "", "refuses": True, "seconds": 1}],
              "summary": {"assistant": summarise(results, True)},
              "details": {"assistant": [asdict(r) for r in results]},
              "gate": {"failures": check(summarise(results, True)["overall"])}}
    paths = write_report(report, tmp_path)
    names = {p.name for p in paths}
    assert {"eval.json", "eval.md"} <= names
    text = (tmp_path / "eval.md").read_text()
    assert "| assistant |" in text and "FAIL hit@5" in text and "ragas unavailable" in text
