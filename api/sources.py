"""The manifest and the source texts behind the index: documents, chunks, a passage in its context."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.labels import scope_label
from inburgering.models import Chunk

log = logging.getLogger(__name__)

CONTEXT_CHARS = 1500  # text shown on either side of a passage in the source viewer


@dataclass
class PassageInContext:
    """A chunk with the document text just before and after it."""

    chunk: Chunk
    document: dict | None
    before: str
    after: str
    context_start: int
    context_end: int


class SourceLibrary:
    """Looks up chunks by id and reads their documents from the corpus (cached)."""

    def __init__(self, assistant, corpus_dir: Path) -> None:
        data = assistant.retriever.data
        self.meta = data.meta
        self.corpus_dir = Path(corpus_dir)
        self.chunks = {c.chunk_id: c for c in data.chunks}
        self.manifest = {(d["id"], d.get("version_date")): d for d in data.meta.get("manifest", [])}
        self._texts: dict[str, str | None] = {}
        self._lock = threading.Lock()
        newest: dict[tuple, str] = {}
        for c in data.chunks:
            key = (c.document_id, c.version_date)
            if c.update_date and c.update_date > newest.get(key, ""):
                newest[key] = c.update_date
        self.newest = newest

    def documents(self) -> list[dict]:
        """Every document version with its chunk count and newest update date."""
        counts = self.meta.get("documents", {})
        out = []
        for (doc_id, version), doc in self.manifest.items():
            row = {k: doc.get(k) for k in ("id", "title", "publisher", "kind", "scope", "version_date",
                                           "valid_from", "valid_until", "url", "notes", "predates_law")}
            row["notes"] = row["notes"] or ""
            row["predates_law"] = bool(row["predates_law"])
            row["chunks"] = counts.get(f"{doc_id}@{version}", 0)
            row["newest_update_date"] = self.newest.get((doc_id, version)) or version
            out.append(row)
        return out

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id, or None."""
        return self.chunks.get(chunk_id)

    def chunk_dict(self, chunk: Chunk) -> dict:
        """The chunk's metadata as the API shows it."""
        return {**chunk.to_dict(), "label": scope_label(chunk.scope)}

    def in_context(self, chunk: Chunk) -> PassageInContext:
        """The passage with up to CONTEXT_CHARS of its document on either side (paragraph-aligned)."""
        doc = self.manifest.get((chunk.document_id, chunk.version_date))
        text = self._text(doc) if doc else None
        if text is None or text[chunk.start:chunk.end] != chunk.text:
            return PassageInContext(chunk, doc, "", "", chunk.start, chunk.end)
        start = max(0, chunk.start - CONTEXT_CHARS)
        para = text.find("\n\n", start, chunk.start)
        start = para + 2 if para != -1 and start > 0 else start
        end = min(len(text), chunk.end + CONTEXT_CHARS)
        para = text.rfind("\n\n", chunk.end, end)
        end = para if para != -1 and end < len(text) else end
        return PassageInContext(chunk, doc, text[start:chunk.start], text[chunk.end:end], start, end)

    def _text(self, doc: dict) -> str | None:
        """The document's text as the ingest read it (chunk offsets point into it)."""
        from ingest.load import LoadError, load_text

        path = self.corpus_dir / doc["file"]
        with self._lock:
            if doc["file"] not in self._texts:
                try:
                    self._texts[doc["file"]] = load_text(path).text
                except LoadError as exc:
                    log.warning("source text unavailable: %s", exc)
                    self._texts[doc["file"]] = None
            return self._texts[doc["file"]]
