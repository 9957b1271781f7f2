"""A Teams answer as a person sees it: the Adaptive Card preview rendered by the adaptivecards JS
renderer in headless Chromium, saved as PNG in test-artifacts/screenshots/ for a look by eye.
"""
from __future__ import annotations

import json

import pytest

from tests.api_support import ROOT, run_setup_script

CHROMIUM = "/usr/bin/chromium"
RENDERER = ROOT / "tests" / "e2e" / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# Teams renders markdown in TextBlocks; the bare renderer needs a processor: bold only, text escaped.
PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<style>body { margin: 0; padding: 16px; background: #f5f5f5; font-family: "Segoe UI", system-ui, sans-serif; }
#card { width: 560px; background: #fff; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }</style>
</head><body><div id="card"></div></body></html>"""
RENDER = """([card, renderer]) => {
  const s = document.createElement('script'); s.textContent = renderer; document.head.appendChild(s);
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    result.outputHtml = esc.replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>');
    result.didProcess = true;
  };
  const ac = new AdaptiveCards.AdaptiveCard();
  ac.hostConfig = new AdaptiveCards.HostConfig({fontFamily: 'Segoe UI, system-ui, sans-serif'});
  const ctx = new AdaptiveCards.SerializationContext();
  ac.parse(card, ctx);
  const errors = ctx.eventCount + ac.validateProperties().validationEvents.length;
  document.getElementById('card').appendChild(ac.render());
  return errors;
}"""


@pytest.fixture(scope="module")
def browser():
    if not RENDERER.exists():
        run_setup_script()
    if not RENDERER.exists():
        pytest.skip("adaptivecards is not installed in tests/e2e/node_modules (npm missing?)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def render(browser, card: dict, name: str):
    page = browser.new_page(viewport={"width": 600, "height": 400})
    page.set_content(PAGE)
    failures = page.evaluate(RENDER, [card, RENDERER.read_text(encoding="utf-8")])
    element = page.locator("#card")
    element.screenshot(path=str(SHOTS / name))
    return page, failures


def test_teams_answer_preview_renders_answer_first_with_dates_and_labels(browser, assistant):
    from api.teams import answer_preview_card, citation_card

    answer = assistant.ask("Hoeveel uur taal krijgt iemand in de Z-route in Drenthe?")
    card = answer_preview_card(answer, "https://assistent.gemeente.example")
    page, failures = render(browser, card, "teams-answer-card.png")
    assert failures == 0
    text = page.locator("#card").inner_text()
    # Answer first, then the warnings, then the sources with their date and scope.
    assert text.index("Landelijk:") < text.index("⚠️") < text.index("[1] Wet inburgering")
    assert "Afspraak in de Arbeidsmarktregio Drenthe" in text
    assert "Geen eigen datum; documentversie van" in text
    assert "**" not in text  # bold markers rendered, not shown
    assert (SHOTS / "teams-answer-card.png").stat().st_size > 10_000
    page.close()

    # The card a citation opens (the whole passage, on demand).
    page, failures = render(browser, citation_card(answer.citations[-1], "https://assistent.gemeente.example"),
                            "teams-citation-card.png")
    assert failures == 0
    assert answer.citations[-1].text.split()[0] in page.locator("#card").inner_text()
    assert json.loads(json.dumps(card))  # plain JSON, as sent
    page.close()
