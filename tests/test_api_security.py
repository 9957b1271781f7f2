"""API keys (hashed), the widget key limited to its sites (CORS allowlist), rate limit, open local mode."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiKeyConfig
from api.db import Store
from api.security import hash_key
from tests.api_support import service_settings

SERVER_KEY = "server-sleutel-123"
WIDGET_KEY = "widget-sleutel-456"
DB_KEY = "database-sleutel-789"
SITE = "https://intranet.gemeente.example"
QUESTION = {"question": "Wat is het PIP?"}


@pytest.fixture(scope="module")
def client(assistant, index_settings, tmp_path_factory):
    db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'keys.sqlite3'}"
    store = Store(db_url)
    store.add_api_key("beheer", hash_key(DB_KEY), rate_per_minute=6)
    store.close()
    settings = service_settings(index_settings, db_url, rate_limit_burst=100, api_keys=[
        ApiKeyConfig(id="server", sha256=hash_key(SERVER_KEY)),
        ApiKeyConfig(id="widget", sha256=hash_key(WIDGET_KEY), origins=[SITE])])
    with TestClient(create_app(settings, assistant=assistant)) as c:
        yield c


def test_keys_are_stored_only_as_hashes(client):
    rows = client.app.state.service.store.api_keys()
    assert [r.sha256 for r in rows] == [hash_key(DB_KEY)]
    assert all(DB_KEY not in str(vars(r)) for r in rows)


def test_without_a_key_v1_is_refused_in_dutch(client):
    r = client.post("/v1/ask", json=QUESTION)
    assert r.status_code == 401 and "API-sleutel" in r.json()["detail"]
    r = client.post("/v1/ask", json=QUESTION, headers={"X-API-Key": "fout"})
    assert r.status_code == 401
    assert client.get("/v1/documents").status_code == 401


def test_health_and_pages_stay_open(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/widget.js").status_code == 200


def test_valid_keys_from_settings_and_database(client):
    assert client.post("/v1/ask", json=QUESTION, headers={"X-API-Key": SERVER_KEY}).status_code == 200
    assert client.post("/v1/ask", json=QUESTION,
                       headers={"Authorization": f"Bearer {DB_KEY}"}).status_code == 200


def test_audit_records_the_key_id(client):
    answer = client.post("/v1/ask", json=QUESTION, headers={"X-API-Key": SERVER_KEY}).json()
    row = next(a for a in client.app.state.service.store.audit_log() if a.answer_id == answer["answer_id"])
    assert row.key_id == "server"


def test_widget_key_only_from_its_site(client):
    ok = client.post("/v1/chat", json=QUESTION, headers={"X-API-Key": WIDGET_KEY, "Origin": SITE})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == SITE
    elsewhere = client.post("/v1/chat", json=QUESTION,
                            headers={"X-API-Key": WIDGET_KEY, "Origin": "https://elders.example"})
    assert elsewhere.status_code == 403 and "websites" in elsewhere.json()["detail"]
    assert "access-control-allow-origin" not in elsewhere.headers
    no_origin = client.post("/v1/chat", json=QUESTION, headers={"X-API-Key": WIDGET_KEY})
    assert no_origin.status_code == 403


def test_cors_preflight_allowlist(client):
    headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-key"}
    ok = client.options("/v1/chat", headers={**headers, "Origin": SITE})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == SITE
    bad = client.options("/v1/chat", headers={**headers, "Origin": "https://elders.example"})
    assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers


def test_sessions_belong_to_their_key(client):
    sid = client.post("/v1/chat", json=QUESTION, headers={"X-API-Key": SERVER_KEY}).json()["session_id"]
    assert client.get(f"/v1/sessions/{sid}", headers={"X-API-Key": SERVER_KEY}).status_code == 200
    assert client.get(f"/v1/sessions/{sid}", headers={"X-API-Key": DB_KEY}).status_code == 404
    r = client.post("/v1/chat", json={**QUESTION, "session_id": sid}, headers={"X-API-Key": DB_KEY})
    assert r.status_code == 404


def test_rate_limit_per_key_with_dutch_message(assistant, index_settings, tmp_path):
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'rate.sqlite3'}", rate_limit_burst=3,
                                api_keys=[ApiKeyConfig(id="traag", sha256=hash_key(DB_KEY), rate_per_minute=6),
                                          ApiKeyConfig(id="ander", sha256=hash_key(SERVER_KEY))])
    with TestClient(create_app(settings, assistant=assistant)) as client:
        headers = {"X-API-Key": DB_KEY}
        statuses = [client.get("/v1/documents", headers=headers).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
        r = client.get("/v1/documents", headers=headers)
        assert r.status_code == 429 and "Te veel vragen" in r.json()["detail"]
        assert int(r.headers["retry-after"]) >= 1
        # Another key has its own bucket.
        assert client.get("/v1/documents", headers={"X-API-Key": SERVER_KEY}).status_code == 200
        metrics = client.get("/metrics", headers={"X-API-Key": SERVER_KEY}).text.splitlines()
        line = next(x for x in metrics if x.startswith("inburgering_rate_limited_total"))
        assert float(line.split()[-1]) >= 2


def test_open_mode_without_keys(assistant, index_settings, tmp_path):
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'open.sqlite3'}")
    with TestClient(create_app(settings, assistant=assistant)) as c:
        r = c.post("/v1/ask", json=QUESTION, headers={"Origin": "http://localhost:5500"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://localhost:5500"
        # Open mode is for local use: a page on any other site may not call it from a browser.
        r = c.post("/v1/ask", json=QUESTION, headers={"Origin": "https://elders.example"})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
