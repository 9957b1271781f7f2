"""Plain data handed between the stages: documents, chunks, hits, citations, answers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class DocumentVersion:
    """One manifest entry: a document as published on one date."""

    id: str
    title: str
    publisher: str
    kind: str
    scope: str
    version_date: str | None
    valid_from: str | None
    file: str
    url: str | None = None
    notes: str = ""
    predates_law: bool = False
    assumed_start_date: str | None = None
    valid_until: str | None = None  # set when a newer version of the same id exists


@dataclass
class SourceDocument:
    """A loaded document: its manifest entry and its full text."""

    meta: DocumentVersion
    text: str
    pages: list[tuple[int, int]] = field(default_factory=list)  # (char offset, page number)


@dataclass
class Segment:
    """A structural unit found by a parser, before splitting: a span of the source text."""

    start: int
    end: int
    section: str
    question: str | None = None
    question_no: int | None = None
    update_date: str | None = None
    update_marker: str | None = None
    role: str = "body"  # body | qa | intro | preamble | links | table


@dataclass
class Chunk:
    """An indexed passage with the metadata of DESIGN.md's contract."""

    chunk_id: str
    document_id: str
    document_title: str
    publisher: str
    kind: str
    scope: str
    section: str
    question: str | None
    update_date: str | None
    version_date: str | None
    valid_from: str | None
    start: int
    end: int
    text: str
    question_no: int | None = None
    update_marker: str | None = None
    valid_until: str | None = None
    page: int | None = None
    url: str | None = None
    role: str = "body"
    passage_key: str = ""  # identifies "the same passage" across versions of a document
    footnotes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the chunk as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        """Build a chunk from a dict written by `to_dict` (unknown keys ignored)."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the scores it came from."""

    chunk: Chunk
    score: float
    dense: float | None = None
    bm25: float | None = None
    rank: int = 0
    windows: list[tuple[int, int, float]] = field(default_factory=list)  # (start, end, similarity) in chunk.text


@dataclass
class Citation:
    """One numbered source of an answer."""

    n: int
    chunk_id: str
    document_id: str
    document_title: str
    publisher: str
    kind: str
    scope: str
    section: str
    question: str | None
    update_date: str | None
    quote: str
    text: str
    url: str | None
    score: float
    version_date: str | None = None
    start: int = 0
    end: int = 0
    label: str = ""


@dataclass
class Answer:
    """The answer contract of DESIGN.md, shared by the CLI, the API and Teams."""

    question: str
    answer: str
    refused: bool = False
    confidence: float = 0.0
    mode: str = "extractive"
    citations: list[Citation] = field(default_factory=list)
    as_of: str | None = None
    scope: str | None = None
    warnings: list[str] = field(default_factory=list)
    session_id: str | None = None
    latency_ms: int = 0
    answer_id: str | None = None
    # "answer", "uncertain" (the nearest passage, labelled as possibly not answering) or "refused";
    # `refused` stays for older clients and is true only for "refused".
    status: str = "answer"

    def to_dict(self) -> dict[str, Any]:
        """Return the answer as the JSON-ready dict of the contract."""
        return asdict(self)


@dataclass
class Turn:
    """One user turn of a conversation and the answer it got."""

    question: str
    answer: Answer | None = None
