"""Run the golden set through every system and collect per-item results and summaries."""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from eval.citations import SourceTexts, citation_problems
from eval.golden import GoldenItem, norm
from eval.metrics import evidence_ranks, first_relevant, missing_facts, ndcg_at
from eval.nearness import band, nearness
from eval.summary import summarise
from eval.systems import AssistantSystem, CrossFitted, Passage, RelevanceIndex, Run, System, weighted

log = logging.getLogger(__name__)
K = 10
# Order of the side-by-side table: plain baselines first, the full assistant last.
SYSTEMS = ("bm25-windows", "llamaindex-default", "dense-only", "bm25-only", "fusion", "assistant")


@dataclass
class ItemResult:
    """One system's outcome on one golden item (in the JSON report, for inspecting failures)."""

    id: str
    kind: str
    in_scope: bool
    question: str = ""
    tags: list[str] = field(default_factory=list)
    rank: int | None = None  # of the first relevant passage, within the top K
    evidence_ranks: list[int | None] = field(default_factory=list)
    ndcg: float | None = None
    reachable: bool | None = None  # some passage of the system's collection holds the evidence
    refused: bool = False
    status: str | None = None  # answer | uncertain | refused
    mixed_scope: bool = False  # the evidence spans a national and a regional/municipal source
    both_cited: bool | None = None  # every evidence string is in a cited passage
    missing: list[str] = field(default_factory=list)
    citation_problems: list[str] = field(default_factory=list)
    update_date_ok: bool | None = None
    consistent: bool | None = None
    latency_ms: float = 0.0
    top: dict | None = None  # what the system ranked first
    expected: dict | None = None  # the first passage of the collection that holds the evidence
    answer: str | None = None
    top_ids: list[str] = field(default_factory=list)
    dev_nearness: float | None = None  # cosine to the nearest dev question the assistant may use (eval/nearness.py)
    ragas: dict = field(default_factory=dict)
    error: str | None = None


@dataclass
class Context:
    """What scoring needs besides the system: the sources and the optional ragas scorer."""

    sources: SourceTexts
    scorer: object = None
    k: int = K
    scopes: dict = field(default_factory=dict)  # document id -> scope
    nearness: dict = field(default_factory=dict)  # item id -> cosine to the nearest dev question


