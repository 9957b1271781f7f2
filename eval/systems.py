"""The systems under evaluation behind one interface: the full assistant and our retriever variants.

The assistant's ranking is reproduced with the same calls `Assistant.ask` makes (follow-up
resolution, place scope, as-of filter), so nothing is added to the assistant for evaluation.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from eval.golden import GoldenItem, norm
from inburgering.models import Answer, Chunk, Hit


@dataclass
class Passage:
    """A retrieved passage as the metrics see it."""

    id: str
    text: str
    document_id: str
    section: str = ""
    question: str | None = None
    update_date: str | None = None


@dataclass
class Run:
    """What a system did with one golden item."""

    passages: list[Passage]
    seconds: float
    answer: Answer | None = None
    consistent: bool | None = None  # the reproduced ranking holds the answer's citations


class System(Protocol):
    """A system under evaluation: a ranked list for a question (and maybe an answer)."""

    name: str
    description: str
    refuses: bool

    def run(self, item: GoldenItem, k: int) -> Run:
        """Retrieve (and answer) one golden item."""
        ...

    def collection(self) -> list[Passage]:
        """Every passage the system can return."""
        ...


def passage(chunk: Chunk) -> Passage:
    """A chunk as a Passage."""
    return Passage(chunk.chunk_id, chunk.text, chunk.document_id, chunk.section, chunk.question,
                   chunk.update_date)


def ranking(retriever, question: str, history: list[str], k: int, as_of=None, scope=None) -> list[Hit]:
    """The hits `Assistant.ask` retrieves for this question: the same planning function."""
    from assistant.service import retrieve

    return retrieve(retriever, question, history, as_of, scope, k).hits


def cited_in(answer: Answer, hits: list[Hit]) -> bool:
    """Whether the answer's citations come from these hits (refusals: the suggested ones)."""
    ids = {h.chunk.chunk_id for h in hits}
    cited = answer.citations if not answer.refused else answer.citations[:min(3, len(hits))]
    return all(c.chunk_id in ids for c in cited)


@dataclass
class AssistantSystem:
    """The full assistant: answers through `ask`, ranking reproduced for the retrieval metrics."""

    assistant: object
    name: str = "assistant"
    description: str = "full assistant (hybrid retrieval, coverage check, extractive answer)"
    refuses: bool = True

    def run(self, item: GoldenItem, k: int) -> Run:
        """Ask the question as a user would, then reproduce the ranking it used."""
        from assistant.neighbours import hidden
        from assistant.service import retrieve

        # A dev question must not find itself among the earlier questions it was fitted with (test
        # questions are not among them; an id it does not know hides nothing).
        with hidden(self.assistant.retriever.neighbours, item.id):
            # The baselines run first on the same retriever and would leave this question's vector
            # memoised: timed warm, the latency figures came out ten times too fast.
            self.assistant.retriever.forget()
            started = time.perf_counter()
            answer = self.assistant.ask(item.question, history=item.history, as_of=item.as_of, scope=item.scope)
            seconds = time.perf_counter() - started
            k = max(k, self.assistant.settings.top_k)
            found = retrieve(self.assistant.retriever, item.question, item.history, item.as_of, item.scope, k)
        # The ranking metrics use the ranking; the national passages and those a later part of the
        # question found with its own search may be cited too.
        apart = found.national + [h for _, hits in found.pieces for h in hits]
        return Run([passage(h.chunk) for h in found.hits], seconds, answer, cited_in(answer, found.hits + apart))

    def collection(self) -> list[Passage]:
        """Every indexed chunk."""
        return [passage(c) for c in self.assistant.retriever.data.chunks]


@dataclass
class CrossFitted(AssistantSystem):
    """The full assistant on dev, each question answered by the models of its fold, fitted without it
    (assistant/fitted/crossfit.py): the dev figures that estimate something."""

    fit: object = None
    description: str = "full assistant, cross-fitted on dev (each question answered out of fold)"

    def run(self, item: GoldenItem, k: int) -> Run:
        """Ask with the question's fold models, its whole fold hidden from the earlier questions."""
        from assistant.fitted.crossfit import using

        fold = self.fit.fold[item.id]
        with using(self.assistant, self.fit.models[fold], self.fit.held(fold)):
            return super().run(item, k)


@dataclass
class RetrieverSystem:
    """Our own chunks and query handling with other fusion weights (dense-only, BM25-only)."""

    retriever: object
    name: str
    description: str
    refuses: bool = False

    def run(self, item: GoldenItem, k: int) -> Run:
        """Rank as the assistant does, with this retriever's weights."""
        started = time.perf_counter()
        hits = ranking(self.retriever, item.question, item.history, k, item.as_of, item.scope)
        return Run([passage(h.chunk) for h in hits], time.perf_counter() - started)

    def collection(self) -> list[Passage]:
        """Every indexed chunk."""
        return [passage(c) for c in self.retriever.data.chunks]


def weighted(assistant, name: str, dense: float, bm25: float) -> RetrieverSystem:
    """A retriever over the assistant's index with other dense/BM25 weights, all else shared."""
    import copy
    from dataclasses import replace

    # A shallow copy keeps the index, glossary and typo repair; only the fusion weights differ.
    retriever = copy.copy(assistant.retriever)
    retriever.weights = replace(assistant.retriever.weights, dense=dense, bm25=bm25)
    retriever.ranker = None  # the plain fusion: these rows show what the fitted ranker adds
    what = "dense only" if bm25 == 0 else "BM25 only" if dense == 0 else "hand-set fusion, no fitted ranker"
    return RetrieverSystem(retriever, name, f"our chunks and query handling, {what}")


@dataclass
class RelevanceIndex:
    """Which passages of a system's collection hold a given evidence string."""

    passages: list[Passage]
    _texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._texts = [norm(p.text) for p in self.passages]
        self._by_id = {p.id: p for p in self.passages}

    def get(self, passage_id: str) -> Passage:
        """The passage with this id."""
        return self._by_id[passage_id]

    def ids_with(self, evidences: list[str]) -> list[str]:
        """Ids of passages holding any of the (normalised) evidence strings."""
        return [p.id for p, t in zip(self.passages, self._texts) if any(ev in t for ev in evidences)]
