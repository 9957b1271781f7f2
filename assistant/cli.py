"""`inburgering ask` (one question, or a batch file) and `inburgering chat` (a terminal conversation)."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from assistant.labels import UNCERTAIN_NOTICE, answer_body

err = Console(stderr=True)
out = Console()

BATCH_HELP = ("JSONL-bestand met één vraag per regel: {\"id\": \"1\", \"question\": \"Wat is het PIP?\", "
              "\"history\": [\"eerdere vraag\"], \"as_of\": \"2023-05-16\", \"scope\": \"regio:amrd\"}; "
              "alleen question is verplicht (zonder id krijgt een regel het id regel-<nummer>). "
              "Elke uitvoerregel is {\"id\": …} plus het antwoord als JSON.")


def _valid_date(value: Optional[str]) -> Optional[str]:
    """Check a YYYY-MM-DD option, with a Dutch message when it is not a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2023-05-16.")


def _assistant():
    """Load the assistant once, with a Dutch message (no traceback) when there is no usable index."""
    import logging

    from assistant.service import Assistant
    from ingest.store import IndexError_

    try:
        return RedactingAssistant(Assistant.from_settings())
    except IndexError_ as exc:
        logging.getLogger(__name__).warning("index not loaded: %s", exc)
        err.print(f"[red]Fout:[/red] {exc.message_nl}")
        raise typer.Exit(2)
    except Exception as exc:  # anything else while loading: one Dutch line, the reason in the log
        logging.getLogger(__name__).warning("index not loaded: %s: %s", type(exc).__name__, exc)
        err.print("[red]Fout:[/red] De index kan niet worden geladen. Voer `inburgering ingest` opnieuw uit.")
        raise typer.Exit(2)


