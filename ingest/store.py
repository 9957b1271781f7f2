"""The index directory: chunks, FAISS vectors, BM25 and index_meta.json, swapped in atomically.

`index_dir` is a symlink to a versioned build directory; a new build is written beside it and
the link is replaced with one rename, so readers see the old index or the new one, never half.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inburgering.models import Chunk
from ingest.keyword_index import KeywordIndex
from ingest.vector_index import VectorIndex

log = logging.getLogger(__name__)


class IndexError_(Exception):
    """The index cannot be used; `message_nl` says why in Dutch."""

    def __init__(self, message_en: str, message_nl: str) -> None:
        super().__init__(message_en)
        self.message_nl = message_nl


@dataclass
class IndexData:
    """Everything a retriever needs, in memory."""

    chunks: list[Chunk]
    vectors: VectorIndex
    vector_chunk: np.ndarray  # row of `vectors` -> position in `chunks`
    vector_spans: np.ndarray  # row of `vectors` -> (start, end) of its window in the chunk text
    keywords: KeywordIndex
    meta: dict = field(default_factory=dict)
    glossary_json: str | None = None  # the glossary BM25 was built with travels with the index
    # One vector per sentence, for choosing the sentences that answer (None: an older index).
    sentence_vectors: np.ndarray | None = None
    sentence_rows: np.ndarray | None = None  # row -> (chunk position, start, end) in chunk.text
    title_vectors: np.ndarray | None = None  # per chunk: its question line or heading, embedded as a query


def write_index(data: IndexData, index_dir: Path) -> Path:
    """Write a complete build next to index_dir and point index_dir at it atomically."""
    parent = index_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    # Microseconds and the pid keep two builds in the same second (tests, a quick re-run) apart.
    build = parent / f"{index_dir.name}-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() // 1000 % 1_000_000:06d}-{os.getpid()}"
    tmp = build.with_name(build.name + ".partial")
    tmp.mkdir()
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
        for chunk in data.chunks:
            f.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    data.vectors.save(tmp / "vectors.faiss")
    np.save(tmp / "vector_chunk.npy", data.vector_chunk)
    np.save(tmp / "vector_spans.npy", data.vector_spans)
    data.keywords.save(tmp / "bm25")
    if data.sentence_vectors is not None:
        np.save(tmp / "sentence_vectors.npy", data.sentence_vectors)
        np.save(tmp / "sentence_rows.npy", data.sentence_rows)
    if data.title_vectors is not None:
        np.save(tmp / "title_vectors.npy", data.title_vectors)
    if data.glossary_json is not None:
        (tmp / "glossary.json").write_text(data.glossary_json, encoding="utf-8")
    (tmp / "index_meta.json").write_text(json.dumps(data.meta, indent=2, ensure_ascii=False))
    tmp.rename(build)
    _swap_link(index_dir, build)
    _remove_old_builds(index_dir, keep=build)
    return build


def _swap_link(index_dir: Path, build: Path) -> None:
    """Point index_dir at build with a single atomic rename of a fresh symlink."""
    if index_dir.exists() and not index_dir.is_symlink():
        index_dir.rename(index_dir.with_name(index_dir.name + f"-legacy-{os.getpid()}"))
    link = index_dir.with_name(f".{index_dir.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(build.name)
    os.replace(link, index_dir)


def _remove_old_builds(index_dir: Path, keep: Path) -> None:
    """Delete earlier builds (and leftovers of crashed ones) once the new one is live."""
    for old in index_dir.parent.glob(f"{index_dir.name}-*"):
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def read_meta(index_dir: Path) -> dict | None:
    """index_meta.json of the live index, or None when there is none."""
    path = index_dir / "index_meta.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"index_meta.json at {index_dir} is unreadable ({exc}); re-run `inburgering ingest`",
                          "De index is beschadigd of onvolledig en kan niet worden geladen. Voer "
                          "`inburgering ingest` opnieuw uit.") from exc


def read_chunks(index_dir: Path) -> list[Chunk]:
    """Only the chunks of the live index (no vectors, no BM25): enough for the changes feed."""
    if read_meta(index_dir) is None:
        raise IndexError_(f"no index at {index_dir}; run `inburgering ingest` first",
                          "Er is nog geen index. Voer eerst `inburgering ingest` uit.")
    with open(index_dir.resolve() / "chunks.jsonl", encoding="utf-8") as f:
        return [Chunk.from_dict(json.loads(line)) for line in f]


def load_index(index_dir: Path, embedder_name: str | None = None) -> IndexData:
    """Load the live index; refuse one built with another embedder than the one configured."""
    meta = read_meta(index_dir)
    if meta is None:
        raise IndexError_(f"no index at {index_dir}; run `inburgering ingest` first",
                          "Er is nog geen index. Voer eerst `inburgering ingest` uit.")
    if embedder_name and meta.get("embedder") != embedder_name:
        raise IndexError_(
            f"index at {index_dir} was built with embedder {meta.get('embedder')!r}, "
            f"but {embedder_name!r} is configured; re-run `inburgering ingest`",
            f"De index is gebouwd met een ander embeddingmodel ({meta.get('embedder')}) dan is "
            f"ingesteld ({embedder_name}). Voer `inburgering ingest` opnieuw uit.")
    try:
        return _load_files(index_dir.resolve(), meta)
    except Exception as exc:  # a truncated or overwritten file: say so plainly, no traceback for the user
        raise IndexError_(
            f"index at {index_dir} is damaged or incomplete ({type(exc).__name__}: {exc}); "
            "re-run `inburgering ingest`",
            "De index is beschadigd of onvolledig en kan niet worden geladen. Voer `inburgering ingest` "
            "opnieuw uit.") from exc


def _load_files(root: Path, meta: dict) -> IndexData:
    """Read every file of an index directory into memory."""
    with open(root / "chunks.jsonl", encoding="utf-8") as f:
        chunks = [Chunk.from_dict(json.loads(line)) for line in f]
    glossary_path = root / "glossary.json"
    glossary_json = glossary_path.read_text(encoding="utf-8") if glossary_path.exists() else None
    glossary = None
    if glossary_json is not None:
        from ingest.glossary import Glossary

        glossary = Glossary.load(glossary_path)
    sentences = root / "sentence_vectors.npy"
    titles = root / "title_vectors.npy"
    return IndexData(
        title_vectors=np.load(titles) if titles.exists() else None,
        sentence_vectors=np.load(sentences) if sentences.exists() else None,
        sentence_rows=np.load(root / "sentence_rows.npy") if sentences.exists() else None,
        chunks=chunks,
        vectors=VectorIndex.load(root / "vectors.faiss"),
        vector_chunk=np.load(root / "vector_chunk.npy"),
        vector_spans=np.load(root / "vector_spans.npy"),
        keywords=KeywordIndex.load(root / "bm25", glossary),
        meta=meta,
        glossary_json=glossary_json,
    )
