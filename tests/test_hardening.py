"""Defects found by the production audit (issue 12): NUL characters, feedback, operator pages, open mode."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiKeyConfig
from api.security import hash_key
from tests.api_support import service_settings

KEY = "sleutel-een"
OTHER_KEY = "sleutel-twee"
KEYS = [ApiKeyConfig(id="een", sha256=hash_key(KEY)), ApiKeyConfig(id="twee", sha256=hash_key(OTHER_KEY))]
H1, H2 = {"X-API-Key": KEY}, {"X-API-Key": OTHER_KEY}
Q = {"question": "Wat is het PIP?"}


def _nul_requests(client, headers) -> list:
    answer = client.post("/v1/ask", json=Q, headers=headers).json()
    sid = client.post("/v1/chat", json=Q, headers=headers).json()["session_id"]
    return [
        client.post("/v1/ask", json={"question": "Wat is\u0000 het PIP?"}, headers=headers),
        client.post("/v1/ask", json={**Q, "history": ["eerder\u0000"]}, headers=headers),
        client.post("/v1/chat", json={"question": "PIP\u0000?"}, headers=headers),
        client.post("/v1/chat", json={**Q, "session_id": sid + "\u0000"}, headers=headers),
        client.get(f"/v1/sessions/{sid}%00", headers=headers),
        client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "up",
                                          "comment": "goed\u0000"}, headers=headers),
        client.post("/v1/feedback", json={"answer_id": answer["answer_id"] + "\u0000", "rating": "up"},
                    headers=headers),
    ]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_nul_character_is_a_dutch_422_on_both_databases(backend, assistant, index_settings, tmp_path, request):
    db_url = (f"sqlite:///{tmp_path / 'nul.sqlite3'}" if backend == "sqlite"
              else request.getfixturevalue("fresh_postgres"))
    settings = service_settings(index_settings, db_url, api_keys=KEYS)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        responses = _nul_requests(client, H1)
        assert [r.status_code for r in responses] == [422] * len(responses), [r.text for r in responses]
        details = [r.json()["detail"] for r in responses]
        assert all("NUL" in d or "ongeldig" in d for d in details), details


def test_the_store_drops_nul_on_postgresql_too(fresh_postgres):
    """Teams ids and texts do not pass the API schema: the store itself must cope with NUL."""
    from api.db import Store

    store = Store(fresh_postgres)
    try:
        session = store.open_session("19:abc\u0000def@thread", "teams", None)
        assert store.get_session("19:abcdef@thread") is not None  # stored without the NUL
        store.add_turn(session.id, "vraag\u0000", {"answer_id": "a1", "answer": "x\u0000"}, None, None)
        assert store.history(session.id) == ["vraag"]
    finally:
        store.close()


@pytest.fixture(scope="module")
def keyed(assistant, index_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "hard.sqlite3"
    settings = service_settings(index_settings, f"sqlite:///{db}", api_keys=KEYS, rate_limit_burst=1000)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        yield client


def test_feedback_lands_once_per_answer_and_only_from_its_key(keyed):
    answer_id = keyed.post("/v1/ask", json=Q, headers=H1).json()["answer_id"]
    first = keyed.post("/v1/feedback", json={"answer_id": answer_id, "rating": "up"}, headers=H1)
    again = keyed.post("/v1/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "toch niet"},
                       headers=H1)
    assert first.status_code == again.status_code == 201
    assert first.json()["feedback_id"] == again.json()["feedback_id"]
    rows = keyed.app.state.service.store.feedback(answer_id)
    assert [(r.rating, r.comment) for r in rows] == [("down", "toch niet")]  # the later rating replaced it
    stranger = keyed.post("/v1/feedback", json={"answer_id": answer_id, "rating": "up"}, headers=H2)
    assert stranger.status_code == 404 and "Onbekend antwoord" in stranger.json()["detail"]
    assert len(keyed.app.state.service.store.feedback(answer_id)) == 1


@pytest.mark.parametrize("path", ["/metrics", "/docs", "/openapi.json"])
def test_operator_pages_need_a_key_when_keys_exist(keyed, path):
    refused = keyed.get(path)
    assert refused.status_code == 401 and "API-sleutel" in refused.json()["detail"]
    assert keyed.get(path, headers=H1).status_code == 200
    assert keyed.get(path, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


def test_operator_pages_can_be_made_public(assistant, index_settings, tmp_path):
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'p.sqlite3'}", api_keys=KEYS,
                                public_metrics=True, public_docs=True)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        assert [client.get(p).status_code for p in ("/metrics", "/docs", "/openapi.json")] == [200] * 3
        metrics_op = client.get("/openapi.json").json()["paths"]["/metrics"]["get"]
        assert {} in metrics_op["security"]  # declared optional, as it is


def test_openapi_says_what_the_server_does(keyed, assistant, index_settings, tmp_path):
    schema = keyed.get("/openapi.json", headers=H1).json()
    ask = schema["paths"]["/v1/ask"]["post"]
    assert {} not in ask["security"]  # keys are enforced here
    assert "413" in ask["responses"]
    question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    import re

    pattern = re.compile(question["pattern"])
    for blank in (" ", "\t\n", "\u00a0\u2003", "\x1c", ""):
        assert not pattern.search(blank)  # the schema itself says a blank question is invalid
        assert keyed.post("/v1/ask", json={"question": blank}, headers=H1).status_code == 422
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'o.sqlite3'}")
    with TestClient(create_app(settings, assistant=assistant)) as open_client:
        ask = open_client.get("/openapi.json").json()["paths"]["/v1/ask"]["post"]
        assert {} in ask["security"]  # without keys the key is optional, and the schema says so


def test_open_mode_limits_each_address(assistant, index_settings, tmp_path, caplog):
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'open.sqlite3'}",
                                open_rate_limit_burst=5, open_rate_limit_per_minute=6)
    with caplog.at_level("WARNING"), TestClient(create_app(settings, assistant=assistant)) as client:
        statuses = [client.get("/v1/documents").status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
        r = client.get("/v1/documents")
        assert "Te veel vragen" in r.json()["detail"] and int(r.headers["retry-after"]) >= 1
    assert "open mode" in caplog.text and "open modus" in caplog.text


def test_rate_limit_is_shared_by_apps_on_one_database(assistant, index_settings, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    settings = service_settings(index_settings, db_url, rate_limit_burst=4, api_keys=KEYS)
    with TestClient(create_app(settings, assistant=assistant)) as a, \
            TestClient(create_app(settings, assistant=assistant)) as b:
        statuses = [(a if i % 2 else b).get("/v1/documents", headers=H1).status_code for i in range(6)]
        assert statuses == [200, 200, 200, 200, 429, 429]


def test_a_key_and_its_site_made_on_another_replica_work_at_once(assistant, index_settings, tmp_path):
    from api.db import Store

    db_url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    settings = service_settings(index_settings, db_url, api_keys=KEYS)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        client.get("/v1/documents", headers=H1)  # the key cache is warm
        store = Store(db_url)
        store.add_api_key("nieuw", hash_key("nieuwe-sleutel"), origins=["https://nieuw.example"])
        store.close()
        r = client.post("/v1/chat", json=Q, headers={"X-API-Key": "nieuwe-sleutel", "Origin": "https://nieuw.example"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://nieuw.example"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "intranet.example"])
def test_serve_without_keys_refuses_a_non_loopback_address(host, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.config import get_service_settings
    from inburgering.cli import app

    monkeypatch.setenv("INBURGERING_DB_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    get_service_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--host", host, "--port", "1"])
    finally:
        get_service_settings.cache_clear()
    assert result.exit_code == 2
    assert "--allow-open" in result.output and "127.0.0.1" in result.output


def test_loopback_addresses_are_recognised():
    from api.cli import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.org"))
