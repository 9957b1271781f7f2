"""Abbreviations and terms of the Wet inburgering: find them in a query and add their other form."""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# Users write "Z-route", "z route", "zroute" and "Z‑route" (non-breaking hyphen) for one thing.
_SEP = r"[\s\-\u2010\u2011\u2012\u2013\u2014]"
_SEP_RE = re.compile(_SEP + "+")
# Dutch plurals and derivations of a term still mean the term: PIP's, statushouders, AMV'ers.
_SUFFIX = r"(?:['\u2019]?s|e?n|['\u2019]?ers?)?"
_TOKEN_RE = re.compile(r"\d+|\D+")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: its expansion, the other ways people write it, and where it is defined."""

    term: str
    expansion: str
    variants: tuple[str, ...] = ()
    source: str | None = None
    definition: str = ""
    definition_source: str | None = None
    case_sensitive: bool = False  # only the abbreviation itself; e.g. WEB must not match "web"

    @classmethod
    def from_dict(cls, data: dict) -> "GlossaryEntry":
        """Build an entry from one glossary.json object."""
        if not data.get("term") or not data.get("expansion"):
            raise ValueError(f"glossary entry without term or expansion: {data!r}")
        return cls(term=data["term"], expansion=data["expansion"],
                   variants=tuple(data.get("variants") or ()), source=data.get("source"),
                   definition=data.get("definition") or "",
                   definition_source=data.get("definition_source", data.get("source")),
                   case_sensitive=bool(data.get("case_sensitive", False)))


class Glossary:
    """All glossary entries, with one precompiled regex that finds any of their forms."""

    def __init__(self, entries: list[GlossaryEntry]) -> None:
        self.entries = list(entries)
        self._by_key: dict[str, GlossaryEntry] = {}
        patterns: dict[str, int] = {}  # distinct form regex -> length of its key, for ordering
        for entry in self.entries:
            for form, exact in _forms(entry):
                key = _key(form)
                owner = self._by_key.setdefault(key, entry)
                if owner is not entry:
                    logger.warning("glossary form %r of %r already belongs to %r", form, entry.term, owner.term)
                else:
                    patterns.setdefault(_form_pattern(form, exact), len(key))
        # Longest forms first, so "vmbo-bb" wins over "vmbo" at the same position.
        body = "|".join(sorted(patterns, key=patterns.__getitem__, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?P<core>{body}){_SUFFIX}(?!\w)", re.IGNORECASE)
        self._present = {e.term: [(f, _presence_re(f)) for f in (e.term, e.expansion)] for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> "Glossary":
        """Read a glossary.json file (a list of entry objects)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        glossary = cls([GlossaryEntry.from_dict(item) for item in data])
        logger.debug("loaded %d glossary entries from %s", len(glossary.entries), path)
        return glossary

    def lookup(self, term: str) -> GlossaryEntry | None:
        """Return the entry for a term, its expansion or any variant, or None."""
        return self._by_key.get(_key(term))

    def terms_in(self, text: str) -> list[str]:
        """Return the canonical terms that `text` mentions, in order of first mention."""
        return [entry.term for entry in self._entries_in(text)]

    def expand(self, query: str) -> str:
        """Append the term and expansion of every entry the query mentions, each at most once."""
        entries = self._entries_in(query)
        if not entries:
            return query
        haystack = _presence_text(query)
        additions: list[str] = []
        for entry in entries:
            for form, present in self._present[entry.term]:
                if not present.search(haystack):
                    additions.append(form)
                    haystack += " " + _presence_text(form)
        return f"{query} {' '.join(additions)}" if additions else query

    def _entries_in(self, text: str) -> list[GlossaryEntry]:
        seen: dict[str, GlossaryEntry] = {}
        for match in self._pattern.finditer(_fold(text)):
            entry = self._by_key.get(_key(match.group("core")))
            if entry is not None:
                seen.setdefault(entry.term, entry)
        return list(seen.values())


def _fold(text: str) -> str:
    """Drop accents and curly apostrophes, keeping case: 'Oriëntatie' -> 'Orientatie'."""
    text = text.replace("\u2019", "'")
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(form: str) -> str:
    return _SEP_RE.sub("", _fold(form).lower())


def _forms(entry: GlossaryEntry) -> list[tuple[str, bool]]:
    """Every surface form of an entry, flagged True where it must match case-exactly."""
    term_key = _key(entry.term)
    forms = [entry.term, entry.expansion, *entry.variants]
    return [(form, entry.case_sensitive and _key(form) == term_key) for form in forms]


def _form_pattern(form: str, exact: bool) -> str:
    tokens = [t for part in _SEP_RE.split(_fold(form).strip()) for t in _TOKEN_RE.findall(part)]
    pattern = f"{_SEP}*".join(re.escape(token) for token in tokens)
    return f"(?-i:{pattern})" if exact else pattern


def _presence_text(text: str) -> str:
    return _SPACE_RE.sub(" ", _fold(text).lower())


def _presence_re(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(_presence_text(form).strip())}(?!\w)")
