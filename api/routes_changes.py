"""What changed in the sources: the change feed since a date, and the history of one passage."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from api.deps import CallerDep, ReadyDep
from api.schemas import ErrorOut

router = APIRouter(prefix="/v1", tags=["wijzigingen"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 422, 429, 500, 503)}
BAD_DATE = "'{value}' is geen geldige datum voor 'since'; gebruik JJJJ-MM-DD, bijvoorbeeld 2024-05-01."
UNKNOWN_CHUNK = "Onbekende passage (chunk_id). De index is misschien opnieuw gebouwd; stel de vraag opnieuw."


class DiffOpOut(BaseModel):
    """One run of a word diff: equal, delete, insert or replace."""

    op: str
    old: str
    new: str


class EntryChangeOut(BaseModel):
    """A Q&A entry added or updated on or after the date, by its own marker."""

    change: str
    document_id: str
    document_title: str
    chunk_id: str
    section: str
    question: str | None = None
    update_date: str
    update_marker: str | None = None
    version_date: str | None = None


class PassageChangeOut(BaseModel):
    """A passage added, removed or changed between two versions of a document."""

    change: str
    passage_key: str
    section: str
    question: str | None = None
    old_chunk_id: str | None = None
    new_chunk_id: str | None = None
    old_update_date: str | None = None
    new_update_date: str | None = None
    update_marker: str | None = None
    old_text: str | None = None
    new_text: str | None = None
    diff: list[DiffOpOut] = []
    diff_text: str = ""


class VersionChangesOut(BaseModel):
    """The changes from one version of a document to the next."""

    document_id: str
    document_title: str
    from_version: str | None = None
    to_version: str | None = None
    valid_from: str | None = None
    changes: list[PassageChangeOut]


class ChangesOut(BaseModel):
    """Everything that changed in the sources since a date."""

    since: str
    entries: list[EntryChangeOut]
    versions: list[VersionChangesOut]


class HistoryEntryOut(BaseModel):
    """A passage in one version of its document, with the word diff from the version before."""

    status: str
    version_date: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    chunk_id: str | None = None
    text: str | None = None
    update_date: str | None = None
    update_marker: str | None = None
    diff: list[DiffOpOut] = []
    diff_text: str = ""


class HistoryOut(BaseModel):
    """How a passage changed across the versions of its document, oldest first."""

    chunk_id: str
    document_id: str
    versions: list[HistoryEntryOut]


@router.get("/changes", response_model=ChangesOut, responses=ERRORS)
def changes(request: Request, caller: CallerDep, state: ReadyDep,
            since: str = Query(..., description="Wijzigingen vanaf deze datum (JJJJ-MM-DD).",
                               json_schema_extra={"format": "date"}, examples=["2024-05-01"])) -> ChangesOut:
    """Vragen die sinds de datum zijn toegevoegd of bijgewerkt, en wat er tussen versies is gewijzigd."""
    from ingest.changes import changes_since

    unknown = sorted(set(request.query_params) - {"since"})
    if unknown:  # a misspelt parameter must not silently give the unfiltered feed
        raise HTTPException(422, f"Onbekende parameter: {', '.join(repr(u) for u in unknown)}; alleen 'since' is toegestaan.")
    try:
        since = date.fromisoformat(since).isoformat()
    except ValueError:
        raise HTTPException(422, BAD_DATE.format(value=since[:40])) from None
    return ChangesOut.model_validate(changes_since(state.assistant.retriever.data.chunks, since).to_dict())


@router.get("/sources/{chunk_id}/history", response_model=HistoryOut, responses=ERRORS)
def history(chunk_id: str, caller: CallerDep, state: ReadyDep) -> HistoryOut:
    """Deze passage in elke versie van het document: tekst, datums en de woordwijzigingen."""
    from dataclasses import asdict

    from ingest.changes import passage_history

    chunks = state.assistant.retriever.data.chunks
    found = passage_history(chunks, chunk_id)
    if found is None:
        raise HTTPException(404, UNKNOWN_CHUNK)
    document_id = next(c.document_id for c in chunks if c.chunk_id == chunk_id)
    return HistoryOut(chunk_id=chunk_id, document_id=document_id,
                      versions=[HistoryEntryOut.model_validate(asdict(e)) for e in found])