def build_systems(names: list[str], assistant, settings, fit=None) -> list[System]:
    """The named systems, in table order; baselines are built (and embedded) here. With `fit` (a
    cross-fit on this golden set) the assistant answers each question with its fold's models."""
    from eval.baselines import LlamaIndexDefault, WindowBM25

    docs = SourceTexts(settings.corpus_dir).documents()
    makers: dict[str, Callable[[], System]] = {
        "bm25-windows": lambda: WindowBM25(docs),
        "llamaindex-default": lambda: LlamaIndexDefault(
            docs, assistant.retriever.embedder, settings.cache_dir / "baseline-embeddings.sqlite"),
        "dense-only": lambda: weighted(assistant, "dense-only", 1.0, 0.0),
        "bm25-only": lambda: weighted(assistant, "bm25-only", 0.0, 1.0),
        # The hand-set fusion the fitted ranker replaced, everything else equal.
        "fusion": lambda: weighted(assistant, "fusion", assistant.retriever.weights.dense,
                                   assistant.retriever.weights.bm25),
        "assistant": lambda: CrossFitted(assistant, fit=fit) if fit else AssistantSystem(assistant),
    }
    unknown = set(names) - set(makers)
    if unknown:
        raise ValueError(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    return [makers[n]() for n in SYSTEMS if n in names]


def score_item(item: GoldenItem, run: Run, relevance: RelevanceIndex, ctx: Context) -> ItemResult:
    """Turn one run into an ItemResult."""
    res = ItemResult(item.id, item.kind, item.in_scope, item.question, tags=list(item.tags),
                     latency_ms=run.seconds * 1000,
                     consistent=run.consistent, top_ids=[p.id for p in run.passages[:5]])
    res.top = where(run.passages[0]) if run.passages else None
    if item.id in ctx.nearness:
        res.dev_nearness = round(ctx.nearness[item.id], 4)
        res.tags.append(band(ctx.nearness[item.id]))
    if item.in_scope:
        passages = run.passages[:ctx.k]
        res.evidence_ranks = evidence_ranks([p.text for p in passages], item.evidences)
        res.rank, res.ndcg = first_relevant(res.evidence_ranks), ndcg_at(res.evidence_ranks, ctx.k)
        relevant = relevance.ids_with(item.evidences)
        res.reachable = bool(relevant)
        main = relevance.ids_with(item.evidences[:1]) or relevant
        res.expected = where(relevance.get(main[0])) if main else {"document_id": item.document_id}
        if ctx.scorer:
            res.ragas = ctx.scorer.retrieval([(p.id, p.text) for p in passages], relevant, item.evidences)
    if run.answer is not None:
        score_answer(item, run, res, ctx)
    return res


def asks_for_place(item: GoldenItem) -> bool:
    """The item names a region or municipality (question or history), or carries a scope."""
    from assistant.conversation import place_scope

    if "national+regional" in item.tags or (item.scope and item.scope != "national"):
        return True
    return any(place_scope(t) for t in [*item.history, item.question])


def where(p: Passage) -> dict:
    """Where a passage stands, for reading failures: document, section, question, text start."""
    return {"id": p.id, "document_id": p.document_id, "section": p.section, "question": p.question,
            "update_date": p.update_date, "text": " ".join(p.text.split())[:240]}


def score_answer(item: GoldenItem, run: Run, res: ItemResult, ctx: Context) -> None:
    """Answer-level checks: refusal, must_contain, citations, update date."""
    answer = run.answer
    res.refused, res.answer = answer.refused, answer.answer
    res.status = getattr(answer, "status", "refused" if answer.refused else "answer")
    res.citation_problems = citation_problems(answer, ctx.sources)
    if not item.in_scope:
        return
    scopes = {ctx.scopes.get(d, "national") == "national" for d in item.documents}
    # Both sources are owed only where the question (or its conversation) names the place or the user
    # set a scope; otherwise the national answer is meant to stand alone.
    res.mixed_scope = len(scopes) > 1 and asks_for_place(item)
    if len(item.evidences) > 1:
        cited = [] if answer.refused else [norm(c.text) for c in answer.citations]
        res.both_cited = all(any(ev in t for t in cited) for ev in item.evidences)
    # A refusal states no facts, even when its suggestions happen to mention them.
    # An answer labelled "possibly not an answer" is not one a user would act on: its facts do not count.
    stated = not answer.refused and res.status != "uncertain"
    res.missing = missing_facts(answer.answer, item.must_contain) if stated else list(item.must_contain)
    if ctx.scorer:
        res.ragas["ragas_string_presence"] = 0.0 if answer.refused else ctx.scorer.answer(
            answer.answer, item.must_contain)
    if item.document_id == "divosa-qa" and item.update_date and not answer.refused:
        first = answer.citations[0] if answer.citations else None
        res.update_date_ok = bool(first and first.update_date == item.update_date)


def run_system(system: System, items: list[GoldenItem], ctx: Context,
               progress: Callable[[int], None] | None = None) -> list[ItemResult]:
    """Every item through one system; an exception on one item is recorded, not raised."""
    relevance = RelevanceIndex(system.collection())
    results = []
    for item in items:
        try:
            results.append(score_item(item, system.run(item, ctx.k), relevance, ctx))
        except Exception as exc:  # one broken item must not hide the other results
            log.exception("%s failed on %s", system.name, item.id)
            results.append(ItemResult(item.id, item.kind, item.in_scope, item.question, error=repr(exc),
                                      missing=list(item.must_contain) if item.in_scope else []))
        if progress:
            progress(1)
    return results


def evaluate(items: list[GoldenItem], systems: list[System], ctx: Context,
             progress: Callable[[str, int], None] | None = None) -> dict:
    """The full evaluation: per system a summary (overall and per kind) and the per-item results."""
    report: dict = {"created_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "items": len(items),
                    "k": ctx.k, "systems": [], "summary": {}, "details": {}}
    for system in systems:
        started = time.perf_counter()
        tick = (lambda n, s=system.name: progress(s, n)) if progress else None
        results = run_system(system, items, ctx, tick)
        report["systems"].append({"name": system.name, "description": system.description,
                                  "refuses": system.refuses,
                                  "seconds": round(time.perf_counter() - started, 1)})
        report["summary"][system.name] = summarise(results, system.refuses)
        report["details"][system.name] = [asdict(r) for r in results]
    return report


def run_eval(settings, golden: Path, names: list[str], limit: int | None = None, assistant=None,
             progress: Callable[[str, int], None] | None = None, crossfit: bool = False) -> dict:
    """Load what is needed, evaluate the named systems on the golden set, and check the gate.

    crossfit: the golden set is dev, and the assistant's models are refitted per fold without it
    (assistant/fitted/crossfit.py, a few minutes) so its figures are out of sample."""
    from assistant.service import Assistant
    from eval.bench import environment
    from eval.gates import as_dict, check
    from eval.golden import load_golden
    from eval.ragas_metrics import load_ragas

    items = load_golden(golden, limit)
    assistant = assistant or Assistant.from_settings(settings)
    scorer, ragas_error = load_ragas()
    fit = None
    if crossfit and "assistant" in names:
        from assistant.fitted.crossfit import crossfit as cross_fit

        if any(i.split != "dev" for i in items):
            raise ValueError("cross-fitting is for the dev split only; test is only scored")
        fit = cross_fit(assistant, items)
    systems = build_systems(names, assistant, settings, fit)
    from ingest.manifest import load_manifest

    scopes = {m.id: m.scope for m in load_manifest(settings.corpus_dir)}
    ctx = Context(SourceTexts(settings.corpus_dir), scorer, scopes=scopes, nearness=nearness(assistant, items))
    report = evaluate(items, systems, ctx, progress)
    meta = assistant.retriever.data.meta
    report.update(golden=str(golden), crossfit=fit is not None, in_scope=sum(i.in_scope for i in items),
                  ragas_error=ragas_error,
                  index_built_at=meta.get("built_at"), corpus_hash=meta.get("corpus_hash"),
                  environment=environment())
    if "assistant" in report["summary"]:
        report["gate"] = {"thresholds": as_dict(), "failures": check(report["summary"]["assistant"]["overall"])}
    return report
