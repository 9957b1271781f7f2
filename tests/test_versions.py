"""Document versions, as-of answers, the change feed, passage history, scope and staleness.

Real version data: the bundled Divosa Q&A plus a second version made as its publisher would
(eval/versions.py: one answer rewritten, one question added, one removed), both ingested.
"""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from eval.versions import (
    ADDED_QUESTION,
    QA_ID,
    REMOVED_QUESTION,
    UPDATED_QUESTION,
    V2_DATE,
    build_versioned_corpus,
)
from tests.api_support import service_settings

V1_DATE = "2024-03-12"
PIP_THIRD = "binnen hoeveel weken moet het PIP alsnog worden vastgesteld als we op informatie van een derde moesten wachten?"
DRENTHE = "hoe verdelen de inburgeraars zich over de leerroutes in drenthe?"
AMRD_SPLIT = "In de AMRD hanteren we daarom de volgende verdeling: 40% B1 route, 20% Onderwijsroute en 40% Z-route."


@pytest.fixture(scope="module")
def chunks(versioned_assistant):
    return versioned_assistant.retriever.data.chunks


def _n(text):
    """Whitespace-normalised (the source has non-breaking spaces in some questions)."""
    return " ".join((text or "").split())


def _qa(chunks, question, version_date):
    return next(c for c in chunks if c.document_id == QA_ID and _n(c.question) == _n(question)
                and c.version_date == version_date)


# -- versions ------------------------------------------------------------------------------------

def test_manifest_gives_each_version_its_validity(tmp_path):
    from inburgering.settings import ROOT
    from ingest.manifest import load_manifest

    versions = [v for v in load_manifest(build_versioned_corpus(ROOT / "corpus", tmp_path)) if v.id == QA_ID]
    assert [(v.version_date, v.valid_until) for v in versions] == [(V1_DATE, V2_DATE), (V2_DATE, None)]


def test_ingest_keeps_both_versions_and_embeds_only_the_changes(versioned_index, chunks):
    _, report = versioned_index
    assert [d.version_date for d in report.documents if d.document_id == QA_ID] == [V1_DATE, V2_DATE]
    # The first version is in the shared cache: at most the rewritten and the added entry are new
    # (none when an earlier run cached them already), out of some 2,200 vectors.
    assert report.embedded <= 10 < report.vectors
    old, new = _qa(chunks, UPDATED_QUESTION, V1_DATE), _qa(chunks, UPDATED_QUESTION, V2_DATE)
    assert (old.valid_from, old.valid_until) == ("2021-01-14", V2_DATE)
    assert (new.valid_from, new.valid_until, new.update_date) == (V2_DATE, None, V2_DATE)
    assert old.passage_key == new.passage_key and old.chunk_id != new.chunk_id
    assert not any(_n(c.question) == REMOVED_QUESTION for c in chunks if c.version_date == V2_DATE)


# -- as-of answers -------------------------------------------------------------------------------

def test_as_of_before_the_new_version_answers_from_the_old_one(versioned_assistant):
    answer = versioned_assistant.ask(PIP_THIRD, as_of="2024-01-01")
    assert not answer.refused and "binnen 2 weken" in answer.answer
    assert answer.citations[0].version_date == V1_DATE and "binnen 2 weken" in answer.citations[0].text
    assert any("gewijzigd in de versie van 1 juni 2024" in w for w in answer.warnings)


def test_without_as_of_the_newest_version_applies(versioned_assistant):
    answer = versioned_assistant.ask(PIP_THIRD)
    assert "binnen 4 weken" in answer.answer and "binnen 2 weken" not in answer.answer
    assert answer.citations[0].version_date == V2_DATE and answer.citations[0].update_date == V2_DATE


def test_as_of_before_any_version_says_no_version_was_valid(versioned_assistant):
    answer = versioned_assistant.ask("binnen hoeveel weken moet het PIP worden vastgesteld?", as_of="2020-06-01")
    assert answer.refused and answer.answer.startswith("Er was op 1 juni 2020 nog geen versie van")
    early = versioned_assistant.ask("binnen hoeveel weken moet het PIP worden vastgesteld?", as_of="2021-01-05")
    assert any("nog geen versie van 'Wet inburgering in vraag en antwoord'" in w for w in early.warnings)
    assert all(c.document_id != QA_ID for c in early.citations)