class RedactingAssistant:
    """The assistant behind the CLI: personal data leaves questions before they are answered or logged."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def ask(self, question: str, history: list[str] | None = None, **kwargs):
        """Redact the question and the earlier questions, answer, and warn when something was removed."""
        from api.privacy import redact, redaction_warning

        cleaned = redact(question)
        earlier = [redact(h) for h in history or []]
        kinds = list(dict.fromkeys(cleaned.kinds + [k for e in earlier for k in e.kinds]))
        answer = self.inner.ask(cleaned.text, history=[e.text for e in earlier], **kwargs)
        if kinds:
            answer.warnings.insert(0, redaction_warning(kinds))
        return answer


def ask_command(
    question: Optional[str] = typer.Argument(None, metavar="VRAAG", help="De vraag, tussen aanhalingstekens."),
    as_json: bool = typer.Option(False, "--json", help="Antwoord als JSON (het Answer-contract)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATUM", callback=_valid_date,
                                        help="Peildatum JJJJ-MM-DD: wat de bronnen op die dag zeiden."),
    scope: Optional[str] = typer.Option(None, "--scope", metavar="SCOPE",
                                        help="Bijv. regio:amrd of gemeente:s-hertogenbosch."),
    mode: Optional[str] = typer.Option(None, "--mode", metavar="MODUS", help="extractive (standaard) of llm."),
    batch: Optional[Path] = typer.Option(None, "--batch", metavar="BESTAND", help=BATCH_HELP),
    out_path: Optional[Path] = typer.Option(None, "--out", metavar="BESTAND", help="Uitvoerbestand (JSONL) voor --batch."),
) -> None:
    """Stel een vraag (of een batch vragen) en krijg een antwoord met bronnen.

    Persoonsgegevens (BSN, e-mailadres, telefoonnummer, IBAN, geboortedatum) worden uit de vraag
    verwijderd voordat die wordt verwerkt, net als in de webdienst.
    """
    if mode not in (None, "extractive", "llm"):
        raise typer.BadParameter("kies 'extractive' of 'llm'.", param_hint="'--mode'")
    if batch:
        if not out_path:
            raise typer.BadParameter("bij --batch hoort --out met het uitvoerbestand.", param_hint="'--out'")
        from assistant.batch import run_batch

        failures = run_batch(_assistant(), batch, out_path, mode, warn=_batch_warning)
        raise typer.Exit(1 if failures else 0)
    if not question or not question.strip():
        err.print('Fout: stel een vraag tussen aanhalingstekens, bijvoorbeeld: inburgering ask "Wat is het PIP?" '
                  "(meer uitleg: inburgering ask --help)", markup=False, highlight=False)
        raise typer.Exit(2)
    answer = _assistant().ask(question, as_of=as_of, scope=scope, mode=mode)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_answer(answer)


def _batch_warning(message: str) -> None:
    err.print(f"Let op: {message}", style="yellow", markup=False, highlight=False)


REFUSED = "Geen antwoord in de bronnen."
UNCERTAIN = UNCERTAIN_NOTICE


def print_answer(answer) -> None:
    """Show an answer in the terminal: notice, answer, warnings (one line each), then the sources."""
    from assistant.labels import date_wording, scope_label

    status = "refused" if answer.refused else getattr(answer, "status", "answer")
    if status in ("refused", "uncertain"):
        out.print(REFUSED if status == "refused" else UNCERTAIN, style="bold yellow", markup=False, highlight=False)
    out.print(answer_body(answer), style="yellow" if status == "refused" else "bold", markup=False, highlight=False)
    for w in answer.warnings:
        out.print(f"⚠ {w}", style="yellow", markup=False, highlight=False)
    if answer.citations:
        out.print("Dichtstbijzijnde bronnen:" if status != "answer" else "Bronnen:", style="dim",
                  markup=False, highlight=False)
    for c in answer.citations:
        where = f"vraag: {c.question}" if c.question else c.section
        line = f"[{c.n}] {c.document_title}" + (f" — {where}" if where else "")
        line += f" ({c.label or scope_label(c.scope)}; {date_wording(c.update_date, c.version_date)})"
        out.print(line, style="dim", markup=False, highlight=False)


CHAT_HELP = ("Typ je vraag en druk op Enter. Vervolgvragen (\"en voor statushouders?\") gebruiken de eerdere "
             "vragen.\n  help   deze uitleg\n  nieuw  begin een nieuw gesprek (eerdere vragen tellen niet meer mee)\n"
             "  stop   stoppen (ook: Ctrl-D)\nVoer geen persoonsgegevens in; een BSN, e-mailadres, telefoonnummer, "
             "IBAN of geboortedatum wordt verwijderd.")


def chat_command(
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATUM", callback=_valid_date,
                                        help="Peildatum JJJJ-MM-DD."),
    scope: Optional[str] = typer.Option(None, "--scope", metavar="SCOPE", help="Bijv. regio:amrd."),
    mode: Optional[str] = typer.Option(None, "--mode", metavar="MODUS", help="extractive of llm."),
) -> None:
    """Een gesprek in de terminal; vervolgvragen gebruiken de eerdere vragen. Typ 'help', 'nieuw' of 'stop'."""
    import uuid

    assistant = _assistant()
    history: list[str] = []
    session = uuid.uuid4().hex
    err.print("Stel je vraag over de Wet inburgering. 'help' geeft uitleg, 'nieuw' begint een nieuw gesprek, "
              "'stop' stopt.", markup=False, highlight=False)
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        command = question.lower().strip(" .!?")
        if command in ("stop", "exit", "quit", "stoppen"):
            break
        if command in ("help", "hulp", "?"):
            err.print(CHAT_HELP, markup=False, highlight=False)
            continue
        if command in ("nieuw", "nieuw gesprek"):
            history, session = [], uuid.uuid4().hex
            err.print("Nieuw gesprek gestart. Eerdere vragen tellen niet meer mee.", markup=False, highlight=False)
            continue
        if not question:
            continue
        answer = assistant.ask(question, history=history, as_of=as_of, scope=scope, mode=mode, session_id=session)
        print_answer(answer)
        history.append(answer.question)  # the redacted form: personal data is not kept, not even here
    err.print("Tot ziens.", markup=False, highlight=False)
