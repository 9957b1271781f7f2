"""Compose an extractive answer: sentences from the sources, each followed by its [n] marker."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.labels import scope_label
from assistant.sentences import Sentence, best_run, candidate_sentences, score_sentences
from inburgering.models import Citation, Hit
from ingest.text import tokens


@dataclass
class Part:
    """One cited piece of the answer: the hit and the run of sentences used from it."""

    hit: Hit
    run: list[Sentence]

    @property
    def quote(self) -> str:
        """The exact text of the run, as it stands in the passage."""
        return self.hit.chunk.text[self.run[0].start:self.run[-1].end]

    @property
    def score(self) -> float:
        """Best sentence score of the run."""
        return max(s.score for s in self.run)


def pick_parts(hits: list[Hit], query: str, idf: dict[str, float], max_parts: int = 2) -> list[Part]:
    """The best run from the best passage and, where it adds something, from the next ones."""
    query_tokens = set(tokens(query))
    parts: list[Part] = []
    for rank, hit in enumerate(hits[:4]):
        sentences = score_sentences(candidate_sentences(hit.chunk), query_tokens, idf,
                                    first_bonus=0.3 if hit.chunk.role == "qa" else 0.0, windows=hit.windows,
                                    dense_weight=2.0)
        run = best_run(sentences, max_sentences=3 if rank == 0 else 2)
        if not run:
            continue
        part = Part(hit, run)
        if not parts:
            parts.append(part)
            continue
        # A later passage earns a place when it is nearly as relevant and says something new,
        # or when it is a different scope (regional next to national): both are shown, labelled.
        other_scope = hit.chunk.scope != parts[0].hit.chunk.scope
        new_terms = set(tokens(part.quote)) & query_tokens - set(tokens(" ".join(p.quote for p in parts)))
        strong = hit.score >= 0.8 * parts[0].hit.score and part.score >= 0.5 * parts[0].score
        if strong and (other_scope or new_terms):
            parts.append(part)
        if len(parts) >= max_parts:
            break
    return parts


def render(parts: list[Part]) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations in marker order."""
    lines, citations = [], []
    national_first = sorted(parts, key=lambda p: p.hit.chunk.scope != "national") if _mixed(parts) else parts
    for n, part in enumerate(national_first, start=1):
        chunk = part.hit.chunk
        text = " ".join(part.quote.split())
        if _mixed(parts):
            text = f"{scope_label(chunk.scope)}: {text}"
        lines.append(f"{text} [{n}]")
        citations.append(citation(n, part.hit, part.quote))
    return "\n\n".join(lines), citations


def _mixed(parts: list[Part]) -> bool:
    """Whether the answer combines sources of different scopes."""
    return len({p.hit.chunk.scope for p in parts}) > 1


def citation(n: int, hit: Hit, quote: str) -> Citation:
    """The citation of a hit with the quote the answer used."""
    c = hit.chunk
    return Citation(
        n=n, chunk_id=c.chunk_id, document_id=c.document_id, document_title=c.document_title,
        publisher=c.publisher, kind=c.kind, scope=c.scope, section=c.section, question=c.question,
        update_date=c.update_date, quote=quote, text=c.text, url=c.url, score=round(hit.score, 4),
        version_date=c.version_date, start=c.start, end=c.end, label=scope_label(c.scope),
    )
