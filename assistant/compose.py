"""Compose an extractive answer: sentences from the sources, each followed by its [n] marker."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from assistant.labels import scope_label
from assistant.sentences import Sentence, candidate_sentences
from ingest.split import count_words
from inburgering.models import Citation, Hit
from ingest.text import fold, tokens


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


@dataclass
class ComposeSettings:
    """Length and selection rules; chosen on the dev split (assistant/fitted/train_sentences.py)."""

    short_answer_words: int = 80  # a Q&A answer this short is shown whole
    budget_words: int = 110  # otherwise the best sentences, in document order, up to about this many
    keep: float = 0.35  # a sentence joins the run when its probability of stating the fact is above this
    second_part: float = 0.5  # a later passage's sentence answers an uncovered part above this
    # ... and only when the scorer gives it at least this probability of stating a key fact. On word share
    # alone, sentences that merely repeat the question's words were added: out of fold on dev, 218 of the
    # 780 added sentences scored below 0.4 and 2 of them held a missing key fact. Cross-fitted dev (1305):
    # no floor 0.710 key facts / 141 words per answer; 0.4 0.715 / 137; 0.5 0.707 / 131.
    part_floor: float = 0.4
    # The runner-up passage is quoted too when its probability is at least this share of the first's.
    # Chosen on cross-fitted dev (1305): none 0.697 key facts / 127 words per answer; 0.75 0.703 / 130;
    # 0.5 0.712 / 135; 0.3 0.718 / 140. 0.5: at 0.3 the runner-up is no longer one the ranker can
    # hardly tell from the first, and the answers grow by another five words for 0.006.
    close_second: float = 0.5


@dataclass
class Draft:
    """The main parts of an answer and the scored sentences of the passages they came from. What the
    main parts leave open of the question (of each part of a two-part one) is added from these twice:
    once for the decision to answer, and once more with the passages each later part's own search
    found (service.Assistant.assess)."""

    parts: list[Part]
    hits: list[Hit]
    per_hit: list[list[Sentence]]
    probs: list[list[float]]
    model: object
    settings: ComposeSettings
    scope: str | None

    def answer(self, question: str, own: dict | None = None) -> list[Part]:
        """The main parts plus a part for each piece of the question they leave open; `own` maps
        a piece to (the passages its own search found, its SentenceContext)."""
        from assistant.qtype import parts as question_parts

        parts = list(self.parts)
        # Each part the runs leave open, the first too, gets a sentence of its own after them; what both
        # scopes' runs already say is not repeated. The main run is chosen for the whole question and
        # may answer only the second part ("… na indexatie in 2023, en welke trajectprijs
        # vanaf 2026?" quoted the 2026 price alone; cross-fitted dev: key facts 0.648 -> 0.659).
        # A question of one part is checked the same way: the best window by probability mass often
        # passes by the one sentence that states the fact ("In principe is het toegestaan …" below a
        # long context; cross-fitted dev: key facts 0.672 -> 0.697, answers 121 -> 129 words).
        for piece in question_parts(question):
            hits3, per3, probs3 = self.hits[:3], self.per_hit[:3], self.probs[:3]
            found, piece_ctx = (own or {}).get(piece, ([], None))
            shown = {h.chunk.chunk_id for h in hits3}
            found = [h for h in found if h.chunk.chunk_id not in shown]
            if found:  # the passages a search on this part alone found, their sentences scored for this part
                sentences = [candidate_sentences(h.chunk) for h in found]
                hits3, per3 = hits3 + found, per3 + sentences
                probs3 = probs3 + _probabilities(found, sentences, piece_ctx, self.model)
            more = _part_for(piece, hits3, per3, probs3, parts, self.settings, self.scope)
            if more:
                parts.append(more)
        return parts


def compose(hits: list[Hit], ctx, model, scope: str | None, settings: ComposeSettings | None = None,
            national: list[Hit] | None = None) -> Draft | None:
    """The main parts of an extractive answer: the best run of the best passage, the runner-up's
    when it is nearly as likely, and, with a region asked or named, that region's own arrangement
    next to the national rule; None without a run.
    `Draft.answer` adds what the question's later parts need."""
    settings = settings or ComposeSettings()
    top = hits[:5]
    per_hit = [candidate_sentences(h.chunk) for h in top]
    probs = _probabilities(top, per_hit, ctx, model)
    chosen = _main_run(top[0], per_hit[0], probs[0], ctx, settings) if per_hit and per_hit[0] else []
    if not chosen:
        return None
    parts = [Part(top[0], run) for run in chosen]
    close = _close_second(top, per_hit, probs, ctx, settings, _quotable_scopes(parts, scope))
    if close:
        parts.append(close)
    if scope and scope != "national":
        seen = {h.chunk.chunk_id for h in top}
        extra = [h for h in (national or []) if h.chunk.chunk_id not in seen][:2]
        if extra:  # the national passages found apart, scored like the others
            more = [candidate_sentences(h.chunk) for h in extra]
            top, per_hit = top + extra, per_hit + more
            probs = probs + _probabilities(extra, more, ctx, model)
        parts = _both_scopes(parts, top, per_hit, probs, ctx, scope, settings)
    return Draft(parts, top, per_hit, probs, model, settings, scope)


