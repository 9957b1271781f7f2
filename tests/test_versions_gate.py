"""CI gate for version questions: eval/golden_versions.jsonl through the real assistant on a two-version index."""
from __future__ import annotations

from eval.versions import GOLDEN_VERSIONS, load_items, pass_rate, run_items

# Measured: 15 of 15 items pass. The floor is what was measured; a change that breaks any
# as-of, change-feed or removed-passage behaviour fails CI.
MIN_PASS_RATE = 1.0


def test_version_questions_gate(versioned_assistant):
    items = load_items(GOLDEN_VERSIONS)
    assert 10 <= len(items) <= 15
    results = run_items(versioned_assistant, items)
    failed = "\n".join(f"  {r.id}: {'; '.join(r.problems)} | {r.answer[:160]!r}" for r in results if not r.passed)
    assert pass_rate(results) >= MIN_PASS_RATE, f"version gate {pass_rate(results):.2f} < {MIN_PASS_RATE}:\n{failed}"


def test_version_items_follow_the_golden_format():
    required = {"id", "question", "kind", "document_id", "evidence", "must_contain", "update_date", "expected"}
    for item in load_items(GOLDEN_VERSIONS):
        assert required <= item.keys() and item["expected"] in ("answer", "refuse")
        assert item.get("as_of") or item.get("since") or item["expected"] == "answer"
