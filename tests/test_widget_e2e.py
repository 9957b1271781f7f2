"""The chat in a real browser: headless Chromium (Debian's) driven by Playwright against a real server.

Covers the full page (/), the one-tag widget on another site, the source viewer, feedback, a
follow-up, "nieuw gesprek", escaping of hostile input, keyboard use, and axe-core accessibility
checks (no serious or critical violations). Screenshots go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import json
import re
import threading
import time
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
DRENTHE = "Hoeveel uur taal krijgt iemand in de Z-route in Drenthe?"
DOCS_SERVICE = "https://assistent.gemeente.nl"  # the two placeholders step 3 of the docs says to replace
DOCS_KEY = "wia_…"
SETUP_PROBLEM = "De assistent is op deze site niet goed ingesteld; neem contact op met de beheerder."
DATE_WORDING = re.compile(r"^(Bijgewerkt op \d{1,2} \w+ \d{4}|Geen eigen datum; documentversie van \d{1,2} \w+ \d{4})$")
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> wat is het PIP?'


def _host_page(api_base: str, tag: str | None = None) -> bytes:
    tag = tag or f'<script src="{api_base}/widget.js" data-api-key="{WIDGET_KEY}" data-scope="national"></script>'
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Intranet gemeente</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Intranet van de gemeente</h1><p>Nieuws en werkinstructies voor klantmanagers.</p></main>
{tag}
</body></html>""".encode()


def docs_snippet() -> str:
    """The widget tag exactly as docs/service.md shows it."""
    text = (ROOT / "docs" / "service.md").read_text(encoding="utf-8").split("<!-- widget-snippet -->", 1)[1]
    return re.search(r"```html\n(.*?)\n\s*```", text, re.S).group(1).strip()


class HostSite:
    """Another web site (other origin) that embeds the widget with one script tag.

    `/` has the widget as the tests configure it; other paths serve the pages given in `pages`.
    """

    def __init__(self, api_base: str, pages: dict[str, str] | None = None) -> None:
        served = {"/": _host_page(api_base)}
        served.update({path: _host_page(api_base, tag) for path, tag in (pages or {}).items()})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                page = served.get(self.path.split("?")[0])
                self.send_response(200 if page else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(page or b"")))
                self.end_headers()
                self.wfile.write(page or b"")

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
    snippet = docs_snippet()
    pages = {
        "/snippet-verbatim": snippet,
        "/snippet-filled-in": snippet.replace(DOCS_SERVICE, base).replace(DOCS_KEY, WIDGET_KEY),
        "/wrong-key": f'<script src="{base}/widget.js" data-api-key="wia_verkeerd"></script>',
    }
    host = HostSite(base, pages)
    # free_port() released the API's port before the server binds it, and the host site's own bind to
    # port 0 may be handed that very port (seen once in a fresh clone: every e2e test errored with
    # "address already in use"). Take another one while the clashing socket is still held.
    while host.server.server_address[1] == port:
        clash, host = host, HostSite(base, pages)
        clash.server.shutdown()
        clash.server.server_close()
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
    assert DATE_WORDING.search(card.locator(".wia-date").inner_text())
    assert "Landelijk" in card.inner_text()
    # The card does not repeat the answer's words: the passage is there, but closed.
    assert not card.locator("blockquote").is_visible()
    page.screenshot(path=str(SHOTS / "page-answer.png"), full_page=True)

    # [1] moves focus to its citation card.
    answer.locator("a.wia-marker").first.click()
    assert page.evaluate("document.activeElement.classList.contains('wia-card')")

    # Thumbs up, then "Niet nuttig" with a comment: one row, the last click counts.
    answer.get_by_role("button", name="Nuttig", exact=True).click()
    page.get_by_text("Bedankt voor je feedback.").wait_for()
    assert answer.get_by_role("button", name="Nuttig", exact=True).get_attribute("aria-pressed") == "true"
    store = Store(server["db_url"])
    answer_id = store.audit_log()[0].answer_id
    assert [f.rating for f in store.feedback(answer_id)] == ["up"]
    answer.get_by_role("button", name="Niet nuttig").click()
    comment = answer.get_by_label("Wat klopte er niet of wat miste je?")
    comment.wait_for()
    page.screenshot(path=str(SHOTS / "page-feedback-comment.png"), full_page=False)
    comment.fill("De termijn voor statushouders mist.")
    answer.get_by_role("button", name="Toelichting versturen").click()
    page.get_by_text("Bedankt voor je toelichting.").wait_for()
    assert [(f.rating, f.comment) for f in store.feedback(answer_id)] == [("down", "De termijn voor statushouders mist.")]
    assert answer.get_by_role("button", name="Niet nuttig").get_attribute("aria-pressed") == "true"

    # The whole passage opens on demand; "Bron in het document bekijken" shows it in its document.
    card.get_by_text("Hele passage tonen").click()
    assert card.locator("blockquote mark").is_visible()
    page.screenshot(path=str(SHOTS / "page-passage-open.png"), full_page=False)
    with page.context.expect_page() as popup:
        card.get_by_role("link", name="Bron in het document bekijken").click()
    source = popup.value
    source.wait_for_load_state()
    assert source.locator("mark#citaat").count() == 1
    assert source.locator("mark#citaat").inner_text() == card.locator("blockquote mark").inner_text()
    assert source.locator("section.wia-passage").is_visible()
    # The viewer states the date with the same words as the card.
    assert card.locator(".wia-date").inner_text() in source.locator("dl.wia-meta").inner_text()
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
    assert "Nieuw gesprek gestart" in page.locator(".wia-log .wia-system").inner_text()
    page.screenshot(path=str(SHOTS / "page-new-conversation.png"), full_page=False)
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('wia-session')).length") == 0
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Je vraag").get_attribute("id")


