"""`inburgering eval` and `inburgering bench`: the golden set against all systems, and the benchmark."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from eval.golden import GOLDEN
from inburgering.settings import ROOT

err = Console(stderr=True)
# Piped output (CI logs, files) gets room for the wide tables instead of rich's 80 columns.
out = Console() if sys.stdout.isatty() else Console(width=200)
REPORTS = ROOT / "reports"
ALL = "bm25-windows,llamaindex-default,dense-only,bm25-only,assistant"


def _progress():
    """A rich progress display on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err)


def _headline(report: dict) -> Table:
    """The systems side by side."""
    from eval.report import HEADLINE, headline_rows

    table = Table(title=f"Evaluatie: {report['items']} vragen ({report['in_scope']} binnen de bronnen)")
    for head in ["system", *[h for _, h in HEADLINE]]:
        table.add_column(head, justify="left" if head == "system" else "right")
    for row in headline_rows(report):
        table.add_row(*[c.replace(" (never refuses)", "*") for c in row])
    return table


def _per_kind(report: dict) -> Table:
    """The full assistant per question kind."""
    from eval.report import PER_KIND, kind_rows

    table = Table(title="Volledige assistent per soort vraag")
    for head in ["kind", *[h for _, h in PER_KIND]]:
        table.add_column(head, justify="left" if head == "kind" else "right")
    for row in kind_rows(report["summary"]["assistant"]):
        table.add_row(*row)
    return table


def eval_command(
    golden: Path = typer.Option(GOLDEN, "--golden", help="Gouden vragenset (JSONL)."),
    report_dir: Path = typer.Option(REPORTS, "--report-dir", help="Map voor eval.json, eval.md en de grafieken."),
    systems: str = typer.Option(ALL, "--systems", help="Kommagescheiden: " + ALL),
    limit: Optional[int] = typer.Option(None, "--limit", help="Alleen de eerste N vragen."),
    strict: bool = typer.Option(False, "--strict", help="Afsluiten met code 1 als de kwaliteitsdrempel faalt."),
) -> None:
    """Evalueer de assistent en de baselines op de gouden vragenset en schrijf een rapport."""
    import os

    # One OpenMP thread for the embedder unless told otherwise: the vectors are bit-identical, and
    # on a busy 2-core machine its spinning threads turn 40 ms queries into seconds. Set before it loads.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from eval.golden import load_golden
    from eval.report import write_report
    from eval.run import run_eval
    from inburgering.settings import get_settings
    from ingest.store import IndexError_

    names = [s.strip() for s in systems.split(",") if s.strip()]
    total = len(load_golden(golden, limit))
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def tick(name: str, n: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.advance(tasks[name], n)
        try:
            report = run_eval(get_settings(), golden, names, limit, progress=tick)
        except IndexError_ as exc:
            err.print(f"[red]Fout:[/red] {exc.message_nl}")
            raise typer.Exit(2)
        except ValueError as exc:
            raise typer.BadParameter(str(exc))
    paths = write_report(report, report_dir)
    _print_eval(report, paths)
    if strict and report.get("gate", {}).get("failures"):
        raise typer.Exit(1)


def _print_eval(report: dict, paths: list[Path]) -> None:
    """Tables, gate status and report paths on the terminal."""
    out.print(_headline(report))
    out.print("* heeft geen weigerfunctie: beantwoordt alles.", style="dim")
    if report.get("ragas_error"):
        out.print(f"ragas niet beschikbaar: {report['ragas_error']}", style="yellow")
    if "assistant" in report["summary"]:
        out.print(_per_kind(report))
        failures = report["gate"]["failures"]
        out.print("Kwaliteitsdrempel: " + ("[green]gehaald[/green]" if not failures else
                                           "[red]niet gehaald[/red]: " + "; ".join(failures)))
    for path in paths:
        out.print(f"Geschreven: {path}", style="dim")


def bench_command(
    url: Optional[str] = typer.Option(None, "--url", help="Ook via HTTP meten: basis-URL van de API."),
    report_dir: Path = typer.Option(REPORTS, "--report-dir", help="Map voor bench.json."),
    skip_cold: bool = typer.Option(False, "--skip-cold", help="Geen koude ingest (duurt ~2,5 minuut)."),
    queries: int = typer.Option(0, "--queries", help="Aantal vragen (0 = de hele gouden set)."),
    clients: str = typer.Option("1,4,16", "--clients", help="Gelijktijdige clients voor de doorvoer."),
) -> None:
    """Meet ingest-tijd, antwoordtijd (p50/p95/p99), doorvoer en geheugen."""
    from eval.bench import run_bench, write_bench
    from inburgering.settings import get_settings

    levels = [int(c) for c in clients.split(",") if c.strip()]
    result = run_bench(get_settings(), url=url, cold=not skip_cold, queries=queries or None,
                       clients=levels, log=lambda msg: err.print(msg, style="dim"))
    path = write_bench(result, report_dir)
    out.print(bench_table(result))
    out.print(f"Geschreven: {path}", style="dim")


def bench_table(result: dict) -> Table:
    """The benchmark as one table."""
    table = Table(title=f"Benchmark ({result['environment']['cpus']} cpu's, "
                        f"OMP_NUM_THREADS={result['environment']['omp_num_threads']})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in result["rows"]:
        table.add_row(label, value)
    return table