def _close_second(hits, per_hit, probs, ctx, settings: ComposeSettings, scopes: set[str]) -> Part | None:
    """The runner-up's best run (half the word budget) when the ranker can hardly tell it from the
    first. Sibling entries ("Wanneer is ontheffing van de leerbaarheidstoets mogelijk?" and "Wat meet
    de leerbaarheidstoets?") are where a confident answer most often quotes the wrong passage: on
    cross-fitted dev, 65 answers missing their facts had the passage that holds them second or third.
    A single best sentence of the runner-up instead of a run gained nothing (key facts 0.697).
    Only a passage of `scopes` (the lead's, the asked region's, national) qualifies: a region nobody
    asked for stays out ("moet een statushouder van 70 nog inburgeren?" quoted a Drenthe figure)."""
    if (settings.close_second <= 0 or len(hits) < 2 or not per_hit[1] or hits[1].chunk.scope not in scopes
            or hits[1].score < settings.close_second * hits[0].score):
        return None
    run = _side_run(hits[1], per_hit[1], probs[1], ctx, settings)
    return Part(hits[1], run) if run else None


def _quotable_scopes(parts: list[Part], scope: str | None) -> set[str]:
    """Scopes whose passages may be quoted beside the chosen parts: theirs, the asked region's and
    national; never a region nobody asked for."""
    return {p.hit.chunk.scope for p in parts} | {"national", scope or "national"}


