"""Benchmark: ingest time (cold and warm), query latency, throughput under concurrency, memory."""
from __future__ import annotations

import json
import os
import platform
import resource
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from eval.metrics import percentile


def environment() -> dict:
    """What the numbers depend on: cores, load, OpenMP threads of the embedder."""
    return {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "default"),
            "python": platform.python_version(), "platform": platform.platform()}


def stats(ms: list[float]) -> dict:
    """p50/p95/p99/mean of latencies in milliseconds."""
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99), "mean_ms": sum(ms) / len(ms) if ms else None}


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_ingest(settings, index_dir: Path, cache_dir: Path) -> dict:
    """Run a full ingest into index_dir with the embedding cache in cache_dir, timed."""
    from ingest.pipeline import ingest

    started = time.perf_counter()
    report = ingest(settings.model_copy(update={"index_dir": index_dir, "cache_dir": cache_dir}))
    return {"seconds": time.perf_counter() - started, "chunks": report.chunks, "vectors": report.vectors,
            "embedded": report.embedded, "cache_dir": str(cache_dir)}


def load_assistant(settings) -> tuple[object, dict]:
    """Load the assistant, measuring load time and the Python heap peak (tracemalloc) while loading."""
    import tracemalloc

    from assistant.service import Assistant

    tracemalloc.start()
    started = time.perf_counter()
    assistant = Assistant.from_settings(settings)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return assistant, {"seconds": seconds, "tracemalloc_peak_mb": peak / 2**20}


def latencies(ask: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds per question, one after the other."""
    out = []
    for q in questions:
        started = time.perf_counter()
        ask(q)
        out.append((time.perf_counter() - started) * 1000)
    return out


def throughput(ask: Callable[[str], object], questions: list[str], clients: int) -> dict:
    """Questions per second with `clients` threads asking at once, and their latencies."""
    def one(q: str) -> float:
        started = time.perf_counter()
        ask(q)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        ms = list(pool.map(one, questions))
    wall = time.perf_counter() - started
    return {"clients": clients, "qps": len(questions) / wall, "seconds": wall, **stats(ms)}


def http_latencies(url: str, questions: list[str], timeout: float = 60.0) -> dict:
    """Latency of POST {url}/v1/ask, one question after the other; failures counted apart."""
    import httpx

    ms, errors = [], []
    with httpx.Client(base_url=url.rstrip("/"), timeout=timeout) as client:
        for q in questions:
            started = time.perf_counter()
            try:
                client.post("/v1/ask", json={"question": q}).raise_for_status()
            except httpx.HTTPError as exc:
                errors.append(repr(exc)[:200])
                continue
            ms.append((time.perf_counter() - started) * 1000)
    return {**stats(ms), "errors": len(errors), "first_errors": errors[:3]}


def ingest_phase(settings, cold: bool, log: Callable[[str], None]) -> dict:
    """Cold ingest (fresh cache and index) then warm (same cache), or warm on the configured cache."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="inburgering-bench-") as tmp:
        cache = Path(tmp) / "cache" if cold else settings.cache_dir
        if cold:
            log("koude ingest (verse cache)…")
            out["ingest_cold"] = timed_ingest(settings, Path(tmp) / "cold" / "index", cache)
        log("warme ingest…")
        out["ingest_warm"] = timed_ingest(settings, Path(tmp) / "warm" / "index", cache)
    return out


def query_phase(assistant, questions: list[str], url: str | None, clients: list[int],
                log: Callable[[str], None]) -> dict:
    """Latency in-process (and over HTTP), then throughput at each concurrency level."""
    ask = assistant.ask
    latencies(ask, questions[:5])  # warm up: first calls pay for lazy loading
    log(f"latentie in-process over {len(questions)} vragen…")
    out: dict = {"latency_in_process": stats(latencies(ask, questions))}
    if url:
        log(f"latentie via HTTP ({url})…")
        out["latency_http"] = http_latencies(url, questions)
    out["throughput"] = []
    for c in clients:
        log(f"doorvoer met {c} clients…")
        out["throughput"].append(throughput(ask, questions[:max(100, 4 * c)], c))
    return out


def run_bench(settings, url: str | None = None, cold: bool = True, queries: int | None = None,
              clients: list[int] | None = None, log: Callable[[str], None] = lambda m: None) -> dict:
    """The whole benchmark; ingest runs last so the serving memory peak is measured apart."""
    from eval.golden import load_golden

    questions = list(dict.fromkeys(i.question for i in load_golden()))[:queries]
    result: dict = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "environment": environment()}
    assistant, result["index_load"] = load_assistant(settings)
    result.update(query_phase(assistant, questions, url, clients or [1, 4, 16], log))
    result["peak_rss_mb_serving"] = peak_rss_mb()
    result.update(ingest_phase(settings, cold, log))
    result["peak_rss_mb_overall"] = peak_rss_mb()
    result["rows"] = rows(result)
    return result


def _lat(s: dict) -> str:
    """p50/p95/p99 as one cell."""
    if not s.get("n"):
        return "geen metingen"
    return f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f} / {s['p99_ms']:.0f} ms (n={s['n']})"


def rows(r: dict) -> list[tuple[str, str]]:
    """(label, value) rows for the terminal table."""
    out = [("load average (1 min) at start", str(r["environment"]["load_avg_1m"]))]
    for key, label in (("ingest_cold", "ingest cold"), ("ingest_warm", "ingest warm")):
        i = r.get(key)
        out.append((label, f"{i['seconds']:.1f} s ({i['chunks']} chunks, {i['embedded']} embedded)"
                    if i else "skipped"))
    load = r["index_load"]
    out.append(("index load (under tracemalloc)",
                f"{load['seconds']:.2f} s, Python heap peak {load['tracemalloc_peak_mb']:.0f} MB"))
    out.append(("latency in-process p50/p95/p99", _lat(r["latency_in_process"])))
    http = r.get("latency_http")
    out.append(("latency HTTP p50/p95/p99", f"{_lat(http)}, {http['errors']} errors" if http else "no --url"))
    for t in r["throughput"]:
        out.append((f"throughput {t['clients']} clients",
                    f"{t['qps']:.1f} q/s (p50 {t['p50_ms']:.0f} ms, p95 {t['p95_ms']:.0f} ms, n={t['n']})"))
    out.append(("peak RSS serving / overall",
                f"{r['peak_rss_mb_serving']:.0f} MB / {r['peak_rss_mb_overall']:.0f} MB"))
    return out


def write_bench(result: dict, out_dir: Path) -> Path:
    """bench.json in the report directory."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "bench.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return path
