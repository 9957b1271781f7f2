"""A two-version corpus for version questions, and the runner of eval/golden_versions.jsonl.

The bundled corpus holds one version of each document. The second version of the Divosa Q&A is
made the way its publisher makes one: one answer rewritten with a new update marker, one question
added at the end of a theme with an "added" marker, one question removed. Everything else is copied.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from eval.golden import norm
from eval.metrics import missing_facts

GOLDEN_VERSIONS = Path(__file__).resolve().parent / "golden_versions.jsonl"
QA_ID, QA_FILE = "divosa-qa", "divosa-wet-inburgering-vraag-en-antwoord.txt"
V2_FILE, V2_DATE = "divosa-wet-inburgering-vraag-en-antwoord-2024-06-01.txt", "2024-06-01"
V2_MARKER = "(update 1 juni 2024)"

UPDATED_QUESTION = ("Betekent het gewijzigde startmoment van de inburgeringstermijn dat ook de 10 weken "
                    "voor het opstellen van het PIP kan worden losgelaten?")
UPDATED_OLD, UPDATED_NEW = "het PIP alsnog binnen 2 weken vast te stellen", "het PIP alsnog binnen 4 weken vast te stellen"
ADDED_AFTER = "Hoe monitoren gemeenten de taalontwikkeling?"
ADDED_QUESTION = "Mag de brede intake ook via een beeldverbinding worden afgenomen?"
ADDED_ANSWER = ("Ja. De brede intake mag geheel of gedeeltelijk via een beveiligde beeldverbinding worden "
                "afgenomen, als de inburgeringsplichtige daarmee instemt. Het gesprek over het PIP vindt "
                "wel ten minste één keer op locatie plaats.")
ADDED_MARKER = "(vraag toegevoegd op 1 juni 2024)"
REMOVED_QUESTION = "Hoe zit het met de regionale samenwerking en de aanwijzingsbevoegdheid van de minister?"


def make_v2_text(v1: str) -> str:
    """The Q&A as its publisher would publish it on 1 June 2024."""
    from ingest.parse_qa import parse_qa

    entries = {norm(s.question): s for s in parse_qa(v1) if s.question}
    updated, after, removed = (entries[norm(q)] for q in (UPDATED_QUESTION, ADDED_AFTER, REMOVED_QUESTION))
    old_entry = v1[updated.start:updated.end]
    assert UPDATED_OLD in old_entry and updated.update_marker in old_entry, "v1 no longer has the expected entry"
    new_entry = old_entry.replace(UPDATED_OLD, UPDATED_NEW).replace(updated.update_marker, V2_MARKER)
    added = f"\n\n{after.question_no + 1}. {ADDED_QUESTION}\n\n{ADDED_ANSWER}\n\n{ADDED_MARKER}"
    # Edit from the end of the text backwards so earlier offsets stay valid.
    edits = sorted([(updated.start, updated.end, new_entry), (after.end, after.end, added),
                    (removed.start, _entry_end(v1, removed.end), "")], reverse=True)
    text = v1
    for start, end, replacement in edits:
        text = text[:start] + replacement + text[end:]
    return text


def _entry_end(text: str, end: int) -> int:
    """End of an entry including the blank lines after it, so removing it leaves no gap."""
    while end < len(text) and text[end] in "\n \t\u00a0":
        end += 1
    return end


def build_versioned_corpus(src: Path, dest: Path) -> Path:
    """Copy corpus `src` to `dest` and add the second Q&A version with its own manifest entry."""
    shutil.copytree(src, dest, dirs_exist_ok=True)
    v1 = (src / QA_FILE).read_text(encoding="utf-8")
    (dest / V2_FILE).write_text(make_v2_text(v1), encoding="utf-8")
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["id"] == QA_ID)
    manifest["documents"].append({**entry, "version_date": V2_DATE, "valid_from": V2_DATE, "file": V2_FILE,
                                  "notes": "Tweede versie (testdata): één antwoord herschreven, één vraag "
                                           "toegevoegd, één vraag verwijderd."})
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


@dataclass
class VersionResult:
    """The outcome of one version item."""

    id: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    answer: str = ""


def load_items(path: Path = GOLDEN_VERSIONS) -> list[dict]:
    """The version items (golden format plus as_of, scope, since, version_date, must_not_contain)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_items(assistant, items: list[dict]) -> list[VersionResult]:
    """Run every item: change items through the change feed, the others through `ask`."""
    from ingest.changes import changes_since

    chunks = assistant.retriever.data.chunks
    results = []
    for item in items:
        if item.get("since"):
            problems, text = check_change(item, changes_since(chunks, item["since"]))
        else:
            answer = assistant.ask(item["question"], history=item.get("history"), as_of=item.get("as_of"),
                                   scope=item.get("scope"))
            problems, text = check_answer(item, answer), answer.answer
        results.append(VersionResult(item["id"], not problems, problems, text))
    return results


def check_answer(item: dict, answer) -> list[str]:
    """What an answer gets wrong against the item; empty when it passes."""
    problems = []
    if answer.refused != (item["expected"] == "refuse"):
        problems.append(f"refused={answer.refused}, expected {item['expected']}")
    problems += [f"missing {f!r}" for f in missing_facts(answer.answer + " " + " ".join(answer.warnings),
                                                         item.get("must_contain", []))]
    text = norm(answer.answer).lower()
    problems += [f"states {f!r}" for f in item.get("must_not_contain", []) if norm(f).lower() in text]
    if item.get("evidence") and item["expected"] == "answer":
        holding = [c for c in answer.citations if norm(item["evidence"]) in norm(c.text)]
        if not holding:
            problems.append("no citation holds the evidence")
        elif item.get("version_date") and holding[0].version_date != item["version_date"]:
            problems.append(f"cites version {holding[0].version_date}, expected {item['version_date']}")
    return problems


def check_change(item: dict, feed) -> tuple[list[str], str]:
    """Whether the change feed reports the item's change (evidence) with its facts (must_contain)."""
    rows = [f"{e.change} {e.question} {e.update_date}" for e in feed.entries]
    rows += [f"{c.change} {c.question or c.section} {c.diff_text} {c.new_text or c.old_text or ''}"
             for v in feed.versions for c in v.changes]
    hits = [r for r in rows if norm(item["evidence"]).lower() in norm(r).lower()]
    if not hits:
        return ["the change feed does not report it"], "\n".join(rows)
    missing = [f for f in item.get("must_contain", []) if not any(not missing_facts(r, [f]) for r in hits)]
    return [f"missing {f!r}" for f in missing], "\n".join(hits)


def pass_rate(results: list[VersionResult]) -> float:
    """Share of items that passed."""
    return sum(r.passed for r in results) / len(results) if results else 0.0
