"""Questions: one-off (/v1/ask), chat with server-side history (/v1/chat), stored sessions."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from api.deps import AnsweringDep, CallerDep, JsonBody, StateDep
from api.schemas import (
    AnswerOut,
    AskRequest,
    ChatRequest,
    NO_NUL_PATTERN,
    ErrorOut,
    SessionOut,
    TurnOut,
)

router = APIRouter(prefix="/v1", tags=["vragen"])
ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 403, 404, 413, 415, 422, 429, 500, 503)}
UNKNOWN_SESSION = "Onbekend gesprek (session_id)."


@router.post("/ask", response_model=AnswerOut, responses=ERRORS, dependencies=[JsonBody])
def ask(body: AskRequest, caller: CallerDep, answering: AnsweringDep) -> AnswerOut:
    """Stel één vraag; geef eerdere vragen van het gesprek mee in `history`."""
    answer = answering.ask(body.question, caller, body.history, body.as_of, body.scope, body.mode)
    return AnswerOut.model_validate(answer.to_dict())


@router.post("/chat", response_model=AnswerOut, responses=ERRORS, dependencies=[JsonBody])
def chat(body: ChatRequest, caller: CallerDep, answering: AnsweringDep) -> AnswerOut:
    """Een beurt in een gesprek: de server onthoudt de eerdere vragen onder `session_id`."""
    caller.channel = "chat"
    answer = answering.chat(body.question, caller, body.session_id, body.as_of, body.scope, body.mode)
    return AnswerOut.model_validate(answer.to_dict())


@router.get("/sessions/{session_id}", response_model=SessionOut, responses=ERRORS)
def session(session_id: Annotated[str, Path(pattern=NO_NUL_PATTERN)], caller: CallerDep, state: StateDep) -> SessionOut:
    """Een opgeslagen gesprek met alle vragen en antwoorden."""
    row = state.store.get_session(session_id)
    if row is None or row.key_id != caller.key_id:
        raise HTTPException(404, UNKNOWN_SESSION)
    turns = [TurnOut(n=t.position, question=t.question, asked_at=t.created.isoformat(),
                     answer=AnswerOut.model_validate(t.answer)) for t in state.store.turns(session_id)]
    return SessionOut(session_id=row.id, channel=row.channel, created=row.created.isoformat(),
                      updated=row.updated.isoformat(), scope=row.scope, as_of=row.as_of, turns=turns)
