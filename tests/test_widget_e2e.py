"""The chat in a real browser: headless Chromium (Debian's) driven by Playwright against a real server.

Covers the full page (/), the one-tag widget on another site, the source viewer, feedback, a
follow-up, "nieuw gesprek", escaping of hostile input, keyboard use, and axe-core accessibility
checks (no serious or critical violations). Screenshots go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.config import ApiKeyConfig
from api.db import Store
from api.security import hash_key
from tests.api_support import ROOT, free_port, run_setup_script, uvicorn_server

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
WIDGET_KEY = "widget-sleutel-e2e"
PAGE_KEY = "pagina-sleutel-e2e"
QUESTION = "Binnen hoeveel weken moet het PIP worden vastgesteld?"
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> wat is het PIP?'


def _host_page(api_base: str) -> bytes:
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Intranet gemeente</title></head>
<body><main><h1>Intranet van de gemeente</h1><p>Nieuws en werkinstructies voor klantmanagers.</p></main>
<script src="{api_base}/widget.js" data-api-key="{WIDGET_KEY}" data-scope="national"></script>
</body></html>""".encode()


class HostSite:
    """Another web site (other origin) that embeds the widget with one script tag."""

    def __init__(self, api_base: str) -> None:
        page = _host_page(api_base)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def tools():
    if not CHROMIUM.exists() or not AXE.exists():
        run_setup_script()
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (tests/setup_service_deps.sh failed)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed in tests/e2e/node_modules (npm missing?)")
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="module")
def server(tools, index_settings, tmp_path_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    host = HostSite(base)
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'e2e.sqlite3'}"
    keys = [ApiKeyConfig(id="widget-intranet", sha256=hash_key(WIDGET_KEY), origins=[host.origin]),
            ApiKeyConfig(id="pagina", sha256=hash_key(PAGE_KEY), origins=[base])]
    env = {"INBURGERING_INDEX_DIR": str(index_settings.index_dir),
           "INBURGERING_CACHE_DIR": str(index_settings.cache_dir),
           "INBURGERING_DB_URL": db_url, "INBURGERING_PAGE_API_KEY": PAGE_KEY,
           "INBURGERING_API_KEYS": json.dumps([k.model_dump() for k in keys]),
           "INBURGERING_PUBLIC_DOCS": "true"}  # with keys, a browser reaches /docs only when made public
    with uvicorn_server(env, port=port) as url:
        yield {"base": url, "host": host, "db_url": db_url}
    host.server.shutdown()


@pytest.fixture(scope="module")
def browser(tools):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    # bypass_csp only so axe-core can be injected; the widget's own escaping is what the tests check.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="nl-NL")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page; return serious and critical violations."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def ask(page, question: str, count: int) -> None:
    page.get_by_label("Je vraag").fill(question)
    page.get_by_label("Je vraag").press("Enter")
    page.locator("article.wia-bot").nth(count - 1).wait_for(timeout=30_000)