def test_entries_added_after_the_date_are_left_out_and_said_so(versioned_assistant):
    answer = versioned_assistant.ask("mag de brede intake ook via een beeldverbinding?", as_of="2024-03-01")
    assert all(_n(c.question) != ADDED_QUESTION for c in answer.citations)
    # Refused or answered from another entry, the answer says the entry came later.
    assert any("staat pas sinds 1 juni 2024" in w for w in answer.warnings + [answer.answer])
    now = versioned_assistant.ask("mag de brede intake ook via een beeldverbinding?")
    assert _n(now.citations[0].question) == ADDED_QUESTION


def test_a_passage_added_after_the_date_came_later(versioned_assistant, chunks):
    added = next(c for c in chunks if _n(c.question) == ADDED_QUESTION)
    notes = versioned_assistant.notes
    assert notes.came_later(added, "2024-03-01")
    assert not notes.came_later(added, "2024-07-01")
    assert not notes.came_later(added, None)
    # Before the document's first version, other documents may well have answered: not "came later".
    assert not notes.came_later(added, "2020-06-01")


def test_an_uncertain_answer_from_before_the_answer_existed_is_a_refusal(versioned_assistant, monkeypatch):
    # When the entry that answers was added to its document after the date, whatever stood there then is
    # only the nearest passage: the user is told the sources did not answer it then.
    from dataclasses import replace

    real = versioned_assistant.assess

    def uncertain(*args, **kwargs):
        parts, evidence = real(*args, **kwargs)
        return parts, replace(evidence, status="uncertain")

    monkeypatch.setattr(versioned_assistant, "assess", uncertain)
    early = versioned_assistant.ask("mag de brede intake ook via een beeldverbinding?", as_of="2024-03-01")
    assert early.status == "refused" and early.refused
    assert "staat pas sinds 1 juni 2024" in early.answer
    assert all(_n(c.question) != ADDED_QUESTION for c in early.citations)
    later = versioned_assistant.ask("mag de brede intake ook via een beeldverbinding?", as_of="2024-07-01")
    assert later.status == "uncertain"


def test_entry_updated_after_the_date_is_flagged(versioned_assistant):
    answer = versioned_assistant.ask("wanneer begint de termijn van 10 weken voor het PIP?", as_of="2022-01-01")
    assert any("na de gevraagde datum" in w and "20 april 2023" in w for w in answer.warnings)


def test_removed_passage_is_not_cited_now_and_the_answer_says_so(versioned_assistant):
    now = versioned_assistant.ask("kan de minister ons dwingen om regionaal samen te werken?")
    assert all(_n(c.question) != REMOVED_QUESTION for c in now.citations)
    assert any("verwijderd" in w for w in now.warnings)
    then = versioned_assistant.ask("kan de minister ons dwingen om regionaal samen te werken?", as_of="2024-01-01")
    assert _n(then.citations[0].question) == REMOVED_QUESTION


def test_batch_honours_as_of(versioned_assistant, tmp_path):
    from assistant.batch import run_batch

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in [{"id": "oud", "question": PIP_THIRD, "as_of": "2024-01-01"},
                                                     {"id": "nu", "question": PIP_THIRD}]) + "\n")
    assert run_batch(versioned_assistant, src, out) == 0
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["oud"]["as_of"] == "2024-01-01" and "2 weken" in rows["oud"]["answer"]
    assert "4 weken" in rows["nu"]["answer"]


# -- changes -------------------------------------------------------------------------------------

