"""The `inburgering` command line: one typer app; each area registers its commands here."""
from __future__ import annotations

import logging
import os

import typer

from inburgering.cli_nl import install as _dutch_cli

_dutch_cli()  # help and error framing in Dutch: the CLI's users are klantmanagers and beleidsmedewerkers
app = typer.Typer(help="Wet inburgering-assistent: bronvermelde antwoorden over de Wet inburgering 2021.",
                  no_args_is_help=True, add_completion=False)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Meer logregels (Engels) op stderr.")) -> None:
    """Configure logging once, at the entry point."""
    level = logging.DEBUG if verbose else getattr(logging, os.environ.get("INBURGERING_LOG_LEVEL", "WARNING"))
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    # Each area keeps its commands in its own module; imports inside the commands stay lazy.
    from ingest.cli import ingest_command, search_command

    app.command("ingest")(ingest_command)
    app.command("search")(search_command)
    from ingest.changes_cli import changes_command

    app.command("changes")(changes_command)
    from assistant.cli import ask_command, chat_command

    app.command("ask")(ask_command)
    app.command("chat")(chat_command)
    # -- more commands are registered below (eval, api) --
    from api.cli import purge_command, serve_command

    app.command("serve")(serve_command)
    app.command("purge")(purge_command)
    from eval.cli import bench_command, eval_command

    app.command("eval")(eval_command)
    app.command("bench")(bench_command)


_register()
