"""Write the evaluation report: JSON (everything, per item), markdown (tables) and PNG plots."""
from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

HEADLINE = [("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"),
            ("ndcg@10", "nDCG@10"), ("both@5", "both@5"), ("must_contain", "must_contain"), ("both_cited", "both cited"),
            ("citations_valid", "citations ok"), ("refusal_precision", "refusal P"),
            ("refusal_recall", "refusal R"), ("declined_rate", "declined"), ("false_refusal_rate", "false refusal"),
            ("uncertain_rate", "uncertain"), ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms")]
PER_KIND = [("n", "n"), ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("mrr@10", "MRR@10"),
            ("ndcg@10", "nDCG@10"), ("must_contain", "must_contain"), ("refused", "refused"), ("uncertain", "uncertain"),
            ("false_refusal_rate", "false refusal"), ("refusal_recall", "refusal R"),
            ("declined_rate", "declined"), ("update_date_ok", "update_date ok"), ("latency_p50_ms", "p50 ms")]


def fmt(value, ms: bool = False) -> str:
    """A number as a table cell: rates with 3 decimals, milliseconds with 0-1, missing as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool) or isinstance(value, int):
        return str(int(value))
    if ms:
        return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return f"{value:.3f}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def headline_rows(report: dict) -> list[list[str]]:
    """One row per system with the headline numbers."""
    rows = []
    for s in report["systems"]:
        overall = report["summary"][s["name"]]["overall"]
        cells = [fmt(overall.get(key), key.endswith("_ms")) for key, _ in HEADLINE]
        if not s["refuses"]:
            cells[[k for k, _ in HEADLINE].index("refusal_recall")] += " (never refuses)"
        rows.append([s["name"], *cells])
    return rows


def kind_rows(summary: dict) -> list[list[str]]:
    """One row per question kind (and overall) for one system."""
    groups = {**summary["by_kind"], "overall": summary["overall"]}
    return [[kind, *[fmt(g.get(key), key.endswith("_ms")) for key, _ in PER_KIND]] for kind, g in groups.items()]


def tag_rows(summary: dict) -> list[list[str]]:
    """One row per tag (follow-up, two-part, client-case, national+regional, …) for one system."""
    return [[tag, *[fmt(g.get(key), key.endswith("_ms")) for key, _ in PER_KIND]]
            for tag, g in summary.get("by_tag", {}).items()]


def worst_failures(details: list[dict], n: int = 15) -> list[dict]:
    """In-scope items the system got most wrong: evidence not retrieved first, then deepest rank."""
    failed = [d for d in details if d["in_scope"] and (d["rank"] != 1 or d["refused"] or d["missing"])]
    return sorted(failed, key=lambda d: (d["rank"] is None, d["rank"] or 0, d["refused"], len(d["missing"])),
                  reverse=True)[:n]


def place(where: dict | None) -> str:
    """document — section — question, shortened for a table cell."""
    if not where:
        return "–"
    parts = [where.get("document_id") or "?", (where.get("section") or "")[:70]]
    if where.get("question"):
        parts.append("V: " + where["question"][:90])
    return " — ".join(p for p in parts if p).replace("|", "/")


def failure_rows(details: list[dict], n: int = 15) -> list[list[str]]:
    """Table rows of the worst failures."""
    return [[d["id"], d["kind"], d["question"].replace("|", "/")[:110], place(d.get("expected")),
             str(d["rank"] or "–"), place(d.get("top")), "yes" if d["refused"] else "",
             ", ".join(d["missing"])[:60]] for d in worst_failures(details, n)]


def ragas_lines(report: dict) -> list[str]:
    """The ragas table, or why ragas is unavailable."""
    if report.get("ragas_error"):
        return [f"ragas unavailable: `{report['ragas_error']}`"]
    from eval.ragas_metrics import NAMES

    rows = [[s["name"], *[fmt(report["summary"][s["name"]]["overall"].get(k)) for k in NAMES]]
            for s in report["systems"]]
    return table(["system", "IDBasedContextPrecision", "IDBasedContextRecall", "NonLLMContextRecall",
                  "StringPresence"], rows)


def write_json(report: dict, out_dir: Path) -> Path:
    """eval.json: summaries and every per-item result."""
    path = out_dir / "eval.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return path


NOTES = """
- Retrieval metrics count in-scope items only. A passage is relevant when its text contains the
  evidence (or an extra_evidence) after `re.sub(r"\\s+", " ", x)`, compared case-sensitively.
  both@5: items with extra_evidence whose every evidence is in the top 5. nDCG@10: each evidence
  earns gain once, at the first passage that holds it.
- must_contain: every fact in the answer (case-insensitive, normalised); a refusal counts as missing.
  Citations ok: each quote inside its citation text, each citation text equal to document[start:end]
  (document loaded as ingest loads it), each [n] of the answer resolving to a citation.
- Refusal P/R: positive class = expected refuse. Baselines have no refusal notion: they answer
  everything (recall 0, false refusal 0). Latency: `ask` for the assistant, search for the others.
- bm25-windows / llamaindex-default get the question as typed (earlier turns prepended); dense-only,
  bm25-only and the assistant resolve follow-ups and place scope as `Assistant.ask` does.
- ragas IDBasedContextPrecision is |relevant in top 10| / 10, so one relevant passage scores 0.1 at
  most; NonLLMContextRecall compares evidence and whole passages by Levenshtein similarity (> 0.5).
"""


def markdown(report: dict) -> str:
    """The markdown report."""
    from eval.gates import as_dict

    lines = [f"# Evaluation {report['created_at']}", "",
             f"Golden set: {report['golden']} — {report['items']} questions "
             f"({report['in_scope']} in scope, {report['items'] - report['in_scope']} out of scope); "
             f"index built {report.get('index_built_at')}; top {report['k']}.",
             f"Environment: `{report.get('environment')}` (latency depends on load and OMP_NUM_THREADS).", "",
             "## Systems side by side", ""]
    lines += table(["system", *[h for _, h in HEADLINE]], headline_rows(report))
    lines += ["", "## ragas (no LLM)", "", *ragas_lines(report)]
    if "assistant" in report["summary"]:
        lines += ["", "## Full assistant per kind", ""]
        lines += table(["kind", *[h for _, h in PER_KIND]], kind_rows(report["summary"]["assistant"]))
        if report["summary"]["assistant"].get("by_tag"):
            lines += ["", "## Full assistant per tag", "",
                      "The bands unlike-dev, like-dev and near-dev: the cosine of the question to the nearest "
                      "dev question the assistant may use is below 0.93, below 0.955, or above (eval/nearness.py). "
                      "About half the questions typed in the chat checks are unlike dev.", ""]
            lines += table(["tag", *[h for _, h in PER_KIND]], tag_rows(report["summary"]["assistant"]))
        gate = report.get("gate", {})
        lines += ["", "## Quality gate (eval/gates.py)", "", f"Thresholds: `{as_dict()}`", "",
                  *([f"- FAIL {f}" for f in gate.get("failures", [])] or ["- pass"])]
        lines += ["", "## Worst failures of the full assistant", ""]
        lines += table(["id", "kind", "question", "expected", "rank", "ranked first", "refused", "missing"],
                       failure_rows(report["details"]["assistant"]))
    lines += ["", "## hit@5 per kind", ""]
    kinds = sorted({k for s in report["summary"].values() for k in s["by_kind"]} - {"out-of-scope"})
    names = [s["name"] for s in report["systems"]]
    lines += table(["kind", *names], [[k, *[fmt(report["summary"][n]["by_kind"].get(k, {}).get("hit@5"))
                                            for n in names]] for k in kinds])
    lines += ["", "## Notes", NOTES]
    return "\n".join(lines)


def write_markdown(report: dict, out_dir: Path) -> Path:
    """eval.md: the tables a person reads."""
    path = out_dir / "eval.md"
    path.write_text(markdown(report))
    return path


def write_report(report: dict, out_dir: Path) -> list[Path]:
    """All report files; plots are skipped (with a warning) when matplotlib is missing."""
    from eval.plots import write_plots

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_json(report, out_dir), write_markdown(report, out_dir)]
    try:
        paths += write_plots(report, out_dir)
    except ImportError as exc:
        log.warning("no plots: %s", exc)
    return paths
