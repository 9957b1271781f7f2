"""Soak test (run by hand, not in CI): two replicas on one PostgreSQL, N clients, kill -9 of one halfway.

    .venv/bin/python scripts/soak.py --clients 20 --minutes 10 [--out var/soak.json]

Everything runs on 127.0.0.1: a throw-away PostgreSQL, an index built from corpus/ (embeddings
from var/cache), two `inburgering serve` processes. Clients mix /v1/chat (new and follow-up
turns), /v1/ask and /v1/feedback, each on one replica, like sticky sessions behind a load
balancer. Halfway one replica gets SIGKILL and is taken out of rotation at once; requests that
were in flight on it are counted as killed, and its clients carry on on the other replica
(their chat sessions too). At the end every acknowledged write (a 200 answer: its audit row and,
for chat, its turn; a 201 feedback: its row with that rating) is looked up in PostgreSQL.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api_support import free_port, postgres_server  # noqa: E402

KEY = "soak-sleutel"
QUESTIONS = ["Wat is het PIP?", "Hoeveel uur participatie in de Z-route?", "Wat is de MAP?",
             "Moet een gezinsmigrant van 17 inburgeren?", "Wat doet de leerbaarheidstoets?",
             "Wanneer moet het PIP klaar zijn?", "Wat is het ontzorgen van statushouders?",
             "Hoe lang is de inburgeringstermijn?", "Wat kost een examen?", "Wat is KNM?"]
FOLLOW_UPS = ["en voor statushouders?", "hoe lang duurt dat?", "en in de B1-route?", "wie betaalt dat?"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_replica(env: dict, log_dir: Path) -> tuple[subprocess.Popen, str]:
    """One `inburgering serve` on a free loopback port; returns the process once it is ready."""
    port = free_port()
    log = open(log_dir / f"replica-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", "from inburgering.cli import app; app()", "serve",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"replica exited, see {log.name}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return proc, base
        time.sleep(0.5)
    raise TimeoutError("replica not ready")


class Soak:
    """Shared counters of the client threads."""

    def __init__(self, replicas: list[str]) -> None:
        self.replicas = replicas
        self.live = set(replicas)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors: list[str] = []
        self.killed = 0
        self.acked_answers: dict[str, str] = {}  # answer_id -> "ask" | "chat"
        self.acked_feedback: dict[str, str] = {}  # answer_id -> latest acknowledged rating
        self.stop = threading.Event()

    def record(self, status: str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(seconds)


def client_loop(soak: Soak, n: int, seed: int) -> None:
    """One client: sticky to a replica, falls over to a live one when its replica is gone."""
    rng = random.Random(seed)
    headers = {"X-API-Key": KEY}
    home = soak.replicas[n % len(soak.replicas)]
    session_id, last_answer = None, None
    with httpx.Client(timeout=60, headers=headers) as http:
        while not soak.stop.is_set():
            if home not in soak.live:
                home = sorted(soak.live)[0]
            roll = rng.random()
            if roll < 0.15 and last_answer:
                kind, path = "feedback", "/v1/feedback"
                rating = rng.choice(["up", "down"])
                body = {"answer_id": last_answer, "rating": rating, "comment": f"soak {n}"}
            elif roll < 0.40:
                kind, path, body = "ask", "/v1/ask", {"question": rng.choice(QUESTIONS)}
            else:
                kind, path = "chat", "/v1/chat"
                if session_id and rng.random() < 0.6:
                    body = {"question": rng.choice(FOLLOW_UPS), "session_id": session_id}
                else:
                    body = {"question": rng.choice(QUESTIONS)}
            target = home
            started = time.perf_counter()
            try:
                r = http.post(target + path, json=body)
            except httpx.HTTPError as exc:
                with soak.lock:
                    if target not in soak.live:
                        soak.killed += 1  # in flight on the replica that was killed
                    else:
                        soak.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                continue
            soak.record(str(r.status_code), time.perf_counter() - started)
            if r.status_code >= 400:
                with soak.lock:
                    soak.errors.append(f"{kind}: {r.status_code} {r.text[:200]}")
                continue
            data = r.json()
            with soak.lock:
                if kind == "feedback":
                    soak.acked_feedback[body["answer_id"]] = body["rating"]
                else:
                    soak.acked_answers[data["answer_id"]] = kind
            if kind != "feedback":
                last_answer = data["answer_id"]
            if kind == "chat":
                session_id = data["session_id"]


def check_writes(db_url: str, soak: Soak) -> dict:
    """Acknowledged writes that are not in the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        audited = {r[0] for r in conn.execute(text("SELECT answer_id FROM audit_log"))}
        turns = {r[0] for r in conn.execute(text("SELECT answer_id FROM turns"))}
        feedback = dict(conn.execute(text("SELECT answer_id, rating FROM feedback")).all())
    engine.dispose()
    lost_audit = [a for a in soak.acked_answers if a not in audited]
    lost_turns = [a for a, kind in soak.acked_answers.items() if kind == "chat" and a not in turns]
    lost_feedback = [a for a, rating in soak.acked_feedback.items() if feedback.get(a) != rating]
    return {"acknowledged_answers": len(soak.acked_answers), "acknowledged_feedback": len(soak.acked_feedback),
            "lost_audit_rows": len(lost_audit), "lost_turns": len(lost_turns),
            "lost_or_changed_feedback": len(lost_feedback)}