def test_personal_data_is_gone_from_the_users_own_bubble_too(server, page):
    page.goto(server["base"] + "/")
    ask(page, "Klant met BSN 111222333: wat is het PIP?", 1)
    warning = page.locator(".wia-notice-warning")
    assert "persoonsgegevens" in warning.inner_text()
    assert "111222333" not in page.locator(".wia-log").inner_text()
    assert "Klant met BSN […]: wat is het PIP?" in page.locator(".wia-user").inner_text()
    # Warnings come after the answer, as one line that opens.
    answer = page.locator("article.wia-bot").first
    assert answer.locator(".wia-text").first.bounding_box()["y"] < warning.bounding_box()["y"]
    assert warning.bounding_box()["height"] < 40
    page.screenshot(path=str(SHOTS / "page-redacted-warning-closed.png"), full_page=False)
    warning.locator("summary").click()
    assert "Voer geen persoonsgegevens in" in warning.locator("li").first.inner_text()
    page.screenshot(path=str(SHOTS / "page-redacted-warning-open.png"), full_page=False)
    assert axe_violations(page) == []


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


def ask_expecting_setup_problem(page, url: str) -> tuple[str, list[str]]:
    """Open the widget at `url`, ask, wait for its error; the error shown and the console lines."""
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    page.goto(url)
    page.get_by_role("button", name="Vraag de inburgeringsassistent").click()
    page.get_by_label("Je vraag").fill(QUESTION)
    page.get_by_label("Je vraag").press("Enter")
    page.locator(".wia-error").wait_for(timeout=15_000)
    return page.locator(".wia-error").inner_text(), console


def test_widget_key_does_not_work_from_an_unlisted_site(server, page):
    other = HostSite(server["base"])  # same page, but this site is not in the key's allowlist
    try:
        shown, console = ask_expecting_setup_problem(page, other.origin + "/")
        assert page.locator("article.wia-bot").count() == 0
        assert SETUP_PROBLEM in shown
        assert any("CORS" in line for line in console)
        page.screenshot(path=str(SHOTS / "widget-setup-problem.png"))
    finally:
        other.server.shutdown()


def test_api_docs_render_without_internet(server, page):
    page.goto(server["base"] + "/docs")
    page.get_by_text("/v1/ask").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 6


# -- issue 9: an answer a klantmanager takes in at a glance ---------------------------------------

PHONE = {"width": 390, "height": 844}


def new_page(browser, width: int, height: int):
    """A page at this size; below 600 px wide it behaves as a phone (touch, coarse pointer)."""
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True, locale="nl-NL",
                                  is_mobile=phone, has_touch=phone)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    return pg, errors


