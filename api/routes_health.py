"""Liveness, readiness and Prometheus metrics."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import StateDep, metrics_access
from api.schemas import ErrorOut, StatusOut
from api.state import LOADING

router = APIRouter(tags=["beheer"])


@router.get("/healthz", response_model=StatusOut)
def healthz() -> StatusOut:
    """Het proces leeft."""
    return StatusOut(status="ok")


@router.get("/readyz", response_model=StatusOut, responses={503: {"model": StatusOut}})
def readyz(state: StateDep):
    """Klaar zodra de index is geladen; tot dan 503 met de reden."""
    if state.ready:
        return StatusOut(status="ready")
    body = StatusOut(status="loading" if state.error_nl is None else "error", detail=state.error_nl or LOADING)
    return JSONResponse(body.model_dump(), status_code=503)


@router.get("/metrics", response_class=Response, dependencies=[Depends(metrics_access)],
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}, 401: {"model": ErrorOut}})
def metrics(state: StateDep) -> Response:
    """Prometheus-metrieken: verzoeken, latentie, antwoorden, weigeringen (met een sleutel zodra die er zijn)."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
