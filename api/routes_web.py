"""The chat as a full page (/), the source viewer (/bron/{chunk_id}) and the widget's files."""
from __future__ import annotations

import html
import logging
from pathlib import Path
from string import Template

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import StateDep
from api.history_view import history_panel
from api.state import LOADING
from assistant.labels import date_wording, dutch_date

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
# Our own pages run only our own script and style; nothing inline, so injected markup cannot run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
e = html.escape


def _page(name: str, status: int = 200, **values: str) -> HTMLResponse:
    text = Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(**values)
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def _message(title: str, message: str, status: int) -> HTMLResponse:
    return _page("message.html", status, title=e(title), message=e(message))


@router.get("/")
def chat_page(state: StateDep) -> HTMLResponse:
    """The chat as a full page."""
    key = state.settings.page_api_key or ""
    if not key and state.keys.required:
        log.warning("API keys are required but INBURGERING_PAGE_API_KEY is not set: the chat page at / cannot ask")
        return _message("Chat niet beschikbaar", "De chat op deze pagina is niet goed ingesteld; neem contact op "
                        "met de beheerder. Gebruik tot die tijd de chat op het intranet of in Teams.", 503)
    return _page("index.html", api_key=e(key))


@router.get("/favicon.svg")
@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The tab icon (browsers ask for /favicon.ico on their own)."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


@router.get("/widget.js")
def widget_js() -> FileResponse:
    """The embeddable chat widget."""
    return FileResponse(STATIC / "widget.js", media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/widget.css")
def widget_css() -> FileResponse:
    """The widget's style sheet."""
    return FileResponse(STATIC / "widget.css", media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/bron/{chunk_id}")
def source_page(chunk_id: str, state: StateDep, citaat: str | None = None) -> HTMLResponse:
    """A passage in its document, the quote highlighted with <mark>; every text escaped."""
    if not state.ready:
        return _message("Even geduld", state.error_nl or LOADING, 503)
    chunk = state.sources.chunk(chunk_id)
    if chunk is None:
        return _message("Bron niet gevonden", "Deze passage bestaat niet (meer) in de index. "
                        "Stel je vraag opnieuw om de actuele bron te zien.", 404)
    ctx = state.sources.in_context(chunk)
    return _page("source.html", title=e(chunk.document_title), publisher=e(chunk.publisher),
                 details=_details(chunk), before=e(ctx.before.rstrip()), passage=_highlight(chunk.text, citaat),
                 after=e(ctx.after.lstrip()), original=_original_link(chunk.url),
                 history=history_panel(state.assistant.retriever.data.chunks, chunk.chunk_id))


def _highlight(text: str, quote: str | None) -> str:
    """The passage escaped, with the quote (if it occurs verbatim) in <mark>."""
    at = text.find(quote) if quote else -1
    if not quote or at < 0:
        return e(text)
    return e(text[:at]) + '<mark id="citaat">' + e(quote) + "</mark>" + e(text[at + len(quote):])


def _details(chunk) -> str:
    from assistant.labels import scope_label

    rows = [("Onderdeel", chunk.section), ("Vraag", chunk.question),
            ("Datum", date_wording(chunk.update_date, chunk.version_date)),
            ("Versie van het document", dutch_date(chunk.version_date) if chunk.version_date else None),
            ("Geldt voor", scope_label(chunk.scope)), ("Pagina", str(chunk.page) if chunk.page else None)]
    return "\n".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows if v)


def _original_link(url: str | None) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return f'<p><a href="{e(url)}" rel="noopener noreferrer">Origineel document bij de uitgever</a></p>'
