"""create_app(): the FastAPI service (JSON API, widget, source viewer, Teams) over one loaded index."""
from __future__ import annotations

import copy
import logging
import re
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import errors
from api.config import as_service_settings
from api.limits import BodyLimitMiddleware
from api.metrics import MetricsMiddleware
from api.state import ServiceState
from inburgering.settings import Settings

log = logging.getLogger(__name__)

OPEN_MODE_WARNING = ("open mode: no API keys are configured, so the API answers anyone who can reach it "
                     "(per-address rate limit only); meant for local use / open modus: er zijn geen "
                     "API-sleutels ingesteld, dus iedereen die de dienst kan bereiken krijgt antwoord; "
                     "alleen voor lokaal gebruik")
# Local pages (a developer's test page on any port) may call an open-mode service; nothing else.
LOOPBACK_ORIGIN = re.compile(r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$")

DESCRIPTION = """Bronvermelde antwoorden over de Wet inburgering 2021.

Elk antwoord volgt het Answer-contract: tekst met [n]-verwijzingen, de citaten met bron en
bijwerkdatum, waarschuwingen, en `refused: true` als de bronnen de vraag niet beantwoorden.
Persoonsgegevens (BSN, e-mailadres, telefoonnummer, IBAN, geboortedatum) worden uit vragen
verwijderd voordat ze worden verwerkt of opgeslagen. Zijn er API-sleutels ingesteld, stuur er
dan een mee in de header `X-API-Key`; zonder sleutels staat de API open (alleen voor lokaal gebruik).
"""


def create_app(settings: Settings | None = None, assistant=None) -> FastAPI:
    """Build the app; the index is loaded once at start-up (or `assistant` is used as given)."""
    settings = as_service_settings(settings)
    state = ServiceState(settings, assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not state.keys.required:
            log.warning(OPEN_MODE_WARNING)
        state.start_loading()
        yield
        state.close()

    app = FastAPI(title="Wet inburgering-assistent", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = state
    _add_docs(app)
    _add_teams(app, state)
    errors.install(app)
    _add_routes(app)
    # Added inside-out: metrics see everything, CORS headers also reach 413 answers of the body limit.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       max_chars=settings.max_question_chars)
    app.add_middleware(LiveCORSMiddleware, state=state, allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Content-Type", "X-API-Key", "Authorization", "Accept"], max_age=600)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    return app


def _add_routes(app: FastAPI) -> None:
    from api import (
        routes_ask,
        routes_documents,
        routes_feedback,
        routes_health,
        routes_teams,
        routes_web,
    )

    for module in (routes_ask, routes_feedback, routes_documents, routes_health, routes_web, routes_teams):
        app.include_router(module.router)
    from api import routes_changes

    app.include_router(routes_changes.router)


def _add_docs(app: FastAPI) -> None:
    """/openapi.json and Swagger UI at /docs (assets from swagger-ui-bundle: intranets often cannot reach
    a CDN); both need a key once keys exist, unless the setting public_docs is on."""
    from fastapi import Depends
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import JSONResponse
    from fastapi.staticfiles import StaticFiles

    from api.deps import docs_access

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # fall back to FastAPI's default page (assets from a CDN)
        swagger_ui_path, prefix = None, None
    else:
        prefix = "/docs-assets"
        app.mount(prefix, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(docs_access)])
    def openapi():
        return JSONResponse(openapi_for_mode(app))

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(docs_access)])
    def docs():
        if prefix is None:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="Wet inburgering-assistent — API")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Wet inburgering-assistent — API",
                                   swagger_js_url=f"{prefix}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{prefix}/swagger-ui.css",
                                   swagger_favicon_url=f"{prefix}/favicon-32x32.png")


def openapi_for_mode(app: FastAPI) -> dict:
    """The OpenAPI schema as the service behaves now: the key is optional where it is not enforced."""
    state = app.state.service
    schema = copy.deepcopy(app.openapi())
    open_api = not state.keys.required
    error = {"description": "Het verzoek is te groot.",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for path, operations in schema.get("paths", {}).items():
        optional = open_api or (path == "/metrics" and state.settings.public_metrics)
        for operation in operations.values():
            if optional and operation.get("security"):
                operation["security"] = [{}, *operation["security"]]
            # The body limit answers before any route, on every path.
            operation.setdefault("responses", {}).setdefault("413", error)
    return schema


def _add_teams(app: FastAPI, state: ServiceState) -> None:
    from api.teams import TeamsBot

    app.state.teams = TeamsBot(state)
    app.state.agent_configuration = app.state.teams.auth_config  # read by the SDK's JWT check


class LiveCORSMiddleware(CORSMiddleware):
    """CORS whose allowlist is read per request: keys (and their sites) added on any replica count at once.

    Open mode (no keys) allows only the configured sites and local pages, never any site ("*").
    """

    def __init__(self, app, state: ServiceState, **kwargs) -> None:
        super().__init__(app, allow_origins=[], **kwargs)
        self.state = state

    def is_allowed_origin(self, origin: str) -> bool:
        """Whether a web page from `origin` may call the API."""
        if origin in self.state.settings.cors_origins:
            return True
        if not self.state.keys.required:
            return bool(LOOPBACK_ORIGIN.match(origin))
        return origin in self.state.keys.origins()
