"""Dense vectors in FAISS behind a small interface; faiss stays inside this module."""
from __future__ import annotations

from pathlib import Path

import numpy as np


class VectorIndex:
    """Exact inner-product search over L2-normalised vectors (cosine similarity)."""

    def __init__(self, index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> "VectorIndex":
        """Index the vectors (rows)."""
        import faiss

        # A flat index is exact and, for thousands of vectors, faster than any approximate one.
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        """Number of vectors."""
        return self._index.ntotal

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return self._index.d

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Similarities and row ids of the k nearest vectors."""
        k = min(k, self._index.ntotal)
        scores, ids = self._index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), k)
        return scores[0], ids[0]

    def matrix(self) -> np.ndarray:
        """All vectors as one (size, dim) array, in row order."""
        return self._index.reconstruct_n(0, self._index.ntotal)

    def save(self, path: Path) -> None:
        """Write the index to a file."""
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        """Read an index written by `save`."""
        import faiss

        return cls(faiss.read_index(str(path)))
