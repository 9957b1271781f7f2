"""Every error as JSON {"detail": "<Dutch message>"}: validation, HTTP errors and the unexpected.

Users read Dutch; logs stay English and keep the stack trace, which never reaches the client.
"""
from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.answering import ServiceError

log = logging.getLogger(__name__)

FIELDS = {"question": "vraag (question)", "history": "eerdere vragen (history)",
          "as_of": "peildatum (as_of)", "scope": "scope", "mode": "mode", "session_id": "gesprek (session_id)",
          "answer_id": "antwoord (answer_id)", "rating": "beoordeling (rating)",
          "comment": "toelichting (comment)"}
STATUS_NL = {400: "Ongeldig verzoek: de inhoud kon niet worden gelezen.",
             401: "Niet aangemeld: een geldige API-sleutel is nodig.",
             403: "Geen toegang.", 404: "Niet gevonden.", 405: "Deze methode is hier niet toegestaan.",
             406: "Dit antwoordformaat wordt niet ondersteund.", 413: "Het verzoek is te groot.",
             415: "Gebruik Content-Type: application/json.", 429: "Te veel verzoeken; probeer het later opnieuw.",
             500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
             503: "De dienst is (nog) niet beschikbaar. Probeer het over een moment opnieuw."}
UNEXPECTED = STATUS_NL[500]
# Starlette's own details ("Not Found", ...) are English reason phrases; ours are Dutch sentences.
_ENGLISH_DEFAULTS = {s.phrase for s in HTTPStatus} | {"There was an error parsing the body"}


def _problem(err: dict) -> str:
    """One validation error in Dutch."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "missing":
        return "ontbreekt"
    if kind in ("string_too_short", "too_short"):
        return "is leeg" if ctx.get("min_length", 1) <= 1 else f"is te kort (minimaal {ctx['min_length']})"
    if kind == "string_too_long":
        return f"is te lang (maximaal {ctx.get('max_length')} tekens)"
    if kind == "too_long":
        return f"heeft te veel elementen (maximaal {ctx.get('max_length')})"
    if kind in ("string_type", "string_unicode"):
        return "moet tekst zijn"
    if kind == "list_type":
        return "moet een lijst zijn"
    if kind == "literal_error":
        return f"moet een van deze waarden zijn: {str(ctx.get('expected')).replace(' or ', ' of ')}"
    if kind == "string_pattern_mismatch":
        return "heeft een ongeldig formaat"
    if kind == "extra_forbidden":
        return "is onbekend"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    return "is ongeldig"


def validation_message(errors: list[dict]) -> str:
    """All validation errors of a request as one Dutch sentence."""
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        if err.get("type") == "json_invalid":
            parts.append("De aanvraag is geen geldige JSON.")
            continue
        if not loc:
            if err.get("type") == "missing":
                parts.append('De aanvraag heeft geen inhoud; stuur een JSON-object, bijvoorbeeld '
                             '{"question": "Wat is het PIP?"}.')
            else:
                parts.append("De aanvraag moet een JSON-object zijn, bijvoorbeeld {\"question\": \"Wat is het PIP?\"}.")
            continue
        name = FIELDS.get(loc[0], loc[0])
        suffix = f" (element {loc[1]})" if len(loc) > 1 and loc[1].isdigit() else ""
        parts.append(f"{name}{suffix}: {_problem(err)}.")
    return " ".join(dict.fromkeys(parts)) or "Ongeldig verzoek."


async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Only where and what: the rejected input may hold personal data that was never redacted.
    log.info("validation error on %s: %s", request.url.path,
             [(e.get("type"), e.get("loc")) for e in exc.errors()])
    return JSONResponse({"detail": validation_message(list(exc.errors()))}, status_code=422)


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail
    if not isinstance(detail, str) or detail in _ENGLISH_DEFAULTS:
        detail = STATUS_NL.get(exc.status_code, "Ongeldig verzoek.")
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": UNEXPECTED}, status_code=500)


async def _on_service_error(request: Request, exc: ServiceError) -> JSONResponse:
    return JSONResponse({"detail": exc.message_nl}, status_code=exc.status)


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(ServiceError, _on_service_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
