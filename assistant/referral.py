"""Point an unanswered question to the organisation that handles it, as the corpus's Vraagbaak says."""
from __future__ import annotations

import re
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


# "IND (Immigratie- en Naturalisatie Dienst) Wet-en regelgeving, …": an organisation, its full
# name in brackets, then the topics it handles.
_ROW = re.compile(r"^[A-Z][A-Za-z\s–-]{1,60}\([^)]{3,80}\)\s+\S")


def vraagbaak_rows(chunks: list[Chunk]) -> list[Referral]:
    """Rows of the Q&A's Vraagbaak table, wherever the preamble's chunks split it."""
    rows = []
    for chunk in chunks:
        if chunk.role != "preamble":
            continue
        pos = 0
        for line in chunk.text.split("\n"):
            if _ROW.match(line):
                start = chunk.text.index(line, pos)
                rows.append(Referral(chunk, start, start + len(line.rstrip()), set(tokens(line)) - _GENERIC))
            pos += len(line) + 1
    return rows


def _shares(q: str, row_stem: str) -> bool:
    """Same stem, or one a compound head of the other ("naturalisatieverzoek" ~ "naturalisatie")."""
    return q == row_stem or (min(len(q), len(row_stem)) >= 6 and (q.startswith(row_stem) or row_stem.startswith(q)))


def best_referral(rows: list[Referral], question: str) -> Referral | None:
    """The row sharing the most topic words with the question, if any shares one."""
    q = set(tokens(question)) - _GENERIC
    scored = [(sum(any(_shares(t, s) for s in r.stems) for t in q), r) for r in rows]
    scored = [x for x in scored if x[0] > 0]
    return max(scored, key=lambda x: x[0])[1] if scored else None
