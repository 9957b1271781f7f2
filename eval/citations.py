"""Citation validity: quotes inside their passage, passages at their offsets in the source, markers resolved."""
from __future__ import annotations

import logging
from pathlib import Path

from eval.metrics import unresolved_markers
from inburgering.models import Answer

log = logging.getLogger(__name__)


class SourceTexts:
    """Source document texts by (document id, version date), loaded lazily as ingest loads them."""

    def __init__(self, corpus_dir: Path) -> None:
        from ingest.manifest import load_manifest

        self.corpus_dir = Path(corpus_dir)
        self._files = {(m.id, m.version_date): m.file for m in load_manifest(self.corpus_dir)}
        self._texts: dict[str, str | None] = {}

    def documents(self) -> list[tuple[str, str | None, str]]:
        """(document id, version date, text) of every loadable manifest entry."""
        found = [(i, v, self.text(i, v)) for i, v in self._files]
        return [(i, v, t) for i, v, t in found if t is not None]

    def text(self, document_id: str, version_date: str | None) -> str | None:
        """The loaded text of that document version, or None when the manifest does not know it."""
        file = self._files.get((document_id, version_date))
        if file is None:
            return None
        if file not in self._texts:
            from ingest.load import LoadError, load_text

            try:
                self._texts[file] = load_text(self.corpus_dir / file).text
            except LoadError as exc:
                log.warning("cannot load %s: %s", file, exc)
                self._texts[file] = None
        return self._texts[file]


def citation_problems(answer: Answer, sources: SourceTexts) -> list[str]:
    """What is wrong with an answer's citations; empty when every check passes."""
    problems = []
    for c in answer.citations:
        if c.quote not in c.text:
            problems.append(f"[{c.n}] quote is not a substring of the citation text")
        doc = sources.text(c.document_id, c.version_date)
        if doc is None:
            problems.append(f"[{c.n}] unknown source {c.document_id}@{c.version_date}")
        elif doc[c.start:c.end] != c.text:
            problems.append(f"[{c.n}] citation text is not {c.document_id}[{c.start}:{c.end}]")
    for n in unresolved_markers(answer.answer, {c.n for c in answer.citations}):
        problems.append(f"[{n}] in the answer resolves to no citation")
    return problems