def send(page, question: str, count: int) -> None:
    """Type and press the send button (on phones Enter adds a line)."""
    page.get_by_label("Je vraag").fill(question)
    page.get_by_role("button", name="Verstuur").click()
    page.locator("article.wia-bot").nth(count - 1).wait_for(timeout=30_000)


def assert_answer_in_view(page, article, height: int) -> None:
    """The first two lines of the answer text are inside the viewport and the visible part of the log."""
    page.wait_for_timeout(300)  # the log scrolls to the new answer
    text = article.locator(".wia-text").first.bounding_box()
    log = page.locator(".wia-log").bounding_box()
    two_lines = min(text["height"], 48)
    assert text["y"] >= log["y"] - 1 and text["y"] >= 0, (text, log)
    assert text["y"] + two_lines <= min(log["y"] + log["height"], height) + 1, (text, log, height)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop-1280x800", "phone-390x844"])
def test_answer_is_visible_without_scrolling_on_the_page(server, browser, size):
    width, height = size
    pg, errors = new_page(browser, width, height)
    pg.goto(server["base"] + "/")
    if width < 600:
        assert "Shift+Enter" not in pg.locator(".wia-hint").inner_text()
    started = time.perf_counter()
    send(pg, DRENTHE, 1)
    elapsed = time.perf_counter() - started
    article = pg.locator("article.wia-bot").first
    assert_answer_in_view(pg, article, height)
    with open(SHOTS.parent / "answer-timings.txt", "a", encoding="utf-8") as f:
        f.write(f"page {width}x{height}: send to rendered answer {elapsed:.2f} s\n")
    assert elapsed < 10
    # The regional text keeps its label right before it.
    assert article.locator(".wia-text .wia-chip").filter(has_text="Arbeidsmarktregio Drenthe").count() == 1
    pg.screenshot(path=str(SHOTS / f"page-answer-{width}x{height}.png"))
    assert axe_violations(pg) == []
    pg.context.close()
    assert not errors


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop-1280x800", "phone-390x844"])
def test_answer_is_visible_without_scrolling_in_the_widget(server, browser, size):
    width, height = size
    pg, errors = new_page(browser, width, height)
    pg.goto(server["host"].origin + "/")
    pg.get_by_role("button", name="Vraag de inburgeringsassistent").click()
    send(pg, DRENTHE, 1)
    assert_answer_in_view(pg, pg.locator("article.wia-bot").first, height)
    pg.screenshot(path=str(SHOTS / f"widget-answer-{width}x{height}.png"))
    assert axe_violations(pg) == []
    pg.context.close()
    assert not errors


