"""What changed: Q&A entries added or updated since a date, passages changed between document versions,
and the history of one passage across versions.

Entries are dated by their own markers ("(update 16 mei 2023)", "(vraag toegevoegd …)"); between two
ingested versions of a document, passages are matched by `passage_key` (the Q&A question, or the
section path and part), so "changed" means: same key, different text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import pairwise

from inburgering.models import Chunk
from ingest.word_diff import DiffOp, changed, render_diff, word_diff

_ADDED = re.compile(r"toegevoegd", re.IGNORECASE)
Key = tuple[str, int]  # (passage_key, occurrence): the same question may stand under two themes


@dataclass
class EntryChange:
    """A Q&A entry whose own marker dates it on or after the asked date."""

    change: str  # toegevoegd | bijgewerkt
    document_id: str
    document_title: str
    chunk_id: str
    section: str
    question: str | None
    update_date: str
    update_marker: str | None
    version_date: str | None


@dataclass
class PassageChange:
    """A passage added, removed or changed between two versions of a document."""

    change: str  # toegevoegd | verwijderd | gewijzigd
    passage_key: str
    section: str
    question: str | None
    old_chunk_id: str | None = None
    new_chunk_id: str | None = None
    old_update_date: str | None = None
    new_update_date: str | None = None
    update_marker: str | None = None
    old_text: str | None = None
    new_text: str | None = None
    diff: list[DiffOp] = field(default_factory=list)
    diff_text: str = ""


@dataclass
class VersionChanges:
    """The passage changes from one version of a document to the next."""

    document_id: str
    document_title: str
    from_version: str | None
    to_version: str | None
    valid_from: str | None
    changes: list[PassageChange] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """How many changes of one kind (toegevoegd, verwijderd, gewijzigd)."""
        return sum(c.change == kind for c in self.changes)


@dataclass
class ChangeFeed:
    """Everything that changed since a date."""

    since: str
    entries: list[EntryChange] = field(default_factory=list)
    versions: list[VersionChanges] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The feed as a JSON-ready dict."""
        return asdict(self)


def changes_since(chunks: list[Chunk], since: str) -> ChangeFeed:
    """Entries added or updated on or after `since`, and version-to-version changes from then on."""
    return ChangeFeed(since=since, entries=entry_changes(chunks, since),
                      versions=[v for v in version_changes(chunks) if (v.valid_from or v.to_version or "") >= since])


