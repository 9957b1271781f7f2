"""`inburgering changes --since JJJJ-MM-DD`: what changed in the sources since a date."""
from __future__ import annotations

import json
import sys
from datetime import date

import typer
from rich.console import Console

err = Console(stderr=True)
out = Console()

CHANGE_NL = {"toegevoegd": "nieuw", "bijgewerkt": "bijgewerkt", "verwijderd": "verwijderd", "gewijzigd": "gewijzigd"}


def _date(value: str) -> str:
    """Check the --since date, with a Dutch message when it is not a date."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"'{value}' is geen geldige datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2024-05-01.")


def changes_command(
    since: str = typer.Option(..., "--since", callback=_date, help="Wijzigingen vanaf deze datum (JJJJ-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Toon wat er in de bronnen is toegevoegd, bijgewerkt, gewijzigd of verwijderd sinds een datum."""
    from inburgering.settings import get_settings
    from ingest.changes import changes_since
    from ingest.store import IndexError_, read_chunks

    try:
        chunks = read_chunks(get_settings().index_dir)
    except IndexError_ as exc:
        err.print(f"[red]Fout:[/red] {exc.message_nl}")
        raise typer.Exit(2)
    feed = changes_since(chunks, since)
    if as_json:
        sys.stdout.write(json.dumps(feed.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    print_feed(feed)


def print_feed(feed) -> None:
    """The change feed as readable Dutch text."""
    from assistant.labels import dutch_date

    out.print(f"Wijzigingen sinds {dutch_date(feed.since)}", style="bold")
    out.print(f"\nVragen met een eigen wijzigingsdatum ({len(feed.entries)}):", style="bold")
    for e in feed.entries:
        out.print(f"- {dutch_date(e.update_date)} {CHANGE_NL[e.change]}: {e.question} ({e.document_title})",
                  markup=False, highlight=False)
    for v in feed.versions:
        out.print(f"\n{v.document_title}: versie {dutch_date(v.from_version)} → {dutch_date(v.to_version)} "
                  f"({v.count('toegevoegd')} nieuw, {v.count('gewijzigd')} gewijzigd, "
                  f"{v.count('verwijderd')} verwijderd)", style="bold", markup=False, highlight=False)
        for c in v.changes:
            out.print(f"- {CHANGE_NL[c.change]}: {c.question or c.section}", markup=False, highlight=False)
            if c.diff_text:
                out.print(f"  {c.diff_text}", style="dim", markup=False, highlight=False)
    if not feed.entries and not feed.versions:
        out.print("Geen wijzigingen gevonden.")
