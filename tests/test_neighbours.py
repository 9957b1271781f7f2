"""Earlier (dev) questions as evidence: what ships is built from dev only, and a question never
finds itself or its near-copies while fitting or when dev is scored."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
FITTED = ROOT / "assistant" / "fitted"
DEV = ROOT / "eval" / "golden.jsonl"
TEST = ROOT / "eval" / "golden_test.jsonl"


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_fitted_file_was_fitted_on_the_current_dev_split():
    # A dev question added or changed without refitting would leave models fitted on another set.
    dev_hash = hashlib.sha256(DEV.read_bytes()).hexdigest()
    for name in ("ranker", "sentences", "answerability", "neighbours"):
        spec = json.loads((FITTED / f"{name}.json").read_text(encoding="utf-8"))
        assert spec["fitted_on"]["split"] == "dev", name
        assert spec["fitted_on"]["sha256"] == dev_hash, f"{name}.json was fitted on another dev file: refit"


def test_shipped_questions_are_dev_only_and_labelled_as_dev_says():
    from assistant.neighbours import load_neighbours

    dev = _lines(DEV)
    test_ids = {it["id"] for it in _lines(TEST)}
    n = load_neighbours()
    whole = [q for q in n.ids if "#" not in q]  # then the parts of two-part questions ("<id>#<k>")
    assert n.ids[:len(whole)] == whole == [it["id"] for it in dev]
    answerable = {it["id"] for it in dev if it["expected"] == "answer"}
    assert {q.partition("#")[0] for q in n.ids[len(whole):]} <= answerable
    assert not test_ids & {q.partition("#")[0] for q in n.ids}
    assert n.answerable.tolist() == [float(q.partition("#")[0] in answerable) for q in n.ids]
    assert np.allclose(np.linalg.norm(n.vectors, axis=1), 1.0, atol=1e-2)
    assert {q for q in n.answered_in if "#" not in q} == answerable


def test_no_dev_question_is_a_near_copy_of_a_test_question():
    # Dev grew after test was fixed (the "dd" to "dk" questions, "dl" to "do" when merged); near-copies of test questions (text
    # similarity > 0.75, whole conversation or bare question) were left out of what was added.
    from eval.golden import load_golden, near_copy

    tests = load_golden(TEST)
    added = [it for it in load_golden(DEV) if it.id.startswith(("dd", "de", "df", "dg", "dh", "di", "dj", "dk",
                                                                "dl", "dm", "dn", "do"))]
    assert len(added) >= 590
    for it in added:
        for t in tests:
            assert not near_copy(it, t), f"{it.id} is a near-copy of test question {t.id}: {it.question!r}"


def test_a_hidden_question_and_its_near_copies_are_not_consulted():
    from assistant.neighbours import load_neighbours

    n = load_neighbours()
    some = next(q for q, copies in n.near.items() if copies)
    row = n.ids.index(some)
    own = n.vectors[row]
    assert np.argmax(n.similarities(own)) == row  # visible: it is its own nearest question
    n.hide(some)
    sims = n.similarities(own)
    hidden = [n.ids.index(q) for q in [some, *n.near[some]]]
    assert np.isneginf(sims[hidden]).all() and np.isfinite(np.delete(sims, hidden)).all()
    assert 0.0 <= n.unanswered_share(own) <= 1.0
    n.hide(None)
    assert np.isfinite(n.similarities(own)).all()


def test_the_ranker_sees_how_near_the_nearest_earlier_question_is(assistant):
    from assistant.features import FEATURES

    r = assistant.retriever
    n = r.neighbours
    some = next(q for q, copies in n.near.items() if copies and "#" not in q)
    own = n.vectors[n.ids.index(some)]
    assert n.nearest_similarity(own) == pytest.approx(1.0, abs=1e-4)  # visible: itself
    n.hide(some)
    try:
        hidden = n.nearest_similarity(own)
    finally:
        n.hide(None)
    assert 0.0 < hidden < n.nearest_similarity(own)
    # The same value in every candidate's row of the ranker's features.
    question = "hoeveel uur taal moet iemand in de z-route volgen?"
    dense, _ = r.dense_scores(question)
    bm25 = r.data.keywords.scores(r.prepare(question))
    fused = r.fused(dense, bm25, None)
    cands = np.argsort(-fused)[:5]
    near = r.features(question, cands, dense, bm25, fused, None)[:, FEATURES.index("asked_near")]
    assert near == pytest.approx([n.nearest_similarity(r.query_vector(question))] * 5, abs=1e-6)
    assert 0.8 < near[0] <= 1.0 + 1e-6


def test_a_passage_that_answered_the_nearest_earlier_question_gets_its_vote(assistant):
    from assistant.service import plan

    r = assistant.retriever
    item = next(it for it in _lines(DEV) if it["id"] == "g002")  # verordening inburgering
    query, _ = plan(item["question"], item.get("history"), None)
    chunk = r.neighbours.answered_in["g002"][0]
    cands = np.asarray([r.position[chunk]])
    vote, first = r.asked_before(r.query_vector(query), cands, None)
    assert first[0] == 1.0 and 0.0 < vote[0] <= 1.0  # visible, it is its own nearest question
    r.neighbours.hide("g002")
    try:
        vote_hidden, _ = r.asked_before(r.query_vector(query), cands, None)
    finally:
        r.neighbours.hide(None)
    assert vote_hidden[0] < vote[0]


@pytest.mark.parametrize("question, noun, stated", [
    ("hoeveel minuten duurt de toets?", "minuten", "De uitslag is binnen 48 uur beschikbaar."),
    ("welk percentage haalt het examen?", "%", "Daarover zijn geen cijfers bekend."),
])
def test_a_count_asked_needs_a_figure_of_that(question, noun, stated):
    from assistant.qtype import counted, counts

    assert counted(question) == noun
    assert not counts(stated, noun)
    assert counts("twee gratis examenpogingen", "pogingen") and counts("60 % van hen", "%")


def test_an_earlier_question_about_a_place_votes_only_for_questions_about_that_place(assistant):
    # A Drenthe-named question was answered by the AMRD's own arrangements; the same question asked
    # without a place wants the national rule, so its vote on where the answer is does not count
    # there. Whether it was answered still counts for every question (unanswered_share).
    from assistant.neighbours import Neighbours
    from assistant.service import plan

    r = assistant.retriever
    shipped = r.neighbours
    # The places as train_neighbours records them (the shipped file may predate them).
    planned = {it["id"]: plan(it["question"], it.get("history"), it.get("scope")) for it in _lines(DEV)}
    scopes = {q: scope for q, (_, scope) in planned.items() if scope not in (None, "national")}
    n = Neighbours(shipped.vectors, shipped.answerable, shipped.ids, shipped.near, shipped.answered_in,
                   shipped.facts_in, scopes)
    item = next(q for q in n.ids if q in scopes and n.facts_in.get(q) and f"{q}#1" not in n.ids
                and np.argmax(n.similarities(r.query_vector(planned[q][0]))) == n.ids.index(q))
    row, (query, scope) = n.ids.index(item), planned[item]
    vector = r.query_vector(query)
    assert n.nearest(vector)[0][0] == row  # it is its own nearest question
    assert n.voters(vector, scope)[0][0] == row
    assert row not in [j for j, _ in n.voters(vector, None)]
    assert row not in [j for j, _ in n.voters(vector, "national")]
    chunk_id, start = n.facts_in[item][0]
    assert n.sentence_votes(vector, scope)[(chunk_id, start)] > 0.0
    r.neighbours = n
    try:
        vote, first = r.asked_before(vector, np.asarray([r.position[chunk_id]]), scope)
        _, first_any = r.asked_before(vector, np.asarray([r.position[chunk_id]]), None, any_place=True)
    finally:
        r.neighbours = shipped
    assert first[0] == 1.0 and vote[0] > 0.0
    assert first_any[0] == 1.0  # answerability's "did this passage answer them" counts every place


def test_an_earlier_two_part_question_votes_by_its_parts_for_a_question_answered_from_one_passage(assistant):
    # A two-part dev question voting whole gave the passage of its second part to new questions like
    # its first part ("hoeveel uur participatie in de Z-route?" got the entry on which hours count).
    # For a question answered from one passage its parts vote apart, each for its own evidence; for one
    # answered from several it votes whole; whether it was answered is asked of the whole.
    from assistant.fitted.train_neighbours import part_rows
    from assistant.neighbours import Neighbours
    from assistant.service import plan
    from eval.golden import load_golden

    r = assistant.retriever
    shipped = r.neighbours
    whole = [q for q in shipped.ids if "#" not in q]
    dev = {it.id: it for it in load_golden(DEV)}
    # Rows for every two-part question as train_neighbours builds them (the shipped file may predate them).
    rows = []
    for q in whole:
        rows += part_rows(r, dev[q], plan(dev[q].question, dev[q].history, dev[q].scope)[0])
    assert len(rows) >= 100
    keep = len(whole)
    n = Neighbours(np.vstack([shipped.vectors[:keep], *[v for _, v, _, _ in rows]]),
                   np.concatenate([shipped.answerable[:keep], np.ones(len(rows), dtype=np.float32)]),
                   whole + [row for row, _, _, _ in rows], shipped.near,
                   {**{q: c for q, c in shipped.answered_in.items() if "#" not in q}, **{row: c for row, _, c, _ in rows}},
                   {**{q: f for q, f in shipped.facts_in.items() if "#" not in q}, **{row: f for row, _, _, f in rows}})
    old = Neighbours(shipped.vectors[:keep], shipped.answerable[:keep], whole, shipped.near,
                     {q: n.answered_in[q] for q in whole if q in n.answered_in},
                     {q: n.facts_in[q] for q in whole if q in n.facts_in})  # every question voting whole

    def row_of(neighbours, q):
        return neighbours.ids.index(q)

    # A question worded as the first part of one whose parts were answered in different passages, where
    # that question voted whole for the second part's passage too.
    for row1, vector1, first, _ in rows:
        item = row1.partition("#")[0]
        only_second = [c for c in n.answered_in.get(f"{item}#2", []) if c not in first and c in r.position]
        if (row1.endswith("#1") and first and only_second and row_of(old, item) in dict(old.voters(vector1, None))
                and row_of(n, f"{item}#2") not in dict(n.voters(vector1, None))):
            break
    else:
        pytest.fail("no two-part dev question to check")
    voters = dict(n.voters(vector1, None))
    assert row_of(n, row1) in voters and row_of(n, item) not in voters
    positions = np.asarray([r.position[c] for c in only_second])
    r.neighbours = old
    try:
        before, _ = r.asked_before(vector1, positions, None)
        r.neighbours = n
        after, _ = r.asked_before(vector1, positions, None)
    finally:
        r.neighbours = shipped
    assert (after < before).all()  # the second part's passage lost the first part's vote
    # Whether it was answered is asked of whole questions: no part is among the nearest.
    assert all("#" not in n.ids[j] for j, _ in n.nearest(vector1))
    # A question answered from several passages meets earlier two-part questions whole: two parts, or
    # a place named (the region's own arrangement next to the national rule).
    from assistant.neighbours import votes_whole

    assert votes_whole("hoeveel uur taal zit erin en wie betaalt dat?", None)
    assert votes_whole("hoe verdelen de inburgeraars zich over de leerroutes in drenthe?", "regio:amrd")
    assert not votes_whole("hoeveel uur moet iemand in de z-route aan participatie doen?", None)
    assert not votes_whole("hoeveel uur moet iemand in de z-route aan participatie doen?", "national")
    whole_vector = n.vectors[row_of(n, item)]
    assert row_of(n, item) in dict(n.voters(whole_vector, None, whole=True))
    assert all("#" not in n.ids[j] for j, _ in n.voters(whole_vector, None, whole=True))
    assert {row_of(n, item), row_of(n, row1), row_of(n, f"{item}#2")} <= n.rows_of(item)  # hidden together
