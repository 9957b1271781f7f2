"""The assistant: a question (with earlier turns, as-of date, scope) in, an Answer out.

The same object serves the CLI, the API and Teams. Extractive by default: every word of an
answer, short connecting phrases aside, comes from the cited passages.
"""
from __future__ import annotations

import logging
import time
import uuid

import numpy as np
from dataclasses import dataclass, field

from assistant.answerability import ANSWERABILITY_FEATURES, Evidence, decide
from assistant.answerability import features as answerability_features
from assistant.compose import ComposeSettings, citation, compose, render
from assistant.conversation import (expand_shortened, is_follow_up, outside_region, place_scope, resolve,
                                    strip_redactions)
from assistant.coverage import CoverageJudge
from assistant.filters import AsOfFilter, as_of_warnings
from assistant.labels import UNCERTAIN_NOTICE, currency_line, dutch_date, place_name, staleness_warnings
from assistant.neighbours import votes_whole
from assistant.qtype import asks_currency, parts as question_parts
from assistant.referral import best_referral, vraagbaak_rows
from assistant.rank import check_features, load_model
from assistant.retrieve import Retriever
from assistant.sentences import SENTENCE_FEATURES, SentenceContext
from assistant.versions import VersionNotes, in_scope
from inburgering.models import Answer, Hit
from inburgering.settings import Settings, get_settings

log = logging.getLogger(__name__)

UNCERTAIN = f"{UNCERTAIN_NOTICE} Controleer zelf of die over jouw vraag gaat."
REFUSAL = ("De bronnen van deze assistent beantwoorden deze vraag niet. Ik geef daarom geen antwoord, "
           "om niets te beweren wat niet in de bronnen staat.")


@dataclass
class Retrieval:
    """What a question retrieves: its stand-alone form, the scope that applies, the ranked hits."""

    resolved: str
    scope: str | None
    hits: list[Hit]
    # With a region or municipality asked: the national passages on the same point, searched apart so
    # the national rule is found even when the place's own texts fill the top of the ranking.
    national: list[Hit] = field(default_factory=list)
    # Drenthe municipalities outside the AMRD that the question names, as (name, the region the AMRD
    # framework places it in): they keep its passages out and are warned about.
    outside: list[tuple[str, str | None]] = field(default_factory=list)
    # The later parts of a two-part question, each with the passages a search on that part alone finds:
    # its answer may lie in a passage the whole question does not rank near the top.
    pieces: list[tuple[str, list[Hit]]] = field(default_factory=list)


def retrieve(retriever: Retriever, question: str, history: list[str] | None, as_of: str | None,
             scope: str | None, k: int) -> Retrieval:
    """Resolve follow-ups and named places, then search with the as-of and scope filter.

    `Assistant.ask` and the evaluation both call this, so the metrics rank exactly as answers do.
    """
    resolved, effective = plan(question, history, scope)
    # A question from a Drenthe municipality outside the AMRD ("wij zitten in Assen") is not answered
    # with the AMRD's arrangements, unless the user's scope or an AMRD place in it says otherwise.
    outside = outside_region(question)
    excluded = frozenset({"regio:amrd"}) if effective is None and outside else frozenset()
    allowed = AsOfFilter(as_of, effective, excluded)
    split = question_parts(resolved)
    # Two-part questions search each later part too: its embedding runs beside the whole question's.
    retriever.embed_queries([resolved, *split[1:]])
    hits = retriever.search(resolved, k=k, allowed=allowed, prefer_scope=effective)
    national: list[Hit] = []
    if effective and effective != "national":
        dated = AsOfFilter(as_of, None)
        # The question as asked, places included: national passages do not name them, so the words
        # change little, and it reuses the question's vector (searching without the places cost a
        # second embedding, ~30 ms; on dev key facts 0.726 -> 0.728, both cited 51 -> 52 of 89).
        national = retriever.search(resolved, k=3, allowed=lambda c: c.scope == "national" and dated(c))
    pieces = [(piece, retriever.search(piece, k=3, allowed=allowed, prefer_scope=effective)) for piece in split[1:]]
    return Retrieval(resolved, effective, hits, national, outside, pieces)


