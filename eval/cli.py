"""`inburgering eval` and `inburgering bench`: the golden set against all systems, and the benchmark."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from inburgering.settings import ROOT

err = Console(stderr=True)
# Piped output (CI logs, files) gets room for the wide tables instead of rich's 80 columns.
out = Console() if sys.stdout.isatty() else Console(width=200)
REPORTS = ROOT / "reports"
ALL = "bm25-windows,llamaindex-default,dense-only,bm25-only,fusion,assistant"


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
    split: str = typer.Option("both", "--split", help="dev, test of both (standaard: beide naast elkaar)."),
    golden: Optional[Path] = typer.Option(None, "--golden", help="Een andere vragenset (JSONL) in plaats van de splits."),
    report_dir: Path = typer.Option(REPORTS, "--report-dir", help="Map voor eval.json, eval.md en de grafieken."),
    systems: str = typer.Option(ALL, "--systems", help="Kommagescheiden: " + ALL),
    limit: Optional[int] = typer.Option(None, "--limit", help="Alleen de eerste N vragen per split."),
    strict: bool = typer.Option(False, "--strict", help="Afsluiten met code 1 als de kwaliteitsdrempel (test) faalt."),
    record_start: bool = typer.Option(False, "--record-start", help="Bewaar de test-uitslag als startpunt (eenmalig)."),
    crossfit: bool = typer.Option(False, "--crossfit", help="Dev buiten de steekproef: elke devvraag beantwoord met "
                                  "modellen die zonder haar fold zijn gefit (enkele minuten)."),
) -> None:
    """Evalueer de assistent en de baselines op de dev- en testvragen en schrijf een rapport."""
    import os

    # One OpenMP thread for FAISS and BLAS unless told otherwise: on a busy 2-core machine spinning
    # threads turn 40 ms queries into seconds. The embedder's engine takes Settings.embed_threads.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from eval.golden import load_golden, split_path
    from eval.report import write_report
    from eval.run import run_eval
    from eval.splits import run_splits, save_start, write_split_reports
    from inburgering.settings import get_settings
    from ingest.store import IndexError_

    if split not in ("dev", "test", "both"):
        raise typer.BadParameter("kies dev, test of both", param_hint="--split")
    splits = ["dev", "test"] if split == "both" else [split]
    names = [s.strip() for s in systems.split(",") if s.strip()]
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def tick(part: str, name: str, n: int) -> None:
            key = f"{part}:{name}"
            if key not in tasks:
                total = len(load_golden(golden or split_path(part), limit))
                tasks[key] = bar.add_task(key, total=total)
            bar.advance(tasks[key], n)
        try:
            if golden:
                report = run_eval(get_settings(), golden, names, limit, progress=lambda s, n: tick("golden", s, n))
            else:
                report = run_splits(get_settings(), splits, names, limit, progress=tick, crossfit=crossfit)
        except IndexError_ as exc:
            err.print(f"[red]Fout:[/red] {exc.message_nl}")
            raise typer.Exit(2)
        except ValueError as exc:
            raise typer.BadParameter(str(exc))
    if golden:
        paths = write_report(report, report_dir)
        _print_eval(report, paths)
        failures = report.get("gate", {}).get("failures")
    else:
        if report.get("recorded_hash"):
            err.print("Hash van de testset vastgelegd in eval/test_hashes.json (eerste scoring).")
        if record_start and "test" in report["splits"] and not limit:
            save_start(report)
        paths = write_split_reports(report, report_dir)
        for part, rep in report["splits"].items():
            out.print(f"[bold]Split: {part}[/bold]")
            _print_eval(rep, [])
        _print_side(report, paths)
        failures = report["splits"].get("test", {}).get("gate", {}).get("failures")
    if strict and failures:
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


def _print_side(report: dict, paths: list[Path]) -> None:
    """The assistant on dev and test (and the starting point) side by side."""
    from eval.splits import SIDE, side_by_side

    table = Table(title="Assistent: dev en test naast elkaar (cijfers die we noemen zijn test)")
    for head in ["", *[h for _, h in SIDE]]:
        table.add_column(head, justify="left" if not head else "right")
    for row in side_by_side(report):
        table.add_row(*row)
    out.print(table)
    if report.get("test_hash_problem"):
        out.print(f"[red]Testset gewijzigd:[/red] {report['test_hash_problem']}")
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
