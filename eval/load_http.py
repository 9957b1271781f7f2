"""HTTP load test of a running `inburgering serve` (loopback only): latency p50/p95 and errors.

    inburgering serve --port 8000 &
    python eval/load_http.py --url http://127.0.0.1:8000 --clients 1 20 --seconds 60

Each client asks the golden questions in turn (POST /v1/ask) until the time is up; every
non-200 answer or transport failure counts as an error. Loops are bounded in time and count.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

GOLDEN = Path(__file__).with_name("golden.jsonl")
MAX_REQUESTS_PER_CLIENT = 100_000


def loopback_only(url: str) -> str:
    """Refuse any target that is not on this machine."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
    raise SystemExit(f"refusing to load-test {host!r}: only loopback addresses (127.0.0.0/8, ::1, localhost)")


def questions() -> list[str]:
    """The golden questions (without their history), in file order."""
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows]


def wait_ready(url: str, timeout: float = 300.0) -> None:
    """Block until /readyz answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not become ready within {timeout:.0f} s")


def run(url: str, clients: int, seconds: float, qs: list[str], headers: dict[str, str]) -> dict:
    """`clients` concurrent clients for `seconds`; returns latency percentiles and error counts."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=60, headers=headers) as http:
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= deadline:
                    return
                question = qs[(offset * 7 + i) % len(qs)]
                started = time.perf_counter()
                try:
                    status = http.post("/v1/ask", json={"question": question}).status_code
                    key = None if status == 200 else f"HTTP {status}"
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if key:
                        errors[key] = errors.get(key, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return summary(clients, wall, latencies, errors)


def summary(clients: int, wall: float, latencies: list[float], errors: dict[str, int]) -> dict:
    """Percentiles in milliseconds."""
    ms = sorted(x * 1000 for x in latencies)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) >= 2 else ms * 99
    return {"clients": clients, "seconds": round(wall, 1), "requests": len(ms),
            "throughput_rps": round(len(ms) / wall, 2) if wall else 0.0,
            "p50_ms": round(cuts[49], 1) if ms else None, "p95_ms": round(cuts[94], 1) if ms else None,
            "p99_ms": round(cuts[98], 1) if ms else None, "max_ms": round(ms[-1], 1) if ms else None,
            "errors": sum(errors.values()), "error_kinds": errors}


def main(argv: list[str] | None = None) -> int:
    """Run the load test for each client count and print (and optionally save) the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--api-key", default=None, help="sent as X-API-Key when the service requires keys")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    url = loopback_only(args.url.rstrip("/"))
    if not 0 < args.seconds <= 600 or not all(0 < c <= 200 for c in args.clients):
        raise SystemExit("--seconds must be in (0, 600] and --clients in (0, 200]")
    wait_ready(url)
    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    qs = questions()
    results = []
    for clients in args.clients:
        result = run(url, clients, args.seconds, qs, headers)
        results.append(result)
        print(json.dumps(result), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
