"""Labels for a source's scope and warnings about outdated sources, in Dutch."""
from __future__ import annotations

from inburgering.models import Chunk

_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"]
REGION_NAMES = {"amrd": "de Arbeidsmarktregio Drenthe"}
MUNICIPALITY_NAMES = {"s-hertogenbosch": "'s-Hertogenbosch"}


# The label of an "uncertain" answer: its text opens with it (for API users), and the page, widget,
# Teams and CLI show it once, as their notice, with `answer_body` below it.
UNCERTAIN_NOTICE = "Mogelijk geen antwoord op je vraag: dit is de passage die er het dichtst bij ligt."


def answer_body(answer) -> str:
    """The answer text without the opening "uncertain" notice (shown apart by every front end)."""
    body = answer.answer
    if getattr(answer, "status", None) == "uncertain" and body.startswith(UNCERTAIN_NOTICE):
        return body[len(UNCERTAIN_NOTICE):].strip()
    return body


def dutch_date(iso: str | None) -> str:
    """2023-05-16 -> "16 mei 2023"."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


def date_wording(update_date: str | None, version_date: str | None) -> str:
    """How every channel states a source's date: only an entry's (or its theme's) own marker is an update.

    The same words are used by the widget (widget.js), Teams and the CLI.
    """
    if update_date:
        return f"Bijgewerkt op {dutch_date(update_date)}"
    if version_date:
        return f"Geen eigen datum; documentversie van {dutch_date(version_date)}"
    return "Geen eigen datum"


def currency_line(citations) -> str:
    """The dates of the cited passages as one answer line, for a question that asks how current the
    information is; in date_wording's words, so every channel says the same."""
    words = [date_wording(c.update_date, c.version_date).replace("; ", ", ") for c in citations]
    return "Hoe actueel: " + "; ".join(f"[{c.n}] {w[:1].lower()}{w[1:]}" for c, w in zip(citations, words)) + "."


def scope_label(scope: str) -> str:
    """How an answer names where a source applies."""
    if scope.startswith("regio:"):
        name = scope.split(":", 1)[1]
        return f"Afspraak in {REGION_NAMES.get(name, 'de regio ' + name)}"
    if scope.startswith("gemeente:"):
        name = scope.split(":", 1)[1]
        return f"Beleid gemeente {MUNICIPALITY_NAMES.get(name, name)}"
    return "Landelijk"


def place_name(scope: str) -> str:
    """The place a regional scope refers to, for sentences like "In X geldt …"."""
    name = scope.split(":", 1)[-1]
    return REGION_NAMES.get(name) or MUNICIPALITY_NAMES.get(name) or name


def staleness_warnings(chunk: Chunk, manifest: dict[str, dict], law_date: str) -> list[str]:
    """Warnings for a cited source written before the law took effect or on a wrong start date."""
    doc = manifest.get(f"{chunk.document_id}@{chunk.version_date}") or manifest.get(chunk.document_id)
    if not doc:
        return []
    title, out = doc["title"], []
    assumed = doc.get("assumed_start_date")
    if assumed and assumed != law_date:
        out.append(f"Let op: '{title}' gaat uit van invoering van de wet op {dutch_date(assumed)}; "
                   f"de Wet inburgering 2021 is op {dutch_date(law_date)} in werking getreden. "
                   "Data en bedragen in deze bron kunnen daardoor verouderd zijn.")
    elif doc.get("predates_law"):
        out.append(f"Let op: '{title}' is geschreven vóór de inwerkingtreding van de Wet inburgering "
                   f"2021 op {dutch_date(law_date)}; controleer of dit nog zo geldt.")
    return out
