"""Benchmark pieces: statistics, concurrency, HTTP timing against a local stand-in for the API."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eval.bench import environment, http_latencies, latencies, peak_rss_mb, rows, stats, throughput


def test_stats():
    s = stats([10.0, 20.0, 30.0, 40.0])
    assert s["n"] == 4 and s["p50_ms"] == 25.0 and s["p99_ms"] <= 40.0 and s["mean_ms"] == 25.0
    assert stats([])["p50_ms"] is None


def test_throughput_scales_with_clients_when_waiting():
    ask = lambda q: time.sleep(0.02)  # noqa: E731 - stands in for I/O-bound work
    one, four = throughput(ask, ["q"] * 20, 1), throughput(ask, ["q"] * 20, 4)
    assert one["n"] == four["n"] == 20
    assert four["qps"] > 2 * one["qps"]


class _Api(BaseHTTPRequestHandler):
    """A stand-in for POST /v1/ask (the API is an outside service for the benchmark)."""

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = 200 if self.path == "/v1/ask" and body.get("question") != "fout" else 500
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"answer": "ok"}).encode())

    def log_message(self, *args):
        pass


def test_http_latencies_counts_errors_apart():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = http_latencies(f"http://127.0.0.1:{server.server_port}/", ["a", "b", "fout"])
    finally:
        server.shutdown()
    assert result["n"] == 2 and result["errors"] == 1 and result["p50_ms"] > 0


@pytest.mark.slow
def test_assistant_latency_and_rows(assistant):
    ms = latencies(assistant.ask, ["wat is het pip?", "wie betaalt de inburgeringscursus?"])
    assert len(ms) == 2 and all(m > 0 for m in ms)
    result = {"environment": environment(), "index_load": {"seconds": 0.1, "tracemalloc_peak_mb": 1.0},
              "latency_in_process": stats(ms), "throughput": [throughput(assistant.ask, ["wat is het pip?"] * 4, 2)],
              "peak_rss_mb_serving": peak_rss_mb(), "peak_rss_mb_overall": peak_rss_mb()}
    labels = [label for label, _ in rows(result)]
    assert "ingest cold" in labels and "throughput 2 clients" in labels