def test_change_feed_since_a_date(chunks):
    from ingest.changes import changes_since

    feed = changes_since(chunks, "2024-05-01")
    assert {(e.change, _n(e.question)) for e in feed.entries} == {("bijgewerkt", UPDATED_QUESTION),
                                                              ("toegevoegd", ADDED_QUESTION)}
    [version] = feed.versions
    assert (version.from_version, version.to_version) == (V1_DATE, V2_DATE)
    kinds = {c.change: c for c in version.changes}
    assert sorted(kinds) == ["gewijzigd", "toegevoegd", "verwijderd"] and len(version.changes) == 3
    assert _n(kinds["verwijderd"].question) == REMOVED_QUESTION and _n(kinds["toegevoegd"].question) == ADDED_QUESTION
    changed = kinds["gewijzigd"]
    assert "[-2-]{+4+}" in changed.diff_text
    assert {"op": "replace", "old": "2", "new": "4"} in [op.to_dict() for op in changed.diff]
    assert not changes_since(chunks, "2024-07-01").versions


def test_changes_command_prints_json(versioned_index, monkeypatch):
    from typer.testing import CliRunner

    from inburgering.cli import app
    from inburgering.settings import get_settings

    monkeypatch.setenv("INBURGERING_INDEX_DIR", str(versioned_index[0].index_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["changes", "--since", "2024-05-01", "--json"])
        bad = CliRunner().invoke(app, ["changes", "--since", "1 mei"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["versions"][0]["changes"]) == 3
    assert bad.exit_code != 0 and "geen geldige datum" in bad.output


def test_word_diff_renders_compactly():
    from ingest.word_diff import render_diff, word_diff

    ops = word_diff("een twee drie vier", "een twee  drie vijf zes")
    assert render_diff(ops) == "een twee drie [-vier-]{+vijf zes+}"
    assert render_diff(word_diff(" ".join(map(str, range(40))), " ".join(map(str, range(39))) + " x"), 3) \
        == "… 36 37 38 [-39-]{+x+}"


# -- API -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(versioned_index, versioned_assistant, tmp_path_factory):
    from api.app import create_app

    db = tmp_path_factory.mktemp("db-versions") / "service.sqlite3"
    app = create_app(service_settings(versioned_index[0], f"sqlite:///{db}"), assistant=versioned_assistant)
    with TestClient(app) as c:
        yield c


def test_api_changes(client):
    body = client.get("/v1/changes", params={"since": "2024-05-01"}).json()
    assert {_n(e["question"]) for e in body["entries"]} == {UPDATED_QUESTION, ADDED_QUESTION}
    assert [c["change"] for c in body["versions"][0]["changes"] if c["change"] == "gewijzigd"]
    bad = client.get("/v1/changes", params={"since": "gisteren"})
    assert bad.status_code == 422 and "geen geldige datum" in bad.json()["detail"]
    typo = client.get("/v1/changes", params={"since": "2024-05-01", "sinds": "2024-01-01"})
    assert typo.status_code == 422 and "Onbekende parameter" in typo.json()["detail"]


def test_api_history_of_a_passage(client, chunks):
    old = _qa(chunks, UPDATED_QUESTION, V1_DATE)
    body = client.get(f"/v1/sources/{old.chunk_id}/history").json()
    first, second = body["versions"]
    assert (first["version_date"], first["status"], first["update_date"]) == (V1_DATE, "nieuw", "2023-04-20")
    assert (second["version_date"], second["status"], second["update_date"]) == (V2_DATE, "gewijzigd", V2_DATE)
    assert "[-2-]{+4+}" in second["diff_text"] and "binnen 4 weken" in second["text"]
    removed = _qa(chunks, REMOVED_QUESTION, V1_DATE)
    assert [v["status"] for v in client.get(f"/v1/sources/{removed.chunk_id}/history").json()["versions"]] \
        == ["nieuw", "verwijderd"]
    assert client.get("/v1/sources/bestaat-niet/history").status_code == 404


def test_source_viewer_shows_how_the_passage_changed(client, chunks):
    new = _qa(chunks, UPDATED_QUESTION, V2_DATE)
    page = client.get(f"/bron/{new.chunk_id}").text
    assert "Hoe deze passage veranderde" in page and "<del>2</del> <ins>4</ins>" in page
    single = next(c for c in chunks if c.document_id == "amrd-uitvoeringskader")
    assert "Hoe deze passage veranderde" not in client.get(f"/bron/{single.chunk_id}").text


def test_chat_api_accepts_as_of(client):
    body = client.post("/v1/chat", json={"question": PIP_THIRD, "as_of": "2024-01-01"}).json()
    assert body["as_of"] == "2024-01-01" and "2 weken" in body["answer"]


# -- scope (bundled corpus) ----------------------------------------------------------------------

def test_question_naming_drenthe_shows_the_amrd_split_labelled(assistant):
    answer = assistant.ask(DRENTHE)
    assert answer.scope == "regio:amrd"
    regional = [p for p in answer.answer.split("\n\n") if p.startswith("Afspraak in de Arbeidsmarktregio Drenthe: ")]
    assert regional and AMRD_SPLIT in regional[0]  # the region's own split, under the region's label
    assert any(c.scope == "regio:amrd" and AMRD_SPLIT in c.text for c in answer.citations)


def test_municipal_scope_never_cites_another_region(assistant):
    answer = assistant.ask("hoe verdelen de inburgeraars zich over de leerroutes?", scope="gemeente:s-hertogenbosch")
    assert answer.citations and all(c.scope in ("national", "gemeente:s-hertogenbosch") for c in answer.citations)


def test_regional_text_is_labelled_and_warned_about_without_scope(assistant):
    answer = assistant.ask("welke gemeente doet de inkoop van de leerroutes voor de arbeidsmarktregio?")
    regional = [c for c in answer.citations if c.scope != "national"]
    for c in regional:
        assert f"{c.label}: " in answer.answer
        assert answer.scope == c.scope or any("geldt alleen daar" in w for w in answer.warnings)


def test_teams_scope_from_settings():
    from microsoft_agents.activity import Activity

    from api.teams_scope import teams_scope

    activity = Activity.model_validate({"type": "message", "text": "hoi", "conversation": {"id": "c1", "tenantId": "t1"},
                                        "channelData": {"tenant": {"id": "t1"}, "channel": {"id": "19:kanaal"}}})
    assert teams_scope(activity, {"t1": "regio:amrd"}) == "regio:amrd"
    assert teams_scope(activity, {"t1": "regio:amrd", "19:kanaal": "gemeente:s-hertogenbosch"}) == \
        "gemeente:s-hertogenbosch"
    assert teams_scope(activity, {"t1": "Drenthe!"}) is None and teams_scope(activity, {}) is None


# -- staleness -----------------------------------------------------------------------------------

def test_outdated_sources_are_marked_and_yield_a_little_in_ranking(assistant):
    from dataclasses import replace

    from assistant.staleness import stale_mask

    retriever = assistant.retriever
    mask = stale_mask(retriever.data.chunks, retriever.data.meta)
    marked = {c.document_id for c, m in zip(retriever.data.chunks, mask) if m}
    assert marked == {"handreiking-leerroutes", "amrd-uitvoeringskader", "bossche-inburgering",
                      "acvz-themabijeenkomsten"}
    query = "welke leerroutes zijn er in het nieuwe inburgeringsstelsel?"
    # The penalty is part of the fused score that picks the candidates (the fitted ranker then
    # reorders them and has no staleness feature of its own), so it is checked on the fusion.
    ranker, retriever.ranker = retriever.ranker, None
    with_penalty = {h.chunk.chunk_id: h.score for h in retriever.search(query, k=40)}
    plain = replace(retriever.weights, stale=0.0)
    original, retriever.weights = retriever.weights, plain
    try:
        without = {h.chunk.chunk_id: h.score for h in retriever.search(query, k=40)}
    finally:
        retriever.weights, retriever.ranker = original, ranker
    by_id = {c.chunk_id: c for c in retriever.data.chunks}
    for cid in with_penalty.keys() & without.keys():
        expected = original.stale if by_id[cid].document_id in marked else 0.0
        assert without[cid] - with_penalty[cid] == pytest.approx(expected, abs=1e-6)


def test_answer_citing_an_outdated_source_warns(assistant):
    answer = assistant.ask("wanneer zou de aanbesteding van de leerroutes in drenthe plaatsvinden?")
    assert any(c.document_id == "amrd-uitvoeringskader" for c in answer.citations)
    assert any(w.startswith("Let op:") and "Uitvoeringskader" in w for w in answer.warnings)
