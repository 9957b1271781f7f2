"""Which chunks may answer: document versions valid on the as-of date, and the asked scope."""
from __future__ import annotations

import re

from assistant.labels import dutch_date
from inburgering.models import Chunk

_ADDED = re.compile(r"toegevoegd", re.IGNORECASE)


class AsOfFilter:
    """Callable filter: True for chunks that may answer a question asked as of a date, in a scope."""

    def __init__(self, as_of: str | None = None, scope: str | None = None,
                 excluded: frozenset[str] = frozenset()) -> None:
        self.as_of = as_of
        self.scope = scope
        self.excluded = excluded  # scopes that may not answer (a region the question says it is not in)

    def __call__(self, chunk: Chunk) -> bool:
        """Whether the chunk is valid on the date and applies to the scope."""
        return self._valid(chunk) and self._in_scope(chunk)

    def _valid(self, chunk: Chunk) -> bool:
        if self.as_of is None:
            return chunk.valid_until is None  # without a date the newest version applies
        if chunk.valid_from and chunk.valid_from > self.as_of:
            return False
        if chunk.valid_until and chunk.valid_until <= self.as_of:
            return False
        # An entry added after the date did not exist yet; one merely updated did.
        added_later = chunk.update_marker and _ADDED.search(chunk.update_marker)
        return not (added_later and chunk.update_date and chunk.update_date > self.as_of)

    def _in_scope(self, chunk: Chunk) -> bool:
        if chunk.scope in self.excluded:
            return False
        return self.scope is None or chunk.scope in ("national", self.scope)


def as_of_warnings(chunk: Chunk, as_of: str | None) -> list[str]:
    """Flag a passage that was updated after the asked date."""
    if as_of and chunk.update_date and chunk.update_date > as_of:
        return [f"Dit antwoord is bijgewerkt op {dutch_date(chunk.update_date)}, na de gevraagde datum "
                f"({dutch_date(as_of)}); op die datum kan de tekst anders hebben geluid."]
    return []