def entry_changes(chunks: list[Chunk], since: str) -> list[EntryChange]:
    """Q&A entries of the current versions dated on or after `since` by their own marker, newest first."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in chunks:
        if c.valid_until is not None or not c.question or not c.update_date or c.update_date < since:
            continue
        if (c.document_id, c.passage_key) in seen:  # one entry repeated under two themes is one change
            continue
        seen.add((c.document_id, c.passage_key))
        kind = "toegevoegd" if c.update_marker and _ADDED.search(c.update_marker) else "bijgewerkt"
        out.append(EntryChange(kind, c.document_id, c.document_title, c.chunk_id, c.section, c.question,
                               c.update_date, c.update_marker, c.version_date))
    return sorted(out, key=lambda e: (e.update_date, e.document_id), reverse=True)


def version_changes(chunks: list[Chunk]) -> list[VersionChanges]:
    """For every document with several versions: what changed from each version to the next."""
    out = []
    for versions in _versions_by_document(chunks).values():
        for older, newer in pairwise(versions):
            out.append(compare_versions(older, newer))
    return out


def compare_versions(older: list[Chunk], newer: list[Chunk]) -> VersionChanges:
    """Passages added, removed and changed between two versions of one document, in text order."""
    first = newer[0]
    result = VersionChanges(first.document_id, first.document_title, older[0].version_date,
                            first.version_date, first.valid_from)
    old_by, new_by = keyed(older), keyed(newer)
    for key, new in new_by.items():
        old = old_by.get(key)
        if old is None:
            result.changes.append(_passage_change("toegevoegd", None, new))
        elif old.text.split() != new.text.split():
            result.changes.append(_passage_change("gewijzigd", old, new))
    for key, old in old_by.items():
        if key not in new_by:
            result.changes.append(_passage_change("verwijderd", old, None))
    # In text order; a removed passage sorts where it stood in the older text.
    at = {c.chunk_id: c.start for c in [*older, *newer]}
    result.changes.sort(key=lambda c: (at.get(c.new_chunk_id or c.old_chunk_id or "", 0), c.change))
    return result


def _passage_change(kind: str, old: Chunk | None, new: Chunk | None) -> PassageChange:
    """One PassageChange, with the word diff for a changed passage."""
    ref = new or old
    ops = word_diff(old.text, new.text) if old and new else []
    return PassageChange(
        change=kind, passage_key=ref.passage_key, section=ref.section, question=ref.question,
        old_chunk_id=old and old.chunk_id, new_chunk_id=new and new.chunk_id,
        old_update_date=old and old.update_date, new_update_date=new and new.update_date,
        update_marker=ref.update_marker, old_text=old and old.text, new_text=new and new.text,
        diff=ops, diff_text=render_diff(ops) if ops else "")


def keyed(chunks: list[Chunk]) -> dict[Key, Chunk]:
    """Chunks of one version by (passage_key, occurrence), in text order."""
    counts: dict[str, int] = defaultdict(int)
    out: dict[Key, Chunk] = {}
    for c in sorted(chunks, key=lambda c: c.start):
        out[(c.passage_key, counts[c.passage_key])] = c
        counts[c.passage_key] += 1
    return out


def _versions_by_document(chunks: list[Chunk]) -> dict[str, list[list[Chunk]]]:
    """Per document id its versions (oldest first), each as the list of its chunks."""
    grouped: dict[str, dict[tuple, list[Chunk]]] = defaultdict(lambda: defaultdict(list))
    for c in chunks:
        grouped[c.document_id][(c.valid_from or c.version_date or "", c.version_date or "")].append(c)
    return {doc: [group[k] for k in sorted(group)] for doc, group in grouped.items()}


@dataclass
class HistoryEntry:
    """One version of a passage: its text and how it differs from the version before."""

    status: str  # nieuw | ongewijzigd | gewijzigd | verwijderd
    version_date: str | None
    valid_from: str | None
    valid_until: str | None
    chunk_id: str | None
    text: str | None
    update_date: str | None
    update_marker: str | None
    diff: list[DiffOp] = field(default_factory=list)
    diff_text: str = ""


def passage_history(chunks: list[Chunk], chunk_id: str) -> list[HistoryEntry] | None:
    """The passage of `chunk_id` in every version of its document, oldest first; None if unknown."""
    target = next((c for c in chunks if c.chunk_id == chunk_id), None)
    if target is None:
        return None
    versions = _versions_by_document(chunks)[target.document_id]
    own = next(v for v in versions if target in v)
    key = next(k for k, c in keyed(own).items() if c.chunk_id == chunk_id)
    history: list[HistoryEntry] = []
    previous: Chunk | None = None
    for version in versions:
        chunk = keyed(version).get(key)
        entry = _history_entry(version[0], chunk, previous)
        if entry is not None:
            history.append(entry)
        previous = chunk
    return history


def _history_entry(version: Chunk, chunk: Chunk | None, previous: Chunk | None) -> HistoryEntry | None:
    """The entry for one version; None before the passage first appears or after it stays gone."""
    if chunk is None:
        if previous is None:
            return None
        return HistoryEntry("verwijderd", version.version_date, version.valid_from, version.valid_until,
                            None, None, None, None)
    ops = word_diff(previous.text, chunk.text) if previous else []
    status = "nieuw" if previous is None else ("gewijzigd" if changed(ops) else "ongewijzigd")
    return HistoryEntry(status, chunk.version_date, chunk.valid_from, chunk.valid_until, chunk.chunk_id,
                        chunk.text, chunk.update_date, chunk.update_marker,
                        diff=ops if status == "gewijzigd" else [],
                        diff_text=render_diff(ops, context=None) if status == "gewijzigd" else "")
