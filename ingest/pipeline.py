"""Ingest the corpus: load, chunk, embed (cached), index, and swap the new index in."""
from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from inburgering.models import Chunk, DocumentVersion, SourceDocument
from inburgering.settings import Settings
from ingest.chunk import CHUNKER_VERSION, chunk_document, search_text
from ingest.embed import EmbeddingCache, embed_cached, get_embedder
from ingest.keyword_index import KeywordIndex
from ingest.load import LoadError, load_text
from ingest.manifest import law_in_force, load_manifest
from ingest.split import count_words, sentence_spans, split_span
from ingest.store import IndexData, write_index
from ingest.text import words
from ingest.vector_index import VectorIndex

log = logging.getLogger(__name__)
# Each chunk is embedded as windows of about 60 words (a few sentences) under its heading; a
# chunk scores as its best window. On the original questions (now dev) this beat one vector per whole passage
# (hit@1 0.59 vs 0.51 dense-only) because a long answer no longer dilutes the sentence that matters.
WINDOW_WORDS = 60


@dataclass
class DocumentReport:
    """What ingest did with one document version."""

    document_id: str
    version_date: str | None
    file: str
    chunks: int = 0
    seconds: float = 0.0


@dataclass
class IngestReport:
    """Summary of one ingest run."""

    documents: list[DocumentReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, Dutch message)
    chunks: int = 0
    vectors: int = 0
    embedded: int = 0
    seconds: float = 0.0
    index_path: str | None = None


def load_documents(corpus_dir: Path, report: IngestReport) -> list[SourceDocument]:
    """Load every manifest entry; a bad file is reported and skipped, the rest goes on."""
    docs = []
    for meta in load_manifest(corpus_dir):
        started = time.perf_counter()
        try:
            loaded = load_text(corpus_dir / meta.file)
        except LoadError as exc:
            log.warning("skipped %s: %s", meta.file, exc)
            report.skipped.append((meta.file, exc.message_nl))
            continue
        if not re.search(r"\w", loaded.text):  # e.g. a file of NUL bytes: it would give 0 chunks, silently
            log.warning("skipped %s: no readable text", meta.file)
            report.skipped.append((meta.file, f"Bestand '{meta.file}' bevat geen leesbare tekst "
                                              "(bijvoorbeeld alleen NUL-bytes of lege tekens)."))
            continue
        docs.append(SourceDocument(meta=meta, text=loaded.text, pages=loaded.pages))
        report.documents.append(DocumentReport(meta.id, meta.version_date, meta.file,
                                               seconds=time.perf_counter() - started))
    return docs


def vector_texts(chunk: Chunk) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of every vector a chunk gets: windows of its text under its heading."""
    head = " ".join(p for p in (chunk.section.split(" > ")[-1], chunk.question) if p)
    text = chunk.text
    return [("passage", f"{head}\n{text[a:b]}", a, b) for a, b in split_span(text, 0, len(text), WINDOW_WORDS)]


def sentence_texts(chunk: Chunk) -> list[tuple[str, int, int]]:
    """(text, start, end) of every sentence of a chunk that can carry an answer (4 words or more).

    Embedded one by one so the composer can tell which sentence answers a question, not only which
    60-word window does.
    """
    return [(chunk.text[a:b], a, b) for a, b in sentence_spans(chunk.text) if count_words(chunk.text[a:b]) >= 4]


def title_text(chunk: Chunk) -> str:
    """The question a passage answers: its Q&A question line, else its heading path's last part."""
    return chunk.question or chunk.section.split(" > ")[-1] or chunk.document_title


def corpus_hash(corpus_dir: Path, docs: list[SourceDocument]) -> str:
    """Hash of the manifest and the loaded texts: equal hash, equal corpus."""
    h = hashlib.sha256((corpus_dir / "manifest.json").read_bytes())
    for doc in docs:
        h.update(doc.meta.id.encode() + b"\0" + doc.text.encode())
    return h.hexdigest()