def ingest_index(tmp: Path) -> Path:
    """An index of corpus/ in `tmp` (embeddings come from var/cache when it is warm)."""
    index = tmp / "index"
    env = {**os.environ, "INBURGERING_INDEX_DIR": str(index), "INBURGERING_CACHE_DIR": str(ROOT / "var" / "cache")}
    subprocess.run([sys.executable, "-c", "from inburgering.cli import app; app()", "ingest"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return index


def main() -> int:
    """Run the soak and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wia-soak-"))
    index = ingest_index(tmp)
    with postgres_server() as db_url:
        from api.db import Store
        from api.security import hash_key

        store = Store(db_url)
        store.add_api_key("soak", hash_key(KEY), rate_per_minute=1_000_000)
        store.close()
        env = {"INBURGERING_INDEX_DIR": str(index), "INBURGERING_DB_URL": db_url,
               "INBURGERING_RATE_LIMIT_BURST": "1000000"}
        procs = [start_replica(env, tmp) for _ in range(2)]
        soak = Soak([base for _, base in procs])
        rss_start = {base: rss_mb(p.pid) for p, base in procs}
        threads = [threading.Thread(target=client_loop, args=(soak, n, 1000 + n), daemon=True)
                   for n in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        half = args.minutes * 30
        time.sleep(half)
        victim, victim_url = procs[1]
        with soak.lock:
            soak.live.discard(victim_url)  # the load balancer stops sending new requests to it
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic() - started
        time.sleep(args.minutes * 60 - half)
        survivor, survivor_url = procs[0]
        rss_end = {survivor_url: rss_mb(survivor.pid)}
        soak.stop.set()
        for t in threads:
            t.join(120)
        elapsed = time.monotonic() - started
        victim.wait(10)
        writes = check_writes(db_url, soak)
        survivor.terminate()
        survivor.wait(30)
    lat = sorted(soak.latencies)
    report = {
        "clients": args.clients, "seconds": round(elapsed, 1), "killed_replica_at_s": round(killed_at, 1),
        "requests_answered": len(lat), "requests_per_second": round(len(lat) / elapsed, 1),
        "statuses": soak.statuses, "errors_beyond_killed": len(soak.errors), "killed_in_flight": soak.killed,
        "p50_ms": round(statistics.median(lat) * 1000), "p95_ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000),
        "rss_mb_start": {u: round(v) for u, v in rss_start.items()},
        "rss_mb_end_survivor": {u: round(v) for u, v in rss_end.items()},
        **writes, "first_errors": soak.errors[:10],
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    ok = report["errors_beyond_killed"] == 0 and report["lost_audit_rows"] == 0 and report["lost_turns"] == 0 \
        and report["lost_or_changed_feedback"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
