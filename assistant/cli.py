"""`inburgering ask` (one question, or a batch file) and `inburgering chat` (a terminal conversation)."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

err = Console(stderr=True)
out = Console()


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
    question: Optional[str] = typer.Argument(None, help="De vraag."),
    as_json: bool = typer.Option(False, "--json", help="Antwoord als JSON (het Answer-contract)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", callback=_valid_date, help="Peildatum JJJJ-MM-DD."),
    scope: Optional[str] = typer.Option(None, "--scope", help="Bijv. regio:amrd of gemeente:s-hertogenbosch."),
    mode: Optional[str] = typer.Option(None, "--mode", help="extractive (standaard) of llm."),
    batch: Optional[Path] = typer.Option(None, "--batch", help="JSONL-bestand met vragen."),
    out_path: Optional[Path] = typer.Option(None, "--out", help="Uitvoerbestand voor --batch."),
) -> None:
    """Stel een vraag (of een batch vragen) en krijg een antwoord met bronnen."""
    if mode not in (None, "extractive", "llm"):
        raise typer.BadParameter("--mode moet 'extractive' of 'llm' zijn.")
    if batch:
        if not out_path:
            raise typer.BadParameter("Bij --batch hoort --out.")
        from assistant.batch import run_batch

        failures = run_batch(_assistant(), batch, out_path, mode)
        raise typer.Exit(1 if failures else 0)
    if not question or not question.strip():
        raise typer.BadParameter("Stel een vraag, bijvoorbeeld: inburgering ask \"Wat is het PIP?\"")
    answer = _assistant().ask(question, as_of=as_of, scope=scope, mode=mode)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_answer(answer)


def print_answer(answer) -> None:
    """Show an answer with its sources in the terminal."""
    from assistant.labels import dutch_date

    style = "yellow" if answer.refused else "bold"
    out.print(answer.answer, style=style, markup=False, highlight=False)
    for w in answer.warnings:
        out.print(f"⚠ {w}", style="yellow", markup=False)
    for c in answer.citations:
        line = f"[{c.n}] {c.document_title} — {c.section}"
        if c.question:
            line += f" — vraag: {c.question}"
        line += f" ({c.label}"
        line += f"; bijgewerkt op {dutch_date(c.update_date)})" if c.update_date else ")"
        out.print(line, style="dim", markup=False, highlight=False)


def chat_command(
    as_of: Optional[str] = typer.Option(None, "--as-of", callback=_valid_date, help="Peildatum JJJJ-MM-DD."),
    scope: Optional[str] = typer.Option(None, "--scope", help="Bijv. regio:amrd."),
    mode: Optional[str] = typer.Option(None, "--mode", help="extractive of llm."),
) -> None:
    """Een gesprek in de terminal; vervolgvragen gebruiken de eerdere vragen. Stop met 'stop' of Ctrl-D."""
    import uuid

    assistant = _assistant()
    history: list[str] = []
    session = uuid.uuid4().hex
    err.print("Stel je vraag over de Wet inburgering. 'nieuw' begint een nieuw gesprek, 'stop' stopt.")
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question.lower() in ("stop", "exit", "quit"):
            break
        if question.lower() == "nieuw":
            history, session = [], uuid.uuid4().hex
            continue
        if not question:
            continue
        print_answer(assistant.ask(question, history=history, as_of=as_of, scope=scope, mode=mode,
                                   session_id=session))
        history.append(question)
