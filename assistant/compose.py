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


def pick_parts(hits: list[Hit], query: str, idf: dict[str, float], max_parts: int = 2,
               scope: str | None = None) -> list[Part]:
    """The best run from the best passage and, where it adds something, from the next ones."""
    query_tokens = set(tokens(query))
    parts: list[Part] = []
    for rank, hit in enumerate(hits[:4]):
        part = _part(hit, rank, query_tokens, idf)
        if part is None:
            continue
        if not parts:
            parts.append(part)
            continue
        # A later passage earns a place when it is nearly as relevant and says something new,
        # or when it is a different scope (regional next to national): both are shown, labelled.
        other_scope = hit.chunk.scope != parts[0].hit.chunk.scope
        new_terms = set(tokens(part.quote)) & query_tokens - set(tokens(" ".join(p.quote for p in parts)))
        if _strong(part, parts[0]) and (other_scope or new_terms):
            parts.append(part)
        if len(parts) >= max_parts:
            break
    return _with_local(parts, hits, query_tokens, idf, scope, max_parts)


def _part(hit: Hit, rank: int, query_tokens: set[str], idf: dict[str, float]) -> Part | None:
    """The best run of sentences of one hit, or None."""
    sentences = score_sentences(candidate_sentences(hit.chunk), query_tokens, idf,
                                first_bonus=0.3 if hit.chunk.role == "qa" else 0.0, windows=hit.windows,
                                dense_weight=2.0)
    run = best_run(sentences, max_sentences=3 if rank == 0 else 2)
    return Part(hit, run) if run else None


def _strong(part: Part, first: Part) -> bool:
    """Nearly as relevant as the first part, as a passage and as a quote."""
    return part.hit.score >= 0.8 * first.hit.score and part.score >= 0.5 * first.score


def _with_local(parts: list[Part], hits: list[Hit], query_tokens: set[str], idf: dict[str, float],
                scope: str | None, max_parts: int) -> list[Part]:
    """With a regional or municipal scope: what that place itself says, next to the national rule."""
    if not parts or not scope or scope == "national":
        return parts
    place = _place_tokens(scope)
    mine = next((i for i, p in enumerate(parts) if p.hit.chunk.scope == scope), None)
    if mine is not None:  # its run stays; a sentence stating the place's own position may join it
        extra = _naming_sentence(parts[mine], query_tokens | place, place, idf)
        return parts[:mine + 1] + ([extra] if extra else []) + parts[mine + 1:]
    local = next(((r, h) for r, h in enumerate(hits[:5]) if h.chunk.scope == scope), None)
    if local is None or not _strong_hit(local[1], parts[0]):
        return parts
    own = _part(local[1], local[0], query_tokens | place, idf)
    if own is None:
        return parts
    extra = _naming_sentence(own, query_tokens | place, place, idf)
    national = [p for p in parts if p.hit.chunk.scope == "national"]
    return national[:max(1, max_parts - 1)] + sorted([own] + ([extra] if extra else []),
                                                     key=lambda p: p.run[0].start)


def _place_tokens(scope: str) -> set[str]:
    """Keyword tokens of the place a scope stands for (its name, municipalities, abbreviations)."""
    from assistant.conversation import PLACES

    return set(tokens(" ".join([scope.split(":", 1)[1], *PLACES.get(scope, [])])))


def _strong_hit(hit: Hit, first: Part) -> bool:
    """A passage nearly as relevant as the first part's."""
    return hit.score >= 0.8 * first.hit.score


def _naming_sentence(part: Part, query_tokens: set[str], place: set[str], idf: dict[str, float]) -> Part | None:
    """A later sentence of a local passage that names the place and bears on the question as much as the run.

    A regional text often quotes the national rule before its own choice ("SZW expects 60/25/15 …
    in the AMRD we use 40/20/40"); labelled as the region's, the quoted figure alone would mislead.
    """
    hit = part.hit
    sentences = score_sentences(candidate_sentences(hit.chunk), query_tokens, idf, first_bonus=0.0,
                                windows=hit.windows, dense_weight=2.0)
    in_run = {(s.start, s.end) for s in part.run}
    top = max((s.score for s in sentences if (s.start, s.end) in in_run), default=0.0)
    naming = [s for s in sentences if (s.start, s.end) not in in_run and place & set(tokens(s.text))
              and s.start > part.run[-1].end - 1 and s.score >= 0.6 * top]
    return Part(hit, [max(naming, key=lambda s: s.score)]) if naming else None


def render(parts: list[Part]) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations in marker order."""
    lines, citations = [], []
    national_first = sorted(parts, key=lambda p: p.hit.chunk.scope != "national") if _mixed(parts) else parts
    # Regional or municipal text always carries its label, so it never reads as the national rule.
    labelled = _mixed(parts) or any(p.hit.chunk.scope != "national" for p in parts)
    for n, part in enumerate(national_first, start=1):
        chunk = part.hit.chunk
        text = " ".join(part.quote.split())
        if labelled:
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
