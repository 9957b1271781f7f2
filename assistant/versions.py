"""Say when the best passage for a question belongs to another version than the one that applies.

The date filter silently hides a passage that did not exist yet on the asked date, was changed
after it, or was removed since. A user checking "what applied then" must be told, so the best
passage without the date filter is compared with the versions valid on that date.
"""
from __future__ import annotations

import re
from collections import defaultdict

from assistant.labels import dutch_date
from inburgering.models import Chunk

_ADDED = re.compile(r"toegevoegd", re.IGNORECASE)


def in_scope(scope: str | None):
    """A filter on scope alone (every date): national sources and those of the asked scope."""
    return lambda chunk: scope is None or chunk.scope in ("national", scope)


def valid_on(chunk_or_doc, as_of: str | None) -> bool:
    """Whether a chunk (or a manifest entry as dict) belongs to the version valid on `as_of`."""
    get = chunk_or_doc.get if isinstance(chunk_or_doc, dict) else lambda k: getattr(chunk_or_doc, k)
    if as_of is None:
        return get("valid_until") is None
    start, until = get("valid_from"), get("valid_until")
    return (not start or start <= as_of) and (not until or as_of < until)


class VersionNotes:
    """Knows every version of every passage; explains a best passage hidden by the date filter."""

    def __init__(self, chunks: list[Chunk], manifest: list[dict]) -> None:
        self.by_key: dict[tuple[str, str], list[Chunk]] = defaultdict(list)
        self.by_id = {c.chunk_id: c for c in chunks}
        for c in chunks:
            self.by_key[(c.document_id, c.passage_key)].append(c)
        self.manifest: dict[str, list[dict]] = defaultdict(list)
        for d in manifest:
            self.manifest[d["id"]].append(d)
        # With one version of everything and no date asked, nothing can be hidden: skip the extra search.
        self.multi_version = any(c.valid_until for c in chunks)

    def needed(self, as_of: str | None) -> bool:
        """Whether a note can apply to a question asked with this date."""
        return as_of is not None or self.multi_version

    def note(self, top: Chunk, as_of: str | None) -> str | None:
        """A Dutch note when `top` (best passage regardless of date) is not what applied on `as_of`."""
        title, label = top.document_title, top.question or top.section
        if self._no_version_yet(top, as_of):
            versions = self.manifest[top.document_id]
            first = min((d.get("valid_from") or "" for d in versions), default="")
            return (f"Er was op {dutch_date(as_of)} nog geen versie van '{title}' geldig; de eerste versie "
                    f"geldt vanaf {dutch_date(first)}.")
        passages = self.by_key[(top.document_id, top.passage_key)]
        then = self._then(top, as_of)
        if then is None:
            return self._missing_then(top, as_of, title, label)
        if as_of is None:
            return None
        if _added_after(then, as_of):
            return (f"De vraag '{label}' is op {dutch_date(then.update_date)} aan '{title}' toegevoegd, "
                    f"na de gevraagde datum ({dutch_date(as_of)}).")
        return self._later(then, next((c for c in passages if c.valid_until is None), None), as_of, title, label)

    def came_later(self, top: Chunk, as_of: str | None) -> bool:
        """Whether `top` (best passage regardless of date) was added to its document after `as_of`:
        the version valid then lacked it, or its Q&A entry was added later. A document with no version
        yet does not count: it says nothing about what the other documents covered then."""
        if not as_of or self._no_version_yet(top, as_of):
            return False
        then = self._then(top, as_of)
        if then is None:
            return (top.valid_from or "") > as_of
        return _added_after(then, as_of)

    def _no_version_yet(self, top: Chunk, as_of: str | None) -> bool:
        """Whether the asked date precedes every version of `top`'s document."""
        versions = self.manifest.get(top.document_id, [])
        return bool(as_of and versions and not any(valid_on(d, as_of) for d in versions))

    def _then(self, top: Chunk, as_of: str | None) -> Chunk | None:
        """The version of `top`'s passage that applied on `as_of` (None: it was not in that version)."""
        return next((c for c in self.by_key[(top.document_id, top.passage_key)] if valid_on(c, as_of)), None)

    def cited(self, chunk_ids: list[str], as_of: str | None) -> list[str]:
        """Notes for cited passages of an older version that a later version changed or removed."""
        out = []
        for chunk in (self.by_id.get(i) for i in chunk_ids):
            if as_of is None or chunk is None or not chunk.valid_until:
                continue  # without a date the newest version is cited already
            passages = self.by_key[(chunk.document_id, chunk.passage_key)]
            latest = next((c for c in passages if c.valid_until is None), None)
            note = self._later(chunk, latest, as_of, chunk.document_title, chunk.question or chunk.section)
            if note:
                out.append(note)
        return out

    def _later(self, then: Chunk, latest: Chunk | None, as_of: str, title: str, label: str) -> str | None:
        """The passage that applied on `as_of` was changed or removed by a later version."""
        if latest is None and then.valid_until:
            return (f"De passage '{label}' is in de versie van {dutch_date(then.valid_until)} van '{title}' "
                    "verwijderd; daarna geldt deze tekst niet meer.")
        if latest is not None and latest is not then and latest.text.split() != then.text.split():
            return (f"'{title}' is op dit punt gewijzigd in de versie van {dutch_date(latest.valid_from)} "
                    f"('{label}'); het antwoord geeft weer wat er op {dutch_date(as_of)} gold.")
        return None

    def _missing_then(self, top: Chunk, as_of: str | None, title: str, label: str) -> str | None:
        """The passage is absent from the version that applies: added later or removed since."""
        if as_of and (top.valid_from or "") > as_of:
            return (f"De passage '{label}' staat pas sinds {dutch_date(top.valid_from)} in '{title}', "
                    f"na de gevraagde datum ({dutch_date(as_of)}).")
        if top.valid_until:
            when = f"op {dutch_date(as_of)}" if as_of else "nu"
            return (f"De passage '{label}' stond tot {dutch_date(top.valid_until)} in '{title}', maar is in de "
                    f"versie van die datum verwijderd; {when} geldt deze tekst dus niet meer.")
        return None


def _added_after(chunk: Chunk, as_of: str) -> bool:
    """A Q&A entry whose own marker says it was added after the date."""
    return bool(chunk.update_marker and _ADDED.search(chunk.update_marker)
                and chunk.update_date and chunk.update_date > as_of)
