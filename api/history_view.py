"""The "how this passage changed" panel of the source viewer: one row per version, changes marked."""
from __future__ import annotations

import html

from assistant.labels import dutch_date
from ingest.changes import HistoryEntry, passage_history
from ingest.word_diff import DiffOp

e = html.escape
STATUS_NL = {"nieuw": "eerste versie met deze passage", "ongewijzigd": "ongewijzigd",
             "gewijzigd": "gewijzigd", "verwijderd": "verwijderd"}


def history_panel(chunks, chunk_id: str) -> str:
    """HTML of the panel, or "" when the passage has only one version (nothing to compare)."""
    entries = passage_history(chunks, chunk_id) or []
    if len(entries) < 2:
        return ""
    rows = "\n".join(_row(entry, entry.chunk_id == chunk_id) for entry in entries)
    return ('<section class="wia-history" aria-label="Geschiedenis van deze passage">\n'
            "<h2>Hoe deze passage veranderde</h2>\n"
            '<p class="wia-legend">Per versie van het document; weggehaalde woorden zijn <del>doorgestreept</del>, '
            "nieuwe woorden <ins>onderstreept</ins>.</p>\n"
            f"<ol>\n{rows}\n</ol>\n</section>")


def _row(entry: HistoryEntry, current: bool) -> str:
    """One version: its dates, what happened, and the marked-up text."""
    head = f"Versie van {dutch_date(entry.version_date)}" if entry.version_date else "Versie"
    dates = [f"geldig vanaf {dutch_date(entry.valid_from)}" if entry.valid_from else "",
             f"tot {dutch_date(entry.valid_until)}" if entry.valid_until else "",
             f"bijgewerkt op {dutch_date(entry.update_date)}" if entry.update_date else ""]
    meta = ", ".join(d for d in dates if d)
    shown = " (deze passage)" if current else ""
    body = _marked(entry.diff) if entry.diff else e(entry.text or "")
    return (f"<li><p><strong>{e(head)}</strong>{e(shown)}: {e(STATUS_NL.get(entry.status, entry.status))}"
            f"{' — ' + e(meta) if meta else ''}</p>"
            + (f'<div class="wia-doc">{body}</div>' if body else "") + "</li>")


def _marked(ops: list[DiffOp]) -> str:
    """The diff as escaped text with <del> and <ins>."""
    out = []
    for op in ops:
        if op.op == "equal":
            out.append(e(op.old))
            continue
        if op.old:
            out.append(f"<del>{e(op.old)}</del>")
        if op.new:
            out.append(f"<ins>{e(op.new)}</ins>")
    return " ".join(out)
