"""Optional LLM mode: an OpenAI-compatible endpoint writes the answer, then it is verified.

The model gets the passages the extractive answer rests on (not the top five: with five passages a
small model dropped the [n] instruction). A generated answer is shown only when every [n] refers to
a passage that was given, every number, amount, percentage and date in it occurs in the passages it
cites next to what the answer says it counts, it has words of its own that the passages contain
(not only markers, not the question repeated, not a list of headings), and a "ja"/"nee" agrees with
the cited sentence; otherwise the extractive answer stays, with a warning saying so.
"""
from __future__ import annotations

import logging
import re

from assistant import llm_checks
from inburgering.models import Answer, Hit

log = logging.getLogger(__name__)

SYSTEM = ("Je bent een assistent voor klantmanagers inburgering. Beantwoord de vraag kort (maximaal drie "
          "zinnen) in het Nederlands, uitsluitend op basis van de genummerde passages. Zet achter elke zin "
          "het nummer van de passage waarop hij rust, zoals [1]. Staat het antwoord niet in de passages, "
          "zeg dat dan. Verzin geen getallen, bedragen of datums.")
_MARK = re.compile(r"\[(\d+)\]")
_FACT = re.compile(r"\d+(?:[.,]\d+)*(?:\s?%)?")


def build_messages(question: str, hits: list[Hit]) -> list[dict]:
    """Chat messages holding the question and the numbered passages."""
    passages = "\n\n".join(f"[{n}] {h.chunk.document_title} — {h.chunk.section}\n{h.chunk.text}"
                           for n, h in enumerate(hits, start=1))
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Passages:\n{passages}\n\nVraag: {question}"}]


def call_endpoint(url: str, model: str, api_key: str | None, messages: list[dict], timeout: float,
                  max_tokens: int = 300) -> str:
    """POST to an OpenAI-compatible /chat/completions endpoint and return the reply text."""
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    endpoint = url.rstrip("/") + ("" if url.rstrip("/").endswith("/chat/completions") else "/chat/completions")
    reply = httpx.post(endpoint, json={"model": model, "messages": messages, "temperature": 0,
                                       # bounded: a small model can ramble for minutes
                                       "max_tokens": max_tokens},
                       headers=headers, timeout=timeout)
    reply.raise_for_status()
    return reply.json()["choices"][0]["message"]["content"].strip()


def _facts(text: str) -> set[str]:
    """Numbers, amounts, percentages and years in a text, normalised for comparison."""
    return {re.sub(r"[\s.]", "", m).replace(",", ".") for m in _FACT.findall(text)}


def verify(text: str, hits: list[Hit], question: str = "") -> list[str]:
    """Reasons the generated text cannot be shown (empty when it passes)."""
    problems = []
    marks = [int(m) for m in _MARK.findall(text)]
    if not marks:
        problems.append("no [n] markers")
    bad = [m for m in marks if not 1 <= m <= len(hits)]
    if bad:
        problems.append(f"markers refer to passages that were not given: {bad}")
    cited_hits = [hits[m - 1] for m in sorted(set(marks)) if 1 <= m <= len(hits)]
    cited = "\n".join(h.chunk.text for h in cited_hits)
    unsupported = _facts(_MARK.sub("", text)) - _facts(cited)
    if unsupported:
        problems.append(f"numbers or dates not in the cited passages: {sorted(unsupported)}")
    headings = [f"{h.chunk.document_title} > {h.chunk.section}" for h in hits] + \
        [h.chunk.question for h in hits if h.chunk.question]
    checks = [llm_checks.only_markers(text), llm_checks.lists_headings(text, headings)]
    if cited_hits:
        checks += [llm_checks.unsupported_words(text, question, cited),
                   llm_checks.contradicts_source(text, cited), llm_checks.misattached_numbers(text, cited)]
    return problems + [c for c in checks if c]


def passages_for(answer: Answer, hits: list[Hit], limit: int = 3) -> list[Hit]:
    """The passages the extractive answer cites, in its order; the best hits when it cites none."""
    by_id = {h.chunk.chunk_id: h for h in hits}
    ids = list(dict.fromkeys(c.chunk_id for c in answer.citations if c.chunk_id in by_id))
    return [by_id[i] for i in ids][:limit] or hits[:limit]


def generate_verified(assistant, answer: Answer, question: str, hits: list[Hit]) -> None:
    """Replace the extractive answer with a verified generated one, or keep it and warn."""
    from assistant.compose import citation

    settings = assistant.settings
    given = passages_for(answer, hits)
    if not settings.llm_url:
        answer.warnings.append("LLM-modus is gevraagd maar er is geen taalmodel ingesteld; "
                               "dit is het letterlijke antwoord uit de bronnen.")
        return
    try:
        text = call_endpoint(settings.llm_url, settings.llm_model, settings.llm_api_key,
                             build_messages(question, given), settings.llm_timeout, settings.llm_max_tokens)
    except Exception as exc:  # any endpoint failure falls back to the extractive answer
        log.warning("LLM endpoint failed: %s", exc)
        answer.warnings.append("Het taalmodel gaf geen antwoord; dit is het letterlijke antwoord uit de bronnen.")
        return
    problems = verify(text, given, question)
    if problems:
        log.warning("generated answer rejected: %s", "; ".join(problems))
        answer.warnings.append("Het door het taalmodel geschreven antwoord kon niet worden gecontroleerd "
                               "tegen de bronnen en wordt daarom niet getoond; dit is het letterlijke "
                               "antwoord uit de bronnen.")
        return
    used = sorted({int(m) for m in _MARK.findall(text)})
    renumber = {old: new for new, old in enumerate(used, start=1)}
    answer.answer = _MARK.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
    answer.citations = [citation(renumber[m], given[m - 1], given[m - 1].chunk.text) for m in used]
    answer.mode = "llm"