def outside_region_warnings(outside: list[tuple[str, str | None]], scope: str | None,
                            answered: bool = True) -> list[str]:
    """Say so when the question names a Drenthe municipality outside the AMRD (`outside`, as
    Retrieval holds them): the AMRD's arrangements are not its own, and without another region the
    answer is the national rule."""
    out = []
    for place, region in outside:
        where = f"; het uitvoeringskader van de AMRD plaatst {place} in {region}" if region else ""
        national = answered and not (scope and scope != "national")
        rule = " Dit antwoord geeft de landelijke regel." if national else ""
        out.append(f"{place} hoort niet bij de Arbeidsmarktregio Drenthe (AMRD){where}. De bronnen hebben geen "
                   f"eigen afspraken van {place}.{rule}")
    return out


def plan(question: str, history: list[str] | None, scope: str | None) -> tuple[str, str | None]:
    """The stand-alone question (follow-ups resolved) and the scope that applies (a named place wins)."""
    history = [expand_shortened(strip_redactions(h)) for h in (history or []) if h and h.strip()]
    question = expand_shortened(strip_redactions(question) or question)
    resolved = resolve(question, history)
    named = place_scope(question) or (place_scope(resolved) if is_follow_up(question) else None)
    return resolved, named or scope


class Assistant:
    """Answers questions from one loaded index."""

    def __init__(self, retriever: Retriever, settings: Settings | None = None, generator=None,
                 skip: tuple[str, ...] = ()) -> None:
        self.settings = settings or get_settings()
        self.retriever = retriever
        data = retriever.data
        self.judge = CoverageJudge(data.chunks, data.keywords.vocabulary, df=retriever.document_frequencies)
        self.referrals = vraagbaak_rows(data.chunks)
        self.manifest = {f"{d['id']}@{d['version_date']}": d for d in data.meta.get("manifest", [])}
        self.manifest.update({d["id"]: d for d in data.meta.get("manifest", [])})
        self.law_date = data.meta.get("law_in_force", "2022-01-01")
        self.notes = VersionNotes(data.chunks, data.meta.get("manifest", []))
        self.generator = generator
        # `skip` leaves a fitted model out: its training script runs the assistant without it.
        self.sentence_model = None if "sentences" in skip else load_model("sentences")
        if self.sentence_model is not None:
            check_features(self.sentence_model, SENTENCE_FEATURES)
        self.answerability = None if "answerability" in skip else load_model("answerability")
        if self.answerability is not None:
            check_features(self.answerability, ANSWERABILITY_FEATURES)
        self.compose_settings = ComposeSettings(**(self.sentence_model.spec.get("compose", {})
                                                   if self.sentence_model else {}))

    def sentence_context(self, resolved: str, view) -> SentenceContext:
        """What sentence scoring needs of the question (`view`: the retriever's query_view of it)."""
        r = self.retriever
        asked = (r.neighbours.sentence_votes(r.query_vector(resolved), view.scope, votes_whole(resolved, view.scope))
                 if r.neighbours is not None else None)
        return SentenceContext(view.weights, set(view.types), r.sentence_similarities(resolved),
                               r.sentence_rows, asked)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, skip: tuple[str, ...] = ()) -> "Assistant":
        """Load the index named by the settings and build an assistant on it."""
        from assistant.loader import load_retriever

        settings = settings or get_settings()
        return cls(load_retriever(settings, ranker="ranker" not in skip), settings, skip=skip)

    def ask(self, question: str, history: list[str] | None = None, as_of: str | None = None,
            scope: str | None = None, mode: str | None = None, session_id: str | None = None) -> Answer:
        """Answer one question; `history` holds the earlier user turns, oldest first."""
        started = time.perf_counter()
        found = retrieve(self.retriever, question, history, as_of, scope, self.settings.top_k)
        resolved, effective_scope, hits = found.resolved, found.scope, found.hits
        answer = self._answer(question, resolved, hits, as_of, effective_scope, found.national, found.pieces)
        answer.warnings += outside_region_warnings(found.outside, effective_scope, answered=not answer.refused)
        self._note_version(answer, resolved, hits, as_of, effective_scope)
        answer.session_id = session_id
        # Only a confident answer is rewritten: an "uncertain" one stays the labelled passage.
        if (mode or self.settings.mode) == "llm" and answer.status == "answer":
            self._generate(answer, resolved, hits)
        # "hoe actueel is die info?": the cited passages' dates in words, as the answer finally cites them.
        if not answer.refused and answer.citations and (asks_currency(question) or asks_currency(resolved)):
            answer.answer = f"{answer.answer}\n\n{currency_line(answer.citations)}"
        answer.latency_ms = int((time.perf_counter() - started) * 1000)
        return answer

    def _answer(self, question: str, resolved: str, hits: list[Hit], as_of, scope, national: list[Hit],
                pieces: list[tuple[str, list[Hit]]]) -> Answer:
        """Extractive answer; the nearest passage labelled "not certain"; or a refusal."""
        base = Answer(question=question, answer="", as_of=as_of, scope=scope,
                      answer_id=uuid.uuid4().hex)
        if not hits:
            return self._refuse(base, resolved, hits, as_of)
        parts, evidence = self.assess(resolved, hits, scope, national, pieces)
        if not parts or evidence.status == "refused":
            log.info("refused %r (p=%s)", question, evidence.probability)
            return self._refuse(base, resolved, hits, as_of)
        text, base.citations = render(parts)
        base.status = evidence.status
        p = evidence.probability if evidence.probability is not None else parts[0].hit.score
        base.confidence = round(min(1.0, max(0.0, p)), 3)
        base.warnings = self._warnings(parts, as_of, scope)
        if evidence.status == "uncertain":
            text = f"{UNCERTAIN}\n\n{text}"
        base.answer = text
        return base

    def assess(self, resolved: str, hits: list[Hit], scope: str | None, national: list[Hit],
               pieces: list[tuple[str, list[Hit]]]):
        """The composed parts and the answer / uncertain / refuse decision for them. `national` and
        `pieces` (the Retrieval's national passages and per-part hits) are required: training rows
        composed without them described another answer than the one `ask` gives."""
        r = self.retriever
        view = r.query_view(resolved, scope)
        ctx = self.sentence_context(resolved, view)
        # How the nearest earlier questions turned out depends on the question only.
        like = r.neighbours.unanswered_share(r.query_vector(resolved)) if r.neighbours is not None else 0.0
        draft, parts, decision = self._judged(resolved, hits, scope, national, view, ctx, like)
        # A second look: when the answer from the best passage would be declined, the runner-up may be
        # the entry that answers (its sibling came first). It is taken only if the model would answer
        # from it. Cross-fitted 1305 dev: key facts 0.722 -> 0.729 (+7, -0), unanswerable declined
        # 0.870 -> 0.866 (-1), answerable "uncertain" 0.100 -> 0.092; trying the third passage too
        # gained one more and lost two more declines (not taken). Only with the fitted model: the
        # training scripts collect the rows of the first answer without it.
        if parts and decision.status != "answer" and len(hits) > 1 and self.answerability is not None:
            other_draft, other_parts, other = self._judged(resolved, [hits[1], hits[0], *hits[2:]], scope, national,
                                                           view, ctx, like)
            if other.status == "answer":
                log.info("answered from the runner-up passage %s (p=%.3f; the best one's answer: %s, p=%s)",
                         hits[1].chunk.chunk_id, other.probability, decision.status, decision.probability)
                draft, parts, decision = other_draft, other_parts, other
        if not parts:
            return parts, decision
        # The decision rests on the answer composed from the whole question's passages; only then may
        # a later part take its sentence from the passages its own search found. Decided on those
        # extra sentences, unanswerable two-part questions looked answered (cross-fitted dev: declined
        # 0.908 -> 0.880 with the wider split, against 0.904 deciding first).
        if pieces and decision.status != "refused":
            own = {piece: (found, self.sentence_context(piece, r.query_view(piece, scope))) for piece, found in pieces}
            parts = draft.answer(resolved, own)
        return parts, decision

    def _judged(self, resolved: str, hits: list[Hit], scope: str | None, national: list[Hit], view, ctx,
                like: float):
        """The draft composed from `hits` (best first), its main parts, and the decision on them."""
        r = self.retriever
        coverage = self.judge.judge(resolved, r.prepare(resolved), hits)
        draft = compose(hits, ctx, self.sentence_model, scope, self.compose_settings, list(national))
        parts = draft.answer(resolved) if draft else []
        if not parts:
            return draft, parts, Evidence(np.zeros((1, 0)), None, "refused")
        asked = (0.0, 0.0)
        if r.neighbours is not None:  # whether the passage answered the nearest earlier questions
            # Whether, not where: earlier questions about any place count (cross-fitted 1305 dev: declined
            # 0.863 -> 0.866, answerable uncertain 0.101 -> 0.097 against the ranker's place-bound votes).
            chunk = np.asarray([r.position[parts[0].hit.chunk.chunk_id]])
            vote, first = r.asked_before(r.query_vector(resolved), chunk, scope, any_place=True)
            asked = (float(vote[0]), float(first[0]))
        x = answerability_features(hits, parts, coverage, ctx, self.judge, view,
                                   lambda hit: r.profiles[r.position[hit.chunk.chunk_id]], resolved, like, asked)
        return draft, parts, decide(self.answerability, x, coverage.verdict)

    def _warnings(self, parts, as_of, scope) -> list[str]:
        """Staleness, as-of and scope warnings for the cited passages."""
        warnings: list[str] = []
        for part in parts:
            warnings += staleness_warnings(part.hit.chunk, self.manifest, self.law_date)
            warnings += as_of_warnings(part.hit.chunk, as_of)
        scopes = {p.hit.chunk.scope for p in parts}
        regional = sorted(s for s in scopes if s != "national")
        if regional and "national" in scopes:
            warnings.append("De landelijke regel en de regionale/gemeentelijke afspraak staan allebei in het antwoord, "
                            "met label; ze kunnen verschillen.")
        # Every regional source other than the user's own is flagged, also when several are cited.
        for other in (s for s in regional if s != scope):
            warnings.append(f"Dit antwoord komt (deels) uit een bron van {place_name(other)}; die geldt "
                            "alleen daar en is geen landelijke regel.")
        return list(dict.fromkeys(warnings))

    def _note_version(self, answer: Answer, resolved: str, hits: list[Hit], as_of, scope) -> None:
        """Say so when the best passage regardless of date was added, changed or removed after `as_of`."""
        if not self.notes.needed(as_of):
            return
        undated = self.retriever.search(resolved, k=1, allowed=in_scope(scope))
        if answer.status == "uncertain" and undated and self.notes.came_later(undated[0].chunk, as_of):
            # The answer came into the sources after the asked date; what stood there then is only the
            # nearest passage, not an answer of that date. Say the sources did not answer it then.
            answer.citations, answer.warnings = [], []
            self._refuse(answer, resolved, hits, as_of)
        notes = [self.notes.note(undated[0].chunk, as_of)] if undated else []
        if not answer.refused:
            notes += self.notes.cited([c.chunk_id for c in answer.citations], as_of)
        notes = list(dict.fromkeys(n for n in notes if n))
        if not notes:
            return
        if not answer.refused:
            answer.warnings[:0] = notes
            return
        lines = answer.answer.split("\n")
        # The specific note replaces the generic "no version was valid" line.
        lines[:1] = [notes[0]] if lines[0].startswith("Er was op") else [notes[0], lines[0]]
        answer.answer = "\n".join(lines)

    def _refuse(self, answer: Answer, resolved: str, hits: list[Hit], as_of) -> Answer:
        """Say plainly that the sources do not cover it; suggest nearby topics and who to ask."""
        answer.refused, answer.confidence, answer.status = True, 0.0, "refused"
        lines = [REFUSAL]
        if as_of and not hits:
            lines = [f"Er was op {dutch_date(as_of)} geen versie van de bronnen geldig die deze vraag "
                     "beantwoordt."]
        suggestions = hits[:3]
        if suggestions:
            lines.append("Onderwerpen in de bronnen die er het dichtst bij liggen:")
            for n, hit in enumerate(suggestions, start=1):
                lines.append(f"- {hit.chunk.question or hit.chunk.section} ({hit.chunk.document_title}) [{n}]")
                quote = hit.chunk.question or hit.chunk.text.split("\n")[0]
                answer.citations.append(citation(n, hit, quote if quote in hit.chunk.text else hit.chunk.text[:80]))
        referral = best_referral(self.referrals, resolved)
        if referral:
            n = len(answer.citations) + 1
            org = referral.line.split("(")[0].strip()
            lines.append(f"Volgens de Vraagbaak in de Q&A van Divosa kun je met zo'n vraag terecht bij {org}: "
                         f"\"{' '.join(referral.line.split())}\" [{n}]")
            answer.citations.append(citation(n, Hit(referral.chunk, 0.0), referral.line))
        answer.answer = "\n".join(lines)
        return answer

    def _generate(self, answer: Answer, resolved: str, hits: list[Hit]) -> None:
        """Let the configured LLM write the answer; keep it only if it passes verification."""
        from assistant.llm import generate_verified

        generate_verified(self, answer, resolved, hits)
