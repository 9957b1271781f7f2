"""BM25 over the chunks (bm25s), behind a small interface; bm25s stays inside this module."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ingest.text import fold, tokens

log = logging.getLogger(__name__)


def keyword_tokens(text: str, glossary=None) -> list[str]:
    """BM25 tokens plus one canonical token per glossary term mentioned ("pip", "z route" and
    "zelfredzaamheidsroute" all yield the same token), on the index and the query side alike.

    Appending the expansions to the query instead was measured to hurt: long expansions of
    ubiquitous words ("Wet inburgering 2021") drown the question's own terms.
    """
    out = tokens(text)
    if glossary is not None:
        out += ["=" + fold(term).replace(" ", "_") for term in glossary.terms_in(text)]
    return out


def _bm25s():
    """Import bm25s, which sets its own logger to DEBUG on import and would log every build."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class KeywordIndex:
    """BM25 scores of every chunk for a query."""

    def __init__(self, retriever, vocabulary: list[str], glossary=None) -> None:
        self._retriever = retriever
        self.vocabulary = vocabulary  # folded surface words of the corpus, for typo repair
        self.glossary = glossary

    @classmethod
    def build(cls, texts: list[str], vocabulary: list[str], glossary=None) -> "KeywordIndex":
        """Index the given chunk texts."""
        retriever = _bm25s().BM25(k1=1.2, b=0.75)
        retriever.index([keyword_tokens(t, glossary) or ["_empty_"] for t in texts], show_progress=False)
        return cls(retriever, vocabulary, glossary)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (0 where no query token occurs)."""
        vocab = self._retriever.vocab_dict
        query_tokens = [t for t in keyword_tokens(query, self.glossary) if t in vocab]
        if not query_tokens:
            return np.zeros(self._retriever.scores["num_docs"], dtype=np.float32)
        return self._retriever.get_scores(query_tokens).astype(np.float32)

    def save(self, path: Path) -> None:
        """Write the index to a directory."""
        self._retriever.save(str(path), show_progress=False)
        (path / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path, glossary=None) -> "KeywordIndex":
        """Read an index written by `save` (with the glossary it was built with)."""
        retriever = _bm25s().BM25.load(str(path), load_corpus=False)
        return cls(retriever, json.loads((path / "vocabulary.json").read_text()), glossary)
