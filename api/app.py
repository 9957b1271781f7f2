"""create_app(): the FastAPI service (JSON API, widget, source viewer, Teams) over one loaded index."""
from __future__ import annotations

import logging
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
        state.start_loading()
        yield
        state.close()

    app = FastAPI(title="Wet inburgering-assistent", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = state
    _add_docs(app)
    _add_teams(app, state)
    errors.install(app)
    _add_routes(app)
    # Added inside-out: metrics see everything, CORS headers also reach 413 answers of the body limit.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       max_chars=settings.max_question_chars)
    app.add_middleware(CORSMiddleware, allow_origins=_cors_origins(state), allow_credentials=False,
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
    """Swagger UI at /docs from the swagger-ui-bundle package: intranets often cannot reach a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # fall back to FastAPI's default page (assets from a CDN)
        swagger_ui_path, prefix = None, None
    else:
        prefix = "/docs-assets"
        app.mount(prefix, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        if prefix is None:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="Wet inburgering-assistent — API")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Wet inburgering-assistent — API",
                                   swagger_js_url=f"{prefix}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{prefix}/swagger-ui.css",
                                   swagger_favicon_url=f"{prefix}/favicon-32x32.png")


def _add_teams(app: FastAPI, state: ServiceState) -> None:
    from api.teams import TeamsBot

    app.state.teams = TeamsBot(state)
    app.state.agent_configuration = app.state.teams.auth_config  # read by the SDK's JWT check


def _cors_origins(state: ServiceState) -> list[str]:
    """Open for any site while no keys exist (local use); otherwise only the allowlisted sites."""
    if not state.keys.required and not state.settings.cors_origins:
        return ["*"]
    return sorted(set(state.settings.cors_origins) | state.keys.origins())
