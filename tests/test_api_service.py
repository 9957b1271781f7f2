"""The JSON API over the real assistant and index: ask, chat, sessions, feedback, documents, sources, health."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api_support import service_settings

PIP = "Binnen hoeveel weken moet het PIP worden vastgesteld?"
CONTRACT_KEYS = {"question", "answer", "refused", "confidence", "mode", "citations", "as_of", "scope",
                 "warnings", "session_id", "latency_ms", "answer_id"}
CITATION_KEYS = {"n", "chunk_id", "document_id", "document_title", "publisher", "kind", "scope", "section",
                 "question", "update_date", "quote", "text", "url", "score"}


@pytest.fixture(scope="module")
def client(assistant, index_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "service.sqlite3"
    app = create_app(service_settings(index_settings, f"sqlite:///{db}"), assistant=assistant)
    with TestClient(app) as c:
        yield c


def test_ask_returns_the_answer_contract_with_citations(client):
    r = client.post("/v1/ask", json={"question": PIP})
    assert r.status_code == 200
    body = r.json()
    assert CONTRACT_KEYS <= body.keys()
    assert body["refused"] is False and body["citations"]
    assert body["answer_id"] and body["mode"] == "extractive"
    for c in body["citations"]:
        assert CITATION_KEYS <= c.keys()
        assert c["quote"] in c["text"]
        assert f"[{c['n']}]" in body["answer"]


def test_ask_with_history_as_of_and_scope(client):
    r = client.post("/v1/ask", json={"question": "en voor statushouders?", "history": [PIP],
                                      "as_of": "2023-05-16", "scope": "regio:amrd"})
    assert r.status_code == 200
    assert r.json()["as_of"] == "2023-05-16"


def test_out_of_scope_question_is_refused(client):
    body = client.post("/v1/ask", json={"question": "Hoe laat begint de voetbalwedstrijd vanavond?"}).json()
    assert body["refused"] is True


def test_chat_keeps_history_server_side(client):
    first = client.post("/v1/chat", json={"question": "Wat is het PIP?"}).json()
    sid = first["session_id"]
    assert sid
    follow = client.post("/v1/chat", json={"question": "en voor statushouders?", "session_id": sid})
    assert follow.status_code == 200 and follow.json()["session_id"] == sid
    # The follow-up alone would be meaningless: with the history it is answered.
    assert follow.json()["refused"] is False
    session = client.get(f"/v1/sessions/{sid}").json()
    assert [t["question"] for t in session["turns"]] == ["Wat is het PIP?", "en voor statushouders?"]
    assert session["turns"][1]["answer"]["answer_id"] == follow.json()["answer_id"]


def test_unknown_session_is_404_in_dutch(client):
    r = client.get("/v1/sessions/bestaat-niet")
    assert r.status_code == 404 and "Onbekend gesprek" in r.json()["detail"]


def test_feedback_is_stored(client):
    answer = client.post("/v1/ask", json={"question": PIP}).json()
    r = client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "down",
                                          "comment": "Mist de uitzondering"})
    assert r.status_code == 201 and r.json()["status"] == "ontvangen"
    rows = client.app.state.service.store.feedback(answer["answer_id"])
    assert [(f.rating, f.comment, f.channel) for f in rows] == [("down", "Mist de uitzondering", "api")]


def test_feedback_on_unknown_answer_is_404(client):
    r = client.post("/v1/feedback", json={"answer_id": "onbekend", "rating": "up"})
    assert r.status_code == 404 and "Onbekend antwoord" in r.json()["detail"]


def test_audit_log_records_question_answer_and_citations(client):
    answer = client.post("/v1/ask", json={"question": PIP}).json()
    row = next(a for a in client.app.state.service.store.audit_log() if a.answer_id == answer["answer_id"])
    assert row.question == PIP and row.answer == answer["answer"]
    assert [c["chunk_id"] for c in row.citations] == [c["chunk_id"] for c in answer["citations"]]
    assert row.created is not None and row.channel == "api" and row.key_id is None


def test_documents_lists_the_manifest(client, assistant):
    body = client.get("/v1/documents").json()
    ids = {d["id"] for d in body["documents"]}
    assert {d["id"] for d in assistant.retriever.data.meta["manifest"]} == ids
    assert sum(d["chunks"] for d in body["documents"]) == body["chunks"] == len(assistant.retriever.data.chunks)
    qa = next(d for d in body["documents"] if d["id"] == "divosa-qa")
    assert qa["newest_update_date"] and body["newest_update_date"] >= qa["newest_update_date"]


def test_source_shows_the_passage_in_its_document(client, assistant):
    chunk = next(c for c in assistant.retriever.data.chunks if c.start > 2000)
    body = client.get(f"/v1/sources/{chunk.chunk_id}").json()
    assert body["passage"] == chunk.text and body["chunk"]["chunk_id"] == chunk.chunk_id
    assert body["before"] and body["after"]
    assert body["context_start"] < chunk.start and body["context_end"] > chunk.end
    assert client.get("/v1/sources/bestaat-niet").status_code == 404


def test_source_viewer_page_highlights_the_quote_escaped(client):
    answer = client.post("/v1/ask", json={"question": PIP}).json()
    c = answer["citations"][0]
    page = client.get(f"/bron/{c['chunk_id']}", params={"citaat": c["quote"]})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<mark id="citaat">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    hostile = client.get(f"/bron/{c['chunk_id']}", params={"citaat": "<script>alert(1)</script>"})
    assert "<script>alert" not in hostile.text
    assert client.get("/bron/bestaat-niet").status_code == 404


def test_health_ready_metrics_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok", "detail": None}
    assert client.get("/readyz").status_code == 200
    client.post("/v1/ask", json={"question": "Hoe laat begint de voetbalwedstrijd vanavond?"})
    metrics = client.get("/metrics").text
    assert 'inburgering_http_requests_total{method="POST",route="/v1/ask",status="200"}' in metrics
    assert "inburgering_http_request_duration_seconds_bucket" in metrics
    assert 'inburgering_refusals_total{channel="api"}' in metrics
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/chat", "/v1/feedback", "/v1/documents", "/v1/sources/{chunk_id}",
            "/v1/sessions/{session_id}"} <= paths.keys()


def test_full_page_and_widget_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="nl">' in page.text and "/widget.js" in page.text
    js = client.get("/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert ".innerHTML" not in js.text  # the widget renders with textContent only
    assert client.get("/widget.css").status_code == 200


def test_readyz_is_503_until_the_index_is_loaded(index_settings, tmp_path):
    app = create_app(service_settings(index_settings, f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    with TestClient(app) as c:
        first = c.get("/readyz")
        assert first.status_code in (200, 503)
        if first.status_code == 503:
            assert first.json()["status"] == "loading"
            assert c.post("/v1/ask", json={"question": PIP}).status_code in (200, 503)
        assert app.state.service.wait_ready(120)
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/ask", json={"question": PIP}).status_code == 200


def test_readyz_reports_a_missing_index_in_dutch(index_settings, tmp_path):
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                index_dir=tmp_path / "geen-index")
    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 30
        while c.get("/readyz").json()["status"] == "loading" and time.monotonic() < deadline:
            time.sleep(0.05)
        r = c.get("/readyz")
        assert r.status_code == 503 and "Er is nog geen index" in r.json()["detail"]
        ask = c.post("/v1/ask", json={"question": PIP})
        assert ask.status_code == 503 and "index" in ask.json()["detail"]
        assert c.get("/healthz").status_code == 200


def test_feedback_last_click_wins_per_answer_and_key(client):
    answer = client.post("/v1/ask", json={"question": PIP}).json()
    aid = answer["answer_id"]
    first = client.post("/v1/feedback", json={"answer_id": aid, "rating": "up"})
    client.post("/v1/feedback", json={"answer_id": aid, "rating": "down"})
    last = client.post("/v1/feedback", json={"answer_id": aid, "rating": "down",
                                             "comment": "Termijn ontbreekt, bel 0612345678"})
    assert first.json()["feedback_id"] == last.json()["feedback_id"]
    store = client.app.state.service.store
    [row] = store.feedback(aid)
    assert (row.rating, row.comment) == ("down", "Termijn ontbreekt, bel […]")
    client.post("/v1/feedback", json={"answer_id": aid, "rating": "up"})
    assert [(f.rating, f.comment) for f in store.feedback(aid)] == [("up", None)]  # the comment went with its click