def _side_run(hit: Hit, sentences: list[Sentence], probs: list[float], ctx,
              settings: ComposeSettings) -> list[Sentence]:
    """The best run of a passage quoted beside the main one (the runner-up, the other scope's), in
    half the word budget."""
    return _main_run(hit, sentences, probs, ctx, replace(settings, budget_words=settings.budget_words // 2))[-1]


def _both_scopes(parts: list[Part], hits, per_hit, probs, ctx, scope: str, settings: ComposeSettings) -> list[Part]:
    """With a region asked or named: its own arrangement next to the national rule, both when found."""
    have = {p.hit.chunk.scope for p in parts}
    for want in (scope, "national"):
        if want in have:
            continue
        for hit, sentences, ps in zip(hits, per_hit, probs):
            # The best-ranked passage of the missing scope, however far below the lead it scores: with
            # the tree ranker's sharp scores, requiring half the lead's score dropped the other side
            # for most dev questions that need both (both cited 40/89; without the floor 51/89, key
            # facts 0.699 -> 0.724; floors of 0.25 and 0.1 fell in between).
            if hit.chunk.scope == want and sentences:
                parts.append(Part(hit, _side_run(hit, sentences, ps, ctx, settings)))
                break
    return parts


def _probabilities(hits, per_hit, ctx, model) -> list[list[float]]:
    """P(sentence states the asked fact) per sentence of each hit."""
    from assistant.sentences import sentence_features

    x = sentence_features(hits, per_hit, ctx)
    if model is not None:
        p = model.proba(x)
    else:  # no fitted file: meaning and shared words, as the hand-set rule did before
        p = 1.0 / (1.0 + np.exp(-(6 * x[:, 0] - 4 * x[:, 2] + 2 * x[:, 5] - 3)))
    out, i = [], 0
    for sentences in per_hit:
        out.append([float(v) for v in p[i:i + len(sentences)]])
        i += len(sentences)
    return out


def _main_run(hit: Hit, sentences: list[Sentence], probs: list[float], ctx,
              settings: ComposeSettings) -> list[list[Sentence]]:
    """Runs (contiguous sentence lists) from the best passage: a short Q&A answer whole, else the best
    window within the word budget, widened so it neither starts mid-argument nor stops at a colon."""
    if hit.chunk.scope != "national":
        probs = _own_voice(sentences, probs, hit.chunk.scope)
    for s, p in zip(sentences, probs):
        s.score = p
    words = [count_words(s.text) for s in sentences]
    if hit.chunk.role == "qa" and sum(words) <= settings.short_answer_words:
        return [sentences]
    lo, hi = _best_window(probs, words, settings)
    lo, hi = _complete(sentences, lo, hi)
    runs = [sentences[lo:hi + 1]]
    # A Q&A answer opens with the direct answer: "Nee, …" / "Ja, mits …", or a first sentence stating the
    # kind of fact asked ("In principe is er geen wettelijke verordeningsplicht." for "zijn we verplicht …?",
    # a duration for "hoe lang"). It leads, also when the best window lies further on.
    if lo > 0 and hit.chunk.role == "qa" and _opens_with_answer(sentences[0].text, ctx.types):
        if sum(words[:hi + 1]) <= settings.budget_words + 40:
            runs = [sentences[0:hi + 1]]
        else:
            runs = [[sentences[0]], *runs]
    return runs


# Kinds of fact whose statement in a first sentence answers the question. "who", "how" and "number" are
# stated by almost any sentence (the gemeente, DUO, "een", an enumeration's "1)"), so they say nothing here.
_LEADING_KINDS = frozenset({"yesno", "amount", "duration", "date", "level"})


def _opens_with_answer(first: str, asked: set[str]) -> bool:
    """Whether a Q&A answer's first sentence answers the question directly."""
    from assistant.qtype import direct_answer, states

    if "yesno" in asked and direct_answer(first):
        return True
    return bool(asked & _LEADING_KINDS & states(first))


_MARKUP = re.compile(r"</?(?:b|i|u|em|strong|sup|sub|br)\s*/?>", re.IGNORECASE)
# Extraction leftovers in the sources: a link's text with its empty target ("[Bossche Taalnetwerk](#)")
# and footnote numbers ("vergunninghouders<sup>9</sup>", the AMRD PDF's "jonger dan 28 jaar¹¹"); a
# reader sees the words.
_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\([^()\s]*\)")
_FOOTNOTE = re.compile(r"<sup>\s*\d{1,3}\s*</sup>|(?<=\S)[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}", re.IGNORECASE)


def readable(quote: str) -> str:
    """A quote as the answer shows it: link and footnote leftovers and markup dropped, whitespace
    collapsed. The citation keeps the exact quote."""
    return " ".join(_MARKUP.sub("", _LINK.sub(r"\1", _FOOTNOTE.sub("", quote))).split())
_NATIONAL_VOICE = re.compile(r"\b(ministerie|minister|szw|het rijk|landelijk\w*|de wet(gever)?|wettelijk\w*|"
                             r"kamerbrief|divosa|vng)\b")
_OWN_VOICE = re.compile(r"\b(we|wij|ons|onze|gemeenten in de|hanteren|kiezen|kiest|gaan we)\b")


def _own_voice(sentences: list[Sentence], probs: list[float], scope: str) -> list[float]:
    """In a regional text, prefer the region's own arrangement over its restatement of the national rule.

    Labelled as the region's, a quoted national figure ("SZW expects 60/25/15") would mislead; the
    sentence where the region speaks for itself ("in de AMRD hanteren we 40/20/40") is the answer.
    """
    place = _place_tokens(scope)
    out = []
    for s, p in zip(sentences, probs):
        text = fold(s.text)
        own = bool(_OWN_VOICE.search(text)) or bool(place & set(tokens(s.text)))
        national = bool(_NATIONAL_VOICE.search(text))
        out.append(p + (0.25 if own else 0.0) - (0.25 if national and not own else 0.0))
    return out


def _best_window(probs: list[float], words: list[int], settings: ComposeSettings) -> tuple[int, int]:
    """The contiguous window with the most probability mass above `keep`, within the budget."""
    best = max(range(len(probs)), key=lambda i: probs[i])
    best_span, best_gain = (best, best), -1.0
    for lo in range(len(probs)):
        total, gain = 0, 0.0
        for hi in range(lo, len(probs)):
            total += words[hi]
            if total > settings.budget_words and hi > lo:
                break
            gain += probs[hi] - settings.keep
            if lo <= best <= hi and gain > best_gain:
                best_span, best_gain = (lo, hi), gain
    return best_span


def _complete(sentences: list[Sentence], lo: int, hi: int) -> tuple[int, int]:
    """Widen a run that opens with a pointing word ("Daarom", "Dit") or ends at a colon before its list."""
    from assistant.qtype import leans_back

    while lo > 0 and leans_back(sentences[lo].text) and sentences[lo].start - sentences[lo - 1].end < 400:
        lo -= 1
    extra = 0
    while hi + 1 < len(sentences) and extra < 6:
        if sentences[hi].text.rstrip().endswith(":") or (extra and _list_item(sentences[hi + 1].text)):
            hi, extra = hi + 1, extra + 1
            continue
        break
    return lo, hi


def _list_item(text: str) -> bool:
    """A bullet or enumerated line of a list."""
    t = text.lstrip()
    return t[:1] in "-•·*" or bool(t[:3].rstrip(".) ").isdigit())


def _part_for(piece: str, hits, per_hit, probs, parts: list[Part], settings: ComposeSettings,
              scope: str | None = None) -> Part | None:
    """A sentence that answers a part of the question the chosen runs leave open, or None.

    With a region asked or named, its passages may answer a part too ("… en pakken de gemeenten in
    Drenthe het PVT regionaal op?"): that part is the region's own arrangement, which otherwise only
    came as the region's best run, chosen for the whole question rather than for this part."""
    from assistant.qtype import asked_types, states
    from assistant.sentences import token_set  # memoised: this runs for every question, over three passages

    wanted = set(tokens(piece))
    kinds = asked_types(piece)
    used = {(p.hit.chunk.chunk_id, s.start) for p in parts for s in p.run}
    # Answered already when one quoted sentence holds most of its words and the kind of fact asked:
    # words spread over the whole answer (two scopes' runs say a lot) do not answer it.
    if wanted and any(len(wanted & token_set(s.text)) >= 0.6 * len(wanted) and (not kinds or kinds & states(s.text))
                      for p in parts for s in p.run):
        return None
    best, best_score = None, settings.second_part
    scopes = _quotable_scopes(parts, scope)
    for hit, sentences, ps in zip(hits, per_hit, probs):
        if hit.chunk.scope not in scopes:  # no other region's text slipped in for a part of the question
            continue
        for i, (s, p) in enumerate(zip(sentences, ps)):
            if (hit.chunk.chunk_id, s.start) in used or p < settings.part_floor:
                continue
            share = len(wanted & token_set(s.text)) / max(1, len(wanted))
            # The scorer's probability counts for more than shared words: a sentence repeating the
            # question's words often states nothing new (cross-fitted dev, with the floor: 0.5p + share
            # 0.715 key facts / 137 words per answer; p + 0.5 share 0.722 / 140).
            score = p + 0.5 * share + (0.3 if kinds & states(s.text) else 0.0)
            if score > best_score:
                best, best_score = (hit, sentences, i), score
    if best is None:
        return None
    # Widened like a run: a sentence opening with "Dit", "Daarom", "En" quoted on its own lost what it
    # points back to (68 of 997 dev answers quoted a passage mid-way from such a word).
    hit, sentences, i = best
    lo, hi = _complete(sentences, i, i)
    return Part(hit, sentences[lo:hi + 1])


def _place_tokens(scope: str) -> set[str]:
    """Keyword tokens of the place a scope stands for (its name, municipalities, abbreviations)."""
    from assistant.conversation import PLACES

    return set(tokens(" ".join([scope.split(":", 1)[1], *PLACES.get(scope, [])])))


def render(parts: list[Part]) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations in marker order. Parts from one passage (a
    run and a sentence added for a part of the question, or the runner-up's run) are one paragraph
    under one marker, in the passage's order: the same passage cited as [1] and [3] read as two
    sources."""
    from assistant.qtype import direct_answer

    lines, citations = [], []
    national_first = sorted(parts, key=lambda p: p.hit.chunk.scope != "national")  # stable: one scope keeps its order
    by_passage: dict[str, list[Part]] = {}
    for part in national_first:
        by_passage.setdefault(part.hit.chunk.chunk_id, []).append(part)
    # Regional or municipal text always carries its label, so it never reads as the national rule; a
    # mixed answer always holds some, so then the national text is labelled too.
    labelled = any(p.hit.chunk.scope != "national" for p in parts)
    for n, same in enumerate(by_passage.values(), start=1):
        chunk = same[0].hit.chunk
        spans = _spans(same)
        quotes = [chunk.text[a:b] for a, b in spans]
        text = " … ".join(readable(q) for q in quotes)
        # A quote opening with "Ja," or "Nee," answers its own entry's question, which may not be the
        # one asked ("Nee, op dit moment niet." from a sibling entry for "hoeveel uur opvang …?"):
        # the reader sees what the yes or no is to.
        if chunk.question and direct_answer(quotes[0]):
            text = f'Op de vraag "{readable(chunk.question)}" antwoordt de bron: {text}'
        if labelled:
            text = f"{scope_label(chunk.scope)}: {text}"
        lines.append(f"{text} [{n}]")
        # The citation's quote is the stretch of the passage the paragraph's sentences stand in.
        citations.append(citation(n, same[0].hit, chunk.text[spans[0][0]:spans[-1][1]]))
    return "\n\n".join(lines), citations


def _spans(parts: list[Part]) -> list[tuple[int, int]]:
    """The runs of parts from one passage as (start, end) in the passage, in its order; runs that
    overlap or only have white space between them are one span."""
    text = parts[0].hit.chunk.text
    spans: list[tuple[int, int]] = []
    for start, end in sorted((p.run[0].start, p.run[-1].end) for p in parts):
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


def citation(n: int, hit: Hit, quote: str) -> Citation:
    """The citation of a hit with the quote the answer used."""
    c = hit.chunk
    return Citation(
        n=n, chunk_id=c.chunk_id, document_id=c.document_id, document_title=c.document_title,
        publisher=c.publisher, kind=c.kind, scope=c.scope, section=c.section, question=c.question,
        update_date=c.update_date, quote=quote, text=c.text, url=c.url, score=round(hit.score, 4),
        version_date=c.version_date, start=c.start, end=c.end, label=scope_label(c.scope),
    )