def build_index(chunks: list[Chunk], embedder, cache: EmbeddingCache | None, batch: int,
                progress: Callable[[int], None] | None = None, glossary_path: Path | None = None
                ) -> tuple[IndexData, int]:
    """Embed (through the cache) and index the chunks; returns the data and how many were new."""
    rows = [(i, *v) for i, c in enumerate(chunks) for v in vector_texts(c)]
    vectors, embedded = embed_cached(embedder, cache, [r[2] for r in rows], "passage", batch=batch,
                                     progress=progress)
    sentence_rows = [(i, a, b, t) for i, c in enumerate(chunks) for t, a, b in sentence_texts(c)]
    sentence_vectors, new = embed_cached(embedder, cache, [r[3] for r in sentence_rows], "passage", batch=batch,
                                         progress=progress)
    embedded += new
    # Each passage's own question (a Q&A entry) or its heading, embedded as a question would be: a
    # user's question is matched against the question the passage answers.
    titles = [title_text(c) for c in chunks]
    title_vectors, new = embed_cached(embedder, cache, titles, "query", batch=batch, progress=progress)
    embedded += new
    texts = [search_text(c) for c in chunks]
    vocabulary = sorted({w for t in texts for w in words(t) if len(w) > 3})
    glossary_json, glossary = None, None
    if glossary_path and glossary_path.exists():
        from ingest.glossary import Glossary

        glossary_json, glossary = glossary_path.read_text(encoding="utf-8"), Glossary.load(glossary_path)
    data = IndexData(
        chunks=chunks,
        vectors=VectorIndex.build(vectors),
        vector_chunk=np.array([r[0] for r in rows], dtype=np.int32),
        vector_spans=np.array([(r[3], r[4]) for r in rows], dtype=np.int32),
        keywords=KeywordIndex.build(texts, vocabulary, glossary),
        glossary_json=glossary_json,
        sentence_vectors=np.asarray(sentence_vectors, dtype=np.float32),
        title_vectors=np.asarray(title_vectors, dtype=np.float32),
        sentence_rows=np.array([r[:3] for r in sentence_rows], dtype=np.int32).reshape(-1, 3),
    )
    return data, embedded


def count_vectors(chunks: list[Chunk]) -> int:
    """How many vectors the chunks will get (for the progress bar)."""
    return sum(len(vector_texts(c)) + len(sentence_texts(c)) + 1 for c in chunks)


def ingest(settings: Settings, progress_factory=None) -> IngestReport:
    """Run the whole ingest; the previous index stays live unless a complete new one is built."""
    started = time.perf_counter()
    report = IngestReport()
    docs = load_documents(settings.corpus_dir, report)
    chunks: list[Chunk] = []
    for doc, doc_report in zip(docs, report.documents):
        t0 = time.perf_counter()
        doc_chunks = chunk_document(doc, settings.chunk_tokens)
        doc_report.chunks = len(doc_chunks)
        doc_report.seconds += time.perf_counter() - t0
        chunks += doc_chunks
    if not chunks:
        report.seconds = time.perf_counter() - started
        return report
    embedder = get_embedder(settings.embedder, settings.embed_threads)
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
    progress = progress_factory(count_vectors(chunks)) if progress_factory else None
    try:
        data, report.embedded = build_index(chunks, embedder, cache, settings.embed_batch, progress,
                                            settings.corpus_dir / "glossary.json")
    finally:
        cache.close()
    data.meta = _meta(settings, embedder.name, data, docs)
    report.index_path = str(write_index(data, settings.index_dir))
    report.chunks, report.vectors = len(chunks), data.vectors.size
    report.seconds = time.perf_counter() - started
    return report


def _meta(settings: Settings, embedder_name: str, data: IndexData, docs: list[SourceDocument]) -> dict:
    """What index_meta.json records about how this index was built."""
    counts: dict[str, int] = {}
    for c in data.chunks:
        key = f"{c.document_id}@{c.version_date}"
        counts[key] = counts.get(key, 0) + 1
    return {
        "embedder": embedder_name,
        "dim": data.vectors.dim,
        "chunker_version": CHUNKER_VERSION,
        "chunk_tokens": settings.chunk_tokens,
        "corpus_hash": corpus_hash(settings.corpus_dir, docs),
        "window_words": WINDOW_WORDS,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "chunks": len(data.chunks),
        "vectors": data.vectors.size,
        "sentence_vectors": 0 if data.sentence_vectors is None else int(len(data.sentence_vectors)),
        "documents": counts,
        # The manifest travels with the index, so answering needs nothing but the index directory.
        "manifest": [asdict(d.meta) for d in docs],
        "law_in_force": law_in_force(settings.corpus_dir),
    }
