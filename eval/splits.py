"""Evaluate the dev and the test split side by side, with the starting point kept in the report.

Every choice (weights, thresholds, features, sentence rules) is made on dev; test is only scored.
The test file's hash is recorded at its first scoring (eval/test_hashes.json) and checked, so a
test set edited after the fact cannot pass unnoticed.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from eval.golden import GOLDEN_TEST, HASHES, check_test_hash, file_hash, recorded_hashes, split_path

# The assistant as it was before any change made for issue "Right answers on questions nobody tuned
# for", scored once on the new test split: the row every later figure is compared with.
START = Path(__file__).resolve().parent / "start_test.json"


def run_splits(settings, splits: list[str], names: list[str], limit: int | None = None, assistant=None,
               progress: Callable[[str, str, int], None] | None = None, crossfit: bool = False) -> dict:
    """One report per split (same assistant instance), plus the recorded start row and hash check;
    crossfit: dev is answered out of fold (assistant/fitted/crossfit.py)."""
    from assistant.service import Assistant
    from eval.run import run_eval

    assistant = assistant or Assistant.from_settings(settings)
    out: dict = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "splits": {}}
    for split in splits:
        tick = (lambda s, n, sp=split: progress(sp, s, n)) if progress else None
        out["splits"][split] = run_eval(settings, split_path(split), names, limit, assistant=assistant,
                                        progress=tick, crossfit=crossfit and split == "dev")
    if "test" in splits:
        if not limit:
            out["recorded_hash"] = record_first_scoring()
        out["test_hash_problem"] = check_test_hash()
    out["start"] = json.loads(START.read_text(encoding="utf-8")) if START.exists() else None
    return out


def record_first_scoring(test_file: Path = GOLDEN_TEST, path: Path = HASHES) -> bool:
    """Record the test file's hash when it is scored for the first time; False if already recorded."""
    hashes = recorded_hashes(path)
    if test_file.name in hashes:
        return False
    hashes[test_file.name] = {"sha256": file_hash(test_file), "first_scored": time.strftime("%Y-%m-%d")}
    path.write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8")
    return True


def save_start(report: dict, path: Path = START) -> None:
    """Keep the assistant's test summary as the starting point (run once, before any change)."""
    summary = report["splits"]["test"]["summary"]["assistant"]
    path.write_text(json.dumps({"scored_at": report["created_at"], "label": "assistant at start (before issue 11)",
                                "summary": summary}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


SIDE = [("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"), ("must_contain", "key facts"),
        ("both_cited", "both cited"), ("declined_rate", "unanswerable declined"),
        ("refusal_recall", "unanswerable refused"), ("false_refusal_rate", "answerable refused"),
        ("uncertain_rate", "answerable uncertain"), ("invalid_citation_answers", "invalid citations"),
        ("latency_p95_ms", "p95 ms")]


def side_by_side(report: dict) -> list[list[str]]:
    """Rows: the assistant on each split, and the starting point on test."""
    from eval.report import fmt

    rows = []
    for split, rep in report["splits"].items():
        if "assistant" in rep["summary"]:
            overall = rep["summary"]["assistant"]["overall"]
            # The models are fitted on dev: its plain row is in-sample and says nothing about new
            # questions; cross-fitted (--crossfit) each question is answered out of fold.
            how = ", out of fold" if rep.get("crossfit") else ", fitted on it" if split == "dev" else ""
            label = f"assistant — {split} ({overall['n']}{how})"
            rows.append([label,
                         *[fmt(overall.get(k), k.endswith("_ms")) for k, _ in SIDE]])
    start = report.get("start")
    if start:
        overall = start["summary"]["overall"]
        rows.append([f"start, test ({overall['n']}, {start['scored_at'][:10]})",
                     *[fmt(overall.get(k), k.endswith("_ms")) for k, _ in SIDE]])
    return rows


def write_split_reports(report: dict, out_dir: Path) -> list[Path]:
    """reports/<split>/eval.{json,md,png} per split and reports/eval.md with both side by side."""
    from eval.report import table, write_report

    paths: list[Path] = []
    for split, rep in report["splits"].items():
        paths += write_report(rep, out_dir / split)
    lines = [f"# Evaluation {report['created_at']}: dev and test side by side", "",
             "Every choice is made on dev; test is only scored. Numbers quoted anywhere are test numbers.",
             "The models are fitted on dev, so the plain dev row is in-sample; `--crossfit` answers each dev",
             "question with models fitted without its fold (out of fold), the dev figures choices are made on.", ""]
    lines += table(["system", *[h for _, h in SIDE]], side_by_side(report))
    if report.get("test_hash_problem"):
        lines += ["", f"**Test set check failed:** {report['test_hash_problem']}"]
    lines += ["", *[f"- {split}: see `{split}/eval.md`" for split in report["splits"]]]
    path = out_dir / "eval.md"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "eval.json").write_text(json.dumps(
        {k: v for k, v in report.items() if k != "splits"} | {"splits": list(report["splits"])},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return [path, *paths]
