"""Request and response bodies of the HTTP API (apart from the domain dataclasses)."""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

MAX_QUESTION_CHARS = 2000
MAX_HISTORY = 20
SCOPE_PATTERN = r"^(national|regio:[a-z0-9-]+|gemeente:[a-z0-9-]+)$"
_SCOPE_RE = re.compile(SCOPE_PATTERN)

# The schema says what the server checks: Python's str.strip() whitespace (which is what is stripped)
# written out, so schema-driven clients and fuzzers agree with the server on what "empty" is; and no NUL,
# which PostgreSQL cannot store.
_SPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
QUESTION_PATTERN = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"
_QUESTION_RE = re.compile(QUESTION_PATTERN)
NUL_MESSAGE = "bevat een ongeldig teken (NUL, \\u0000)"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


def _question(value: str) -> str:
    _no_nul(value)
    if not _QUESTION_RE.match(value):
        raise ValueError("is leeg")
    return value.strip()


Question = Annotated[str, StringConstraints(max_length=MAX_QUESTION_CHARS), AfterValidator(_question),
                     Field(json_schema_extra={"pattern": QUESTION_PATTERN})]
EarlierQuestion = Annotated[str, StringConstraints(max_length=MAX_QUESTION_CHARS), AfterValidator(_no_nul),
                            Field(json_schema_extra={"pattern": NO_NUL_PATTERN})]
SessionId = Annotated[str, StringConstraints(min_length=1, max_length=400), AfterValidator(_no_nul),
                      Field(json_schema_extra={"pattern": NO_NUL_PATTERN})]


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"'{value[:40]}' is geen geldige datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2023-05-16") from None


def _check_scope(value: str | None) -> str | None:
    if value is None or _SCOPE_RE.match(value):
        return value
    raise ValueError("onbekende scope; gebruik national, regio:<naam> of gemeente:<naam>, bijvoorbeeld regio:amrd")


class _Filters(BaseModel):
    as_of: str | None = Field(None, description="Peildatum JJJJ-MM-DD: wat de bronnen op die dag zeiden.",
                              json_schema_extra={"format": "date"}, examples=["2023-05-16"])
    scope: str | None = Field(None, description="national, regio:<naam> of gemeente:<naam>.",
                              json_schema_extra={"pattern": SCOPE_PATTERN}, examples=["regio:amrd"])
    mode: Literal["extractive", "llm"] | None = Field(None, description="extractive (standaard) of llm.")

    _as_of = field_validator("as_of")(_check_date)
    _scope = field_validator("scope")(_check_scope)


class AskRequest(_Filters):
    """One question, with the earlier user questions of the conversation (oldest first)."""

    question: Question = Field(..., examples=["Moet een gezinsmigrant van 17 een PIP krijgen?"])
    history: list[EarlierQuestion] = Field(default_factory=list, max_length=MAX_HISTORY)


class ChatRequest(_Filters):
    """A chat turn: the server keeps the history under `session_id` (new session when absent)."""

    question: Question = Field(..., examples=["En voor statushouders?"])
    session_id: SessionId | None = None


class FeedbackRequest(BaseModel):
    """A thumbs up or down on an answer."""

    answer_id: Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_no_nul),
                         Field(json_schema_extra={"pattern": NO_NUL_PATTERN})]
    rating: Literal["up", "down"]
    comment: Annotated[str, StringConstraints(max_length=MAX_QUESTION_CHARS), AfterValidator(_no_nul),
                       Field(json_schema_extra={"pattern": NO_NUL_PATTERN})] | None = None


class CitationOut(BaseModel):
    """A numbered source of an answer (DESIGN.md contract)."""

    n: int
    chunk_id: str
    document_id: str
    document_title: str
    publisher: str
    kind: str
    scope: str
    section: str
    question: str | None = None
    update_date: str | None = None
    quote: str
    text: str
    url: str | None = None
    score: float
    version_date: str | None = None
    start: int = 0
    end: int = 0
    label: str = ""


class AnswerOut(BaseModel):
    """The Answer contract of DESIGN.md, plus answer_id (for feedback)."""

    question: str
    answer: str
    refused: bool
    confidence: float
    mode: str
    citations: list[CitationOut]
    as_of: str | None = None
    scope: str | None = None
    warnings: list[str]
    session_id: str | None = None
    latency_ms: int
    answer_id: str
    status: Literal["answer", "uncertain", "refused"] = Field(
        "answer", description="answer; uncertain: de dichtstbijzijnde passage, mogelijk geen antwoord op de vraag; "
                              "refused: de bronnen beantwoorden de vraag niet (dan is refused true).")


class TurnOut(BaseModel):
    """One question of a session and its answer."""

    n: int
    question: str
    asked_at: str
    answer: AnswerOut


class SessionOut(BaseModel):
    """A stored conversation."""

    session_id: str
    channel: str
    created: str
    updated: str
    scope: str | None = None
    as_of: str | None = None
    turns: list[TurnOut]


class FeedbackOut(BaseModel):
    """Feedback was stored."""

    feedback_id: int
    answer_id: str
    rating: str
    status: str = "ontvangen"


class DocumentOut(BaseModel):
    """One document version of the manifest with its chunk count."""

    id: str
    title: str
    publisher: str
    kind: str
    scope: str
    version_date: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    url: str | None = None
    notes: str = ""
    predates_law: bool = False
    chunks: int
    newest_update_date: str | None = None


class DocumentsOut(BaseModel):
    """The manifest of the loaded index."""

    documents: list[DocumentOut]
    chunks: int
    newest_update_date: str | None = None
    built_at: str | None = None
    embedder: str | None = None
    corpus_hash: str | None = None


class ChunkOut(BaseModel):
    """A passage with the chunk metadata of DESIGN.md."""

    chunk_id: str
    document_id: str
    document_title: str
    publisher: str
    kind: str
    scope: str
    section: str
    question: str | None = None
    update_date: str | None = None
    version_date: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    start: int
    end: int
    text: str
    url: str | None = None
    page: int | None = None
    label: str = ""


class SourceOut(BaseModel):
    """A passage in its document: the text before it, the passage, the text after it."""

    chunk: ChunkOut
    document: DocumentOut | None = None
    before: str
    passage: str
    after: str
    context_start: int
    context_end: int
    viewer_url: str


class StatusOut(BaseModel):
    """Health or readiness."""

    status: str
    detail: str | None = None


class ErrorOut(BaseModel):
    """Every error: a Dutch message."""

    detail: str
