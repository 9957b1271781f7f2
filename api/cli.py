"""`inburgering serve`: the HTTP service under uvicorn."""
from __future__ import annotations

import ipaddress
import os

import typer

OPEN_REFUSED = ("Er zijn geen API-sleutels ingesteld: zonder sleutels luistert de dienst alleen op dit "
                "apparaat (127.0.0.1). Maak een sleutel met `python -m api.keys create <naam>`, of start "
                "bewust open met --allow-open.")


def is_loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _has_keys() -> bool:
    """Whether any API key is configured (settings or database)."""
    from api.config import get_service_settings
    from api.db import Store

    settings = get_service_settings()
    if settings.api_keys:
        return True
    store = Store(settings.db_url)
    try:
        return bool(store.api_keys())
    finally:
        store.close()


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Adres om op te luisteren."),
    port: int = typer.Option(8000, "--port", help="Poort."),
    workers: int = typer.Option(1, "--workers", help="Aantal processen (elk laadt de index zelf)."),
    log_level: str = typer.Option("info", "--log-level", help="Logniveau van uvicorn."),
    allow_open: bool = typer.Option(False, "--allow-open",
                                    help="Ook zonder API-sleutels op een ander adres dan 127.0.0.1 luisteren."),
) -> None:
    """Start de webdienst: JSON-API, chatwidget, bronviewer en Teams-koppeling."""
    if not is_loopback(host) and not allow_open and not _has_keys():
        typer.echo(f"Fout: {OPEN_REFUSED}", err=True)
        raise typer.Exit(2)
    # FAISS and BLAS run on OpenMP, whose threads spin at barriers: on a busy 2-core machine a query
    # took 2.5 s instead of 40 ms. The embedder's engine has its own runtime and thread setting
    # (Settings.embed_threads, threads asleep while waiting). An explicit value is kept.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, proxy_headers=False, server_header=False)


def purge_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Alleen tellen wat weg zou gaan."),
) -> None:
    """Verwijder gesprekken, auditregels en feedback die ouder zijn dan de bewaartermijn (INBURGERING_RETENTION_*)."""
    from api.config import get_service_settings
    from api.db import Store

    settings = get_service_settings()
    store = Store(settings.db_url)
    try:
        removed = store.purge(settings.retention_audit_days, settings.retention_turns_days,
                              settings.retention_feedback_days, dry_run=dry_run)
    finally:
        store.close()
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    typer.echo(f"{verb}: {removed['audit']} auditregels (ouder dan {settings.retention_audit_days} dagen), "
               f"{removed['turns']} gespreksbeurten en {removed['sessions']} gesprekken (ouder dan "
               f"{settings.retention_turns_days} dagen), {removed['feedback']} feedback (ouder dan "
               f"{settings.retention_feedback_days} dagen).")
