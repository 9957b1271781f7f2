"""Answer a JSONL batch of questions with one loaded assistant (DESIGN.md's batch contract)."""
from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)


def _error_line(item_id, message: str) -> dict:
    """An output line for an input line that could not be answered."""
    return {"id": item_id, "error": message}


def _check(item: dict) -> str | None:
    """A Dutch message for an invalid input line, or None."""
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        return "Regel zonder vraag ('question')."
    hist = item.get("history", [])
    if not isinstance(hist, list) or not all(isinstance(h, str) for h in hist):
        return "'history' moet een lijst met eerdere vragen zijn."
    if item.get("as_of"):
        try:
            date.fromisoformat(item["as_of"])
        except (TypeError, ValueError):
            return f"Ongeldige datum in 'as_of': {item['as_of']!r} (gebruik JJJJ-MM-DD)."
    return None


def run_batch(assistant, in_path: Path, out_path: Path, mode: str | None = None, warn=None) -> int:
    """Answer every line of in_path into out_path; returns the number of lines that failed.

    `warn(message)` shows a Dutch note to the user, e.g. for a line without id.
    """
    failures = 0
    tmp = out_path.with_name(out_path.name + ".partial")
    with open(in_path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
        for lineno, raw in enumerate(src, start=1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError:
                item = {"id": None}
                problem = f"Regel {lineno} is geen geldige JSON."
            else:
                problem = _check(item) if isinstance(item, dict) else f"Regel {lineno} is geen JSON-object."
            if problem:
                failures += 1
                log.warning("batch line %d rejected: %s", lineno, problem)
                if warn:
                    warn(f"regel {lineno} overgeslagen: {problem}")
                dst.write(json.dumps(_error_line(item.get("id") if isinstance(item, dict) else None, problem),
                                     ensure_ascii=False) + "\n")
                continue
            extra = []
            if "id" not in item:
                item["id"] = f"regel-{lineno}"
                extra.append(f"Regel {lineno} had geen 'id'; het id is nu '{item['id']}'.")
                log.info("batch line %d has no id; using %s", lineno, item["id"])
                if warn:
                    warn(extra[-1])
            answer = assistant.ask(item["question"], history=item.get("history"), as_of=item.get("as_of"),
                                   scope=item.get("scope"), mode=mode)
            answer.warnings[:0] = extra
            dst.write(json.dumps({"id": item["id"], **answer.to_dict()}, ensure_ascii=False) + "\n")
    tmp.replace(out_path)  # a crash midway leaves any earlier output file intact
    return failures
