"""FastAPI dependencies, as Annotated aliases: state, settings, the ready assistant, the caller."""
from __future__ import annotations

import math
from urllib.parse import urlsplit
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from api.answering import Answering, Caller
from api.config import ServiceSettings
from api.state import LOADING, ServiceState

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="API-sleutel; niet nodig zolang er geen sleutels zijn ingesteld.")

NO_KEY = "Ontbrekende of ongeldige API-sleutel. Stuur je sleutel mee in de header X-API-Key."
WRONG_SITE = "Deze API-sleutel mag alleen worden gebruikt vanaf de websites waarvoor hij is uitgegeven."
TOO_MANY = "Te veel vragen in korte tijd. Wacht {seconds} seconden en probeer het dan opnieuw."
NOT_JSON = "Gebruik Content-Type: application/json en stuur een JSON-object."


def get_state(request: Request) -> ServiceState:
    """The app's shared state."""
    return request.app.state.service


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_settings_dep(state: StateDep) -> ServiceSettings:
    """The service settings of this app (tests inject their own through create_app)."""
    return state.settings


SettingsDep = Annotated[ServiceSettings, Depends(get_settings_dep)]


def ready_state(state: StateDep) -> ServiceState:
    """The state, or 503 with a Dutch reason while the index is not loaded."""
    if not state.ready:
        raise HTTPException(503, state.error_nl or LOADING, headers={"Retry-After": "5"})
    return state


ReadyDep = Annotated[ServiceState, Depends(ready_state)]


def get_answering(state: ReadyDep) -> Answering:
    """The answering service over the loaded assistant."""
    return Answering(state)


AnsweringDep = Annotated[Answering, Depends(get_answering)]


def require_json(request: Request) -> None:
    """415 for a POST whose body is not declared as JSON."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, NOT_JSON)


def _presented_key(request: Request, presented: str | None) -> str | None:
    """The key from X-API-Key, else from `Authorization: Bearer …`."""
    auth = request.headers.get("authorization", "")
    if not presented and auth.lower().startswith("bearer "):
        presented = auth[7:]
    return presented


def _limit(state: ServiceState, bucket: str, per_minute: int | None = None, burst: int | None = None) -> None:
    """429 with a Dutch message and Retry-After when `bucket` has no token left."""
    wait = state.limiter.take(bucket, per_minute, burst)
    if wait > 0:
        state.metrics.rate_limited.inc()
        seconds = max(1, math.ceil(wait))
        raise HTTPException(429, TOO_MANY.format(seconds=seconds), headers={"Retry-After": str(seconds)})


def authenticate(request: Request, state: StateDep,
                 presented: Annotated[str | None, Depends(_api_key_header)]) -> Caller:
    """The caller of a /v1 request: key checked (if keys are configured), site checked, rate limited.

    Without keys (open mode) each client address has its own limit.
    """
    keys = state.keys
    if not keys.required:
        host = request.client.host if request.client else "unknown"
        _limit(state, f"ip:{host}", state.settings.open_rate_limit_per_minute, state.settings.open_rate_limit_burst)
        return Caller(channel="api")
    key = keys.lookup(_presented_key(request, presented))
    if key is None:
        raise HTTPException(401, NO_KEY, headers={"WWW-Authenticate": "ApiKey"})
    if key.origins and not _from_allowed_site(request, key.origins):
        raise HTTPException(403, WRONG_SITE)
    _limit(state, f"key:{key.id}", key.rate_per_minute)
    return Caller(channel="api", key_id=key.id)


def operator_access(request: Request, state: StateDep, public: bool,
                    presented: str | None) -> None:
    """/metrics and /docs follow the API's keys unless made public in the settings."""
    if public or not state.keys.required:
        return
    if state.keys.lookup(_presented_key(request, presented)) is None:
        raise HTTPException(401, NO_KEY, headers={"WWW-Authenticate": "ApiKey"})


def metrics_access(request: Request, state: StateDep,
                   presented: Annotated[str | None, Depends(_api_key_header)]) -> None:
    """Access to /metrics (setting public_metrics)."""
    operator_access(request, state, state.settings.public_metrics, presented)


def docs_access(request: Request, state: StateDep,
                presented: Annotated[str | None, Depends(_api_key_header)]) -> None:
    """Access to /docs and /openapi.json (setting public_docs)."""
    operator_access(request, state, state.settings.public_docs, presented)


def _from_allowed_site(request: Request, origins: tuple[str, ...]) -> bool:
    """Whether a browser request comes from one of the key's web sites.

    Browsers send no Origin on a same-origin GET (the chat page at / reloading its conversation); they
    mark it Sec-Fetch-Site: same-origin, and then the page's own host is the site.
    """
    origin = request.headers.get("origin")
    if origin:
        return origin in origins
    if request.headers.get("sec-fetch-site") != "same-origin":
        return False
    host = request.headers.get("host", "")
    return any(urlsplit(o).netloc == host for o in origins)


CallerDep = Annotated[Caller, Depends(authenticate)]
JsonBody = Depends(require_json)
