"""Point an unanswered question to the organisation that handles it, as the corpus's Vraagbaak says."""
from __future__ import annotations

from dataclasses import dataclass

from inburgering.models import Chunk
from ingest.text import tokens

# Words every Vraagbaak line shares; they say nothing about which organisation fits.
_GENERIC = set(tokens("vragen inburgering wet regelgeving gemeenten gemeente informatie wi2021 organisatie terecht"))


@dataclass
class Referral:
    """One Vraagbaak row: the organisation line, where it stands, and its topic stems."""

    chunk: Chunk
    start: int
    end: int
    stems: set[str]

    @property
    def line(self) -> str:
        """The row as it stands in the source."""
        return self.chunk.text[self.start:self.end]


def vraagbaak_rows(chunks: list[Chunk]) -> list[Referral]:
    """Rows of the Q&A's Vraagbaak table ("IND (Immigratie- en Naturalisatie Dienst) …")."""
    rows = []
    for chunk in chunks:
        if chunk.role != "preamble" or "Vraagbaak" not in chunk.text:
            continue
        pos = chunk.text.index("Vraagbaak")
        for line in chunk.text[pos:].split("\n")[2:]:
            if "(" in line and len(line.split()) >= 4:
                start = chunk.text.index(line, pos)
                rows.append(Referral(chunk, start, start + len(line.rstrip()), set(tokens(line)) - _GENERIC))
    return rows


def best_referral(rows: list[Referral], question: str) -> Referral | None:
    """The row sharing the most topic words with the question, if any shares one."""
    q = set(tokens(question)) - _GENERIC
    scored = [(len(q & r.stems), r) for r in rows]
    scored = [x for x in scored if x[0] > 0]
    return max(scored, key=lambda x: x[0])[1] if scored else None
