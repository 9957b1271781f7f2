"""`inburgering ingest` and `inburgering search`: the index and the retrieval layer on their own."""
from __future__ import annotations

import json
import sys
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

err = Console(stderr=True)
out = Console()


def ingest_command() -> None:
    """Lees het corpus in en bouw de zoekindex (alleen gewijzigde passages worden opnieuw ingebed)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from inburgering.settings import get_settings
    from ingest.manifest import ManifestError
    from ingest.pipeline import ingest

    settings = get_settings()
    with Progress(TextColumn("Inbedden"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        def factory(total: int):
            task = bar.add_task("embed", total=total)
            return lambda n: bar.advance(task, n)
        try:
            report = ingest(settings, progress_factory=factory)
        except ManifestError as exc:
            err.print(f"[red]Fout:[/red] {exc.message_nl}")
            raise typer.Exit(2)
    _print_report(report)
    if report.index_path is None:
        err.print("[red]Er is geen nieuwe index gebouwd; de vorige index blijft in gebruik.[/red]")
        raise typer.Exit(2)
    if report.skipped:
        raise typer.Exit(1)


def _print_report(report) -> None:
    """Summary table of an ingest run on stderr."""
    table = Table(title="Ingest", show_lines=False)
    for col in ("document", "versie", "bestand", "chunks", "sec"):
        table.add_column(col)
    for d in report.documents:
        table.add_row(d.document_id, d.version_date or "-", d.file, str(d.chunks), f"{d.seconds:.2f}")
    err.print(table)
    for file, message in report.skipped:
        err.print(f"[yellow]Overgeslagen:[/yellow] {message}")
    err.print(f"{report.chunks} chunks, {report.vectors} vectoren, {report.embedded} nieuw ingebed, "
              f"{report.seconds:.1f} s. Index: {report.index_path or '(ongewijzigd)'}")


def search_command(
    query: str = typer.Argument(..., help="De zoekvraag."),
    k: int = typer.Option(5, "-k", help="Aantal passages."),
    as_json: bool = typer.Option(False, "--json", help="Uitvoer als JSON."),
) -> None:
    """Zoek passages (alleen de zoeklaag, zonder antwoord): voor controle en evaluatie."""
    from assistant.loader import load_retriever
    from inburgering.settings import get_settings
    from ingest.store import IndexError_

    try:
        retriever = load_retriever(get_settings())
    except IndexError_ as exc:
        err.print(f"[red]Fout:[/red] {exc.message_nl}")
        raise typer.Exit(2)
    hits = retriever.search(query, k=k)
    if as_json:
        rows = [{"rank": h.rank, "score": round(h.score, 4), "dense": round(h.dense or 0, 4),
                 "bm25": round(h.bm25 or 0, 4), **h.chunk.to_dict()} for h in hits]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    for h in hits:
        c = h.chunk
        head = f"[bold]{h.rank}.[/bold] {h.score:.3f}  {c.document_title} — {c.section}"
        if c.question:
            head += f"\n   Vraag: {c.question}"
        if c.update_date:
            head += f"  (bijgewerkt op {c.update_date})"
        out.print(head)
        out.print("   " + " ".join(c.text.split())[:300] + ("…" if len(c.text) > 300 else ""))
