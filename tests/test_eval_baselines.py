"""The baselines run on a handful of real questions and give numbers in range."""
from __future__ import annotations

import pytest

from eval.golden import load_golden
from eval.run import Context, run_system
from eval.summary import summarise

pytestmark = pytest.mark.slow
SMALL = ("handreiking-leerroutes", "acvz-themabijeenkomsten")  # small documents: a cold embed is quick


@pytest.fixture(scope="module")
def items():
    """Five in-scope questions answered by the small documents, and one out-of-scope question."""
    found = [i for i in load_golden() if i.document_id in SMALL and not i.extra_evidence][:5]
    assert len(found) == 5
    return found + [i for i in load_golden() if not i.in_scope][:1]


@pytest.fixture(scope="module")
def systems(index_settings, assistant):
    from eval.baselines import LlamaIndexDefault, WindowBM25
    from eval.citations import SourceTexts
    from eval.systems import weighted

    docs = [d for d in SourceTexts(index_settings.corpus_dir).documents() if d[0] in SMALL]
    cache = index_settings.cache_dir / "baseline-embeddings.sqlite"
    return [WindowBM25(docs), LlamaIndexDefault(docs, assistant.retriever.embedder, cache),
            weighted(assistant, "dense-only", 1.0, 0.0), weighted(assistant, "bm25-only", 0.0, 1.0)]


def test_windows_overlap_and_cover_the_text():
    from eval.baselines import windows

    text = "x" * 2500
    parts = windows("d", "v", text)
    assert [len(p.text) for p in parts] == [1000, 1000, 900]
    assert parts[1].id == "d@v#800" and "".join(p.text[:800] for p in parts[:-1]) + parts[-1].text == text


def test_baselines_give_numbers_in_range(items, systems, index_settings):
    from eval.citations import SourceTexts
    from eval.ragas_metrics import load_ragas

    scorer, _ = load_ragas()
    ctx = Context(SourceTexts(index_settings.corpus_dir), scorer)
    for system in systems:
        results = run_system(system, items, ctx)
        overall = summarise(results, system.refuses)["overall"]
        assert overall["errors"] == 0, system.name
        for key in ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10", "reachable"):
            assert 0.0 <= overall[key] <= 1.0, (system.name, key)
        assert overall["hit@1"] <= overall["hit@3"] <= overall["hit@5"]
        assert overall["hit@5"] > 0, f"{system.name} found none of five easy evidences"
        assert overall["refusal_recall"] == 0.0 and overall["false_refusal_rate"] == 0.0
        assert overall["latency_p50_ms"] > 0
        for r in results:
            assert all(0.0 <= v <= 1.0 for v in r.ragas.values() if v is not None)