CONTROLS = ["Nieuw gesprek", "Chat sluiten", "Verstuur"]


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_every_widget_control_is_inside_the_screen(server, browser, width):
    height = 800 if width > 600 else 700
    pg, errors = new_page(browser, width, height)
    pg.goto(server["host"].origin + "/")
    pg.get_by_role("button", name="Vraag de inburgeringsassistent").click()
    send(pg, QUESTION, 1)
    for locator in [pg.get_by_role("button", name=n, exact=True) for n in CONTROLS] + [
            pg.get_by_label("Je vraag"), pg.locator(".wia-title")]:
        box = locator.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (width, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, (width, box)
        # Not covered by anything else: the element (or its child) is what a tap at its centre hits.
        hit = pg.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('button, textarea, h2').textContent",
                          [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit == locator.text_content(), (width, hit)
    article = pg.locator("article.wia-bot").first
    for name in ("Nuttig", "Niet nuttig"):
        box = article.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    pg.screenshot(path=str(SHOTS / f"widget-controls-{width}.png"))
    assert axe_violations(pg) == []
    pg.get_by_role("button", name="Chat sluiten").click()
    assert pg.get_by_role("button", name="Vraag de inburgeringsassistent").is_visible()
    pg.context.close()
    assert not errors


def test_docs_snippet_pasted_verbatim(server, page):
    """The tag exactly as in docs/service.md, on another site; the documented address is routed to this server.

    With the placeholder key still in it the klantmanager gets the Dutch set-up message (the reason is in
    the console) and no request is sent; with the two replacements of step 3 it answers.
    """
    base = server["base"]
    requests = []

    def to_service(route):
        requests.append(route.request.url)
        route.fulfill(response=route.fetch(url=route.request.url.replace(DOCS_SERVICE, base)))

    page.route(DOCS_SERVICE + "/**", to_service)
    shown, console = ask_expecting_setup_problem(page, server["host"].origin + "/snippet-verbatim")
    assert SETUP_PROBLEM in shown
    assert "niet bereikbaar" not in page.locator(".wia-log").inner_text()
    assert any("placeholder" in line for line in console)
    assert not [u for u in requests if "/v1/" in u]
    page.screenshot(path=str(SHOTS / "widget-docs-snippet-placeholder.png"))

    page.goto(server["host"].origin + "/snippet-filled-in")
    page.get_by_role("button", name="Vraag de inburgeringsassistent").click()
    ask(page, "Wat is de Z-route?", 1)
    article = page.locator("article.wia-bot").first
    assert article.locator("a.wia-marker").count() >= 1
    assert Store(server["db_url"]).audit_log()[0].key_id == "widget-intranet"
    page.screenshot(path=str(SHOTS / "widget-docs-snippet-filled-in.png"))


def test_wrong_key_shows_a_message_for_a_klantmanager(server, page):
    shown, console = ask_expecting_setup_problem(page, server["host"].origin + "/wrong-key")
    assert SETUP_PROBLEM in shown and "X-API-Key" not in shown
    assert any("401" in line and "X-API-Key" in line for line in console)


def test_reload_shows_the_conversation_again_and_continues_it(server, page):
    page.goto(server["base"] + "/")
    ask(page, QUESTION, 1)
    first_answer = page.locator("article.wia-bot .wia-text").first.inner_text()
    page.get_by_role("button", name="Nuttig", exact=True).click()
    page.get_by_text("Bedankt voor je feedback.").wait_for()
    page.reload()
    page.locator("article.wia-bot").first.wait_for(timeout=15_000)
    assert page.locator(".wia-user").inner_text().endswith(QUESTION)
    assert page.locator("article.wia-bot .wia-text").first.inner_text() == first_answer
    assert "teruggezet" in page.locator(".wia-system").inner_text()
    restored = page.locator("article.wia-bot").first
    assert restored.get_by_role("button", name="Nuttig", exact=True).get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(SHOTS / "page-after-reload.png"))
    ask(page, "en voor statushouders?", 2)
    store = Store(server["db_url"])
    latest = store.audit_log(limit=2)
    assert latest[0].session_id == latest[1].session_id  # the follow-up continued the visible conversation
    assert axe_violations(page) == []

    # A session the server no longer has: said so, and a new conversation starts (no hidden context).
    page.evaluate("Object.keys(sessionStorage).forEach(k => sessionStorage.setItem(k, 'verlopen-gesprek'))")
    page.reload()
    page.locator(".wia-system").wait_for(timeout=15_000)
    assert "kon niet worden teruggehaald" in page.locator(".wia-system").inner_text()
    assert page.locator("article.wia-bot").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('wia-session')).length") == 0
    store.close()


def test_uncertain_answer_gets_its_own_notice(server, page):
    """A real answer from the server, its status set to "uncertain" on the way (the composer emits it soon)."""
    def as_uncertain(route):
        response = route.fetch()
        body = response.json()
        body["status"] = "uncertain"
        route.fulfill(response=response, json=body)

    page.route("**/v1/chat", as_uncertain)
    page.goto(server["base"] + "/")
    ask(page, "Wat is het PIP?", 1)
    article = page.locator("article.wia-bot").first
    notice = article.locator(".wia-notice-uncertain")
    assert notice.inner_text() == "Mogelijk geen antwoord op je vraag: dit is de passage die er het dichtst bij ligt."
    assert article.locator(".wia-notice-refused").count() == 0
    assert article.locator(".wia-cites-title").inner_text() == "Dichtstbijzijnde passage"
    assert "mogelijk geen antwoord" in page.locator(".wia-status").inner_text()
    page.screenshot(path=str(SHOTS / "page-uncertain.png"))
    assert axe_violations(page) == []
