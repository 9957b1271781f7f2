"""Feedback on answers (thumbs up or down, optional comment): one store for the widget, API and Teams."""
from __future__ import annotations

from fastapi import APIRouter

from api.answering import Answering
from api.deps import CallerDep, JsonBody, StateDep
from api.schemas import ErrorOut, FeedbackOut, FeedbackRequest

router = APIRouter(prefix="/v1", tags=["feedback"])
ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 403, 404, 413, 415, 422, 429, 500)}


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses=ERRORS,
             dependencies=[JsonBody])
def feedback(body: FeedbackRequest, caller: CallerDep, state: StateDep) -> FeedbackOut:
    """Geef een duim omhoog (up) of omlaag (down) op een antwoord, met eventueel een toelichting."""
    feedback_id = Answering(state).feedback(body.answer_id, body.rating, body.comment, caller)
    return FeedbackOut(feedback_id=feedback_id, answer_id=body.answer_id, rating=body.rating)
