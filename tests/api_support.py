"""Helpers for the service tests: app factory with a temp database, a real PostgreSQL, a real uvicorn."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "tests" / "setup_service_deps.sh"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_settings(index_settings, db_url: str, **overrides):
    """ServiceSettings over the test index with its own database."""
    from api.config import ServiceSettings

    # Open mode limits each address (20 at once): tests that fire many requests from one TestClient
    # would hit it; the limit itself is tested with its own values (tests/test_hardening.py).
    values = {**index_settings.model_dump(), "db_url": db_url, "warmup": False,
              "open_rate_limit_burst": 10_000, **overrides}
    return ServiceSettings(**values)


def run_setup_script() -> None:
    """Install missing system tools (PostgreSQL, chromium, axe-core) once; failures are left to callers."""
    with contextlib.suppress(Exception):
        subprocess.run(["bash", str(SETUP)], check=False, timeout=900)


# -- PostgreSQL ---------------------------------------------------------------------------------

def pg_bin() -> Path | None:
    """The directory with initdb/pg_ctl of an installed PostgreSQL server, if any."""
    for found in sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True):
        return found.parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


def _as_user(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@contextlib.contextmanager
def postgres_server():
    """Start a throw-away PostgreSQL on a free loopback port; yield its SQLAlchemy URL."""
    bindir = pg_bin()
    if bindir is None:
        run_setup_script()
        bindir = pg_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found, even after "
                                "tests/setup_service_deps.sh")
    # initdb refuses to run as root: run the server as the postgres (or nobody) user then.
    user = None
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
    tmp = Path(tempfile.mkdtemp(prefix="wia-pg-"))
    data, port = tmp / "data", free_port()
    if user:
        shutil.chown(tmp, user=user)
        tmp.chmod(0o700)
    subprocess.run(_as_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                             "-E", "UTF8", "--locale=C.UTF-8"], user), check=True, capture_output=True)
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} -c fsync=off"
    subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"),
                             "-w", "-t", "60", "start"], user), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user),
                       check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


# -- a real server --------------------------------------------------------------------------------

@contextlib.contextmanager
def uvicorn_server(env: dict[str, str], port: int | None = None, timeout: float = 240.0):
    """Run `inburgering serve` in a subprocess; yield its base URL once /readyz says ready."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="wia-serve-", suffix=".log", delete=False)
    cmd = [sys.executable, "-c", "from inburgering.cli import app; app()", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(log.name).read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"server not ready: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        Path(log.name).unlink(missing_ok=True)
