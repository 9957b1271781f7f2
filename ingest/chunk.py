"""Turn a loaded document into chunks: parse its structure, split long sections, attach metadata."""
from __future__ import annotations

import hashlib
import re

from inburgering.models import Chunk, Segment, SourceDocument
from ingest.load import page_at
from ingest.parse_qa import parse_qa
from ingest.parse_sections import cited_footnotes, footnotes, parse_sections
from ingest.split import split_span

CHUNKER_VERSION = "5"
# e5's tokenizer gives about 1.4 tokens per Dutch word; DESIGN asks for 300-400 token chunks.
TOKENS_PER_WORD = 1.4


def chunk_document(doc: SourceDocument, chunk_tokens: int = 350) -> list[Chunk]:
    """Return the chunks of one document version, in text order, with stable ids."""
    text = doc.text
    segments = parse_qa(text) if doc.meta.kind == "qa" else parse_sections(text)
    notes = footnotes(text)
    max_words = int(chunk_tokens / TOKENS_PER_WORD)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for seg in segments:
        # A Q&A entry stays whole: the question and its answer are one unit of meaning.
        limit = max_words // 2 if seg.role == "table" else max_words  # table rows read best in small groups
        spans = [(seg.start, seg.end)] if seg.role == "qa" else split_span(text, seg.start, seg.end, limit)
        for part, (a, b) in enumerate(spans):
            chunk = _make_chunk(doc, seg, a, b, part)
            chunk.footnotes = cited_footnotes(chunk.text, notes)
            n = seen.get(chunk.chunk_id, 0)
            seen[chunk.chunk_id] = n + 1
            if n:  # the same text twice in one document still needs two ids
                chunk.chunk_id = f"{chunk.chunk_id}-{n}"
            chunks.append(chunk)
    return chunks


def _make_chunk(doc: SourceDocument, seg: Segment, a: int, b: int, part: int) -> Chunk:
    """Build one chunk for text[a:b] of a segment."""
    meta, body = doc.meta, doc.text[a:b]
    digest = hashlib.sha1(f"{meta.id}|{meta.version_date}|{seg.section}|{body}".encode()).hexdigest()
    key = f"q:{_norm(seg.question)}" if seg.question else f"s:{_norm(seg.section)}#{part}"
    return Chunk(
        chunk_id=f"{meta.id}-{digest[:12]}", document_id=meta.id, document_title=meta.title,
        publisher=meta.publisher, kind=meta.kind, scope=meta.scope, section=seg.section,
        question=seg.question, update_date=seg.update_date, version_date=meta.version_date,
        valid_from=meta.valid_from, valid_until=meta.valid_until, start=a, end=b, text=body,
        question_no=seg.question_no, update_marker=seg.update_marker, page=page_at(doc.pages, a),
        url=meta.url, role=seg.role, passage_key=key,
    )


def _norm(text: str) -> str:
    """Lower-case, single-spaced text used in passage keys."""
    return " ".join(text.lower().replace("\u00a0", " ").split())


def search_text(chunk: Chunk) -> str:
    """The text that the retrievers see: heading path, question, passage, cited footnotes."""
    parts = [chunk.section]
    if chunk.question and chunk.question not in chunk.text[:400]:
        parts.append(chunk.question)
    parts.append(readable_tables(chunk.text))
    parts += chunk.footnotes
    return "\n".join(p for p in parts if p)


def readable_tables(text: str) -> str:
    """Rewrite tab-separated table rows as "header: value" pairs so a row reads on its own."""
    lines = text.split("\n")
    out, header = [], None
    for line in lines:
        cells = [c.strip() for c in re.split(r"\t+", line)]
        if "\t" not in line or len([c for c in cells if c]) < 2:
            out.append(line)
            header = None
            continue
        if header is None:
            header = cells
            out.append(" | ".join(c for c in cells if c))
            continue
        pairs = [f"{h}: {c}" if h else c for h, c in zip(header + [""] * len(cells), cells) if c]
        out.append("; ".join(pairs))
    return "\n".join(out)
