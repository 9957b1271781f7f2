"""The sources: the manifest of the loaded index, and one passage in its document."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import CallerDep, ReadyDep
from api.schemas import ChunkOut, DocumentOut, DocumentsOut, ErrorOut, SourceOut

router = APIRouter(prefix="/v1", tags=["bronnen"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 429, 500, 503)}
UNKNOWN_CHUNK = "Onbekende passage (chunk_id). De index is misschien opnieuw gebouwd; stel de vraag opnieuw."


@router.get("/documents", response_model=DocumentsOut, responses=ERRORS)
def documents(caller: CallerDep, state: ReadyDep) -> DocumentsOut:
    """Alle documenten en versies in de index, met aantal passages en nieuwste bijwerkdatum."""
    library, meta = state.sources, state.sources.meta
    docs = [DocumentOut(**d) for d in library.documents()]
    newest = max((d.newest_update_date for d in docs if d.newest_update_date), default=None)
    return DocumentsOut(documents=docs, chunks=len(library.chunks), newest_update_date=newest,
                        built_at=meta.get("built_at"), embedder=meta.get("embedder"),
                        corpus_hash=meta.get("corpus_hash"))


@router.get("/sources/{chunk_id}", response_model=SourceOut, responses=ERRORS)
def source(chunk_id: str, caller: CallerDep, state: ReadyDep) -> SourceOut:
    """Een passage met de tekst eromheen in het brondocument (voor de bronviewer)."""
    chunk = state.sources.chunk(chunk_id)
    if chunk is None:
        raise HTTPException(404, UNKNOWN_CHUNK)
    ctx = state.sources.in_context(chunk)
    doc = next((d for d in state.sources.documents()
                if d["id"] == chunk.document_id and d["version_date"] == chunk.version_date), None)
    return SourceOut(chunk=ChunkOut(**state.sources.chunk_dict(chunk)), document=doc and DocumentOut(**doc),
                     before=ctx.before, passage=chunk.text, after=ctx.after, context_start=ctx.context_start,
                     context_end=ctx.context_end, viewer_url=f"/bron/{chunk.chunk_id}")