def test_full_page_chat_source_feedback_follow_up(server, page):
    page.goto(server["base"] + "/")
    assert page.locator("h1").inner_text() == "Inburgeringsassistent"
    assert axe_violations(page) == []

    ask(page, QUESTION, 1)
    answer = page.locator("article.wia-bot").first
    assert answer.locator("a.wia-marker").count() >= 1
    card = answer.locator("li.wia-card").first
    assert "bijgewerkt op" in card.inner_text() and card.locator("blockquote").inner_text()
    assert "Landelijk" in card.inner_text()
    page.screenshot(path=str(SHOTS / "page-answer.png"), full_page=True)

    # [1] moves focus to its citation card.
    answer.locator("a.wia-marker").first.click()
    assert page.evaluate("document.activeElement.classList.contains('wia-card')")

    # Thumbs up is stored.
    answer.get_by_role("button", name="Nuttig", exact=True).click()
    page.get_by_text("Bedankt voor je feedback.").wait_for()
    assert answer.get_by_role("button", name="Nuttig", exact=True).get_attribute("aria-pressed") == "true"
    store = Store(server["db_url"])
    assert [f.rating for f in store.feedback()] == ["up"]

    # "Bron bekijken" opens the passage in its document with the quote marked.
    with page.context.expect_page() as popup:
        card.get_by_role("link", name="Bron bekijken").click()
    source = popup.value
    source.wait_for_load_state()
    assert source.locator("mark#citaat").count() == 1
    assert source.locator("mark#citaat").inner_text() in card.locator("blockquote").inner_text()
    assert source.locator("section.wia-passage").is_visible()
    source.screenshot(path=str(SHOTS / "source-viewer.png"), full_page=False)
    assert axe_violations(source) == []

    # A follow-up needs only the new question: the server keeps the history.
    ask(page, "en voor statushouders?", 2)
    follow = page.locator("article.wia-bot").nth(1)
    assert "wia-refused" not in (follow.get_attribute("class") or "")
    sessions = {t.session_id for t in store.audit_log()}
    assert len(sessions) == 1
    page.screenshot(path=str(SHOTS / "page-follow-up.png"), full_page=True)
    assert axe_violations(page) == []
    store.close()


def test_hostile_input_is_shown_as_text_never_run(server, page):
    page.goto(server["base"] + "/")
    ask(page, HOSTILE, 1)
    user = page.locator(".wia-user").first
    assert "<script>" in user.inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator(".wia-log img, .wia-log script").count() == 0


def test_refusal_notice_and_new_conversation(server, page):
    page.goto(server["base"] + "/")
    ask(page, "Hoe laat begint de voetbalwedstrijd vanavond?", 1)
    notice = page.locator(".wia-notice-refused")
    assert "Geen antwoord in de bronnen" in notice.inner_text()
    page.screenshot(path=str(SHOTS / "page-refusal.png"), full_page=True)
    page.get_by_role("button", name="Nieuw gesprek").click()
    assert page.locator("article.wia-bot").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('wia-session')).length") == 0
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Je vraag").get_attribute("id")


def test_warnings_are_shown(server, page):
    page.goto(server["base"] + "/")
    ask(page, "Klant met BSN 111222333: wat is het PIP?", 1)
    warning = page.locator(".wia-notice-warning")
    assert "persoonsgegevens" in warning.inner_text()
    assert "111222333" not in page.locator("article.wia-bot").inner_text()


def test_widget_on_another_site_by_keyboard(server, page):
    host = server["host"]
    page.goto(host.origin + "/")
    launcher = page.get_by_role("button", name="Vraag de inburgeringsassistent")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "widget-closed.png"))

    # Keyboard only: Tab to the launcher, Enter opens the panel with focus in the question field.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('wia-launcher')"):
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.locator("article.wia-bot").first.wait_for(timeout=30_000)
    assert page.locator("[role=log][aria-live=polite] article.wia-bot").count() == 1
    page.screenshot(path=str(SHOTS / "widget-answer.png"))
    assert axe_violations(page) == []

    page.keyboard.press("Escape")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('wia-launcher')")
    assert Store(server["db_url"]).audit_log()[0].key_id == "widget-intranet"


def test_widget_key_does_not_work_from_an_unlisted_site(server, page):
    other = HostSite(server["base"])  # same page, but this site is not in the key's allowlist
    try:
        page.goto(other.origin + "/")
        page.get_by_role("button", name="Vraag de inburgeringsassistent").click()
        page.get_by_label("Je vraag").fill(QUESTION)
        page.get_by_label("Je vraag").press("Enter")
        page.locator(".wia-error").wait_for(timeout=15_000)
        assert page.locator("article.wia-bot").count() == 0
    finally:
        other.server.shutdown()


def test_api_docs_render_without_internet(server, page):
    page.goto(server["base"] + "/docs")
    page.get_by_text("/v1/ask").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 6
