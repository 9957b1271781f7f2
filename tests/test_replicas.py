"""Two `inburgering serve` processes on one PostgreSQL: limits, sessions and feedback are shared."""
from __future__ import annotations

import contextlib
import json

import httpx
import pytest

from api.db import Store
from api.security import hash_key
from tests.api_support import uvicorn_server

KEY = "replica-sleutel"
Q = {"question": "Wat is het PIP?"}


@pytest.fixture(scope="module")
def replicas(index_settings, postgres_cluster):
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_cluster, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE wia_replicas"))
    engine.dispose()
    db_url = postgres_cluster.rsplit("/", 1)[0] + "/wia_replicas"
    store = Store(db_url)
    store.add_api_key("gedeeld", hash_key(KEY), rate_per_minute=6)
    store.add_api_key("ruim", hash_key(KEY + "-ruim"), rate_per_minute=10_000)
    store.close()
    env = {"INBURGERING_INDEX_DIR": str(index_settings.index_dir), "INBURGERING_CACHE_DIR": str(index_settings.cache_dir),
           "INBURGERING_DB_URL": db_url, "INBURGERING_WARMUP": "false", "INBURGERING_RATE_LIMIT_BURST": "4"}
    with contextlib.ExitStack() as stack:
        a = stack.enter_context(uvicorn_server(env))
        b = stack.enter_context(uvicorn_server(env))
        yield a, b, db_url


def test_a_keys_limit_holds_across_both_replicas(replicas):
    a, b, _ = replicas
    headers = {"X-API-Key": KEY}
    statuses = [httpx.get((a, b)[i % 2] + "/v1/documents", headers=headers, timeout=30).status_code
                for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]  # burst 4, shared: not 4 per replica


def test_a_chat_continues_on_the_other_replica_and_feedback_lands_once(replicas):
    a, b, db_url = replicas
    headers = {"X-API-Key": KEY + "-ruim"}
    first = httpx.post(a + "/v1/chat", json=Q, headers=headers, timeout=60).json()
    follow = httpx.post(b + "/v1/chat", json={"question": "en voor statushouders?",
                                              "session_id": first["session_id"]}, headers=headers, timeout=60)
    assert follow.status_code == 200, follow.text
    session = httpx.get(a + f"/v1/sessions/{first['session_id']}", headers=headers, timeout=30).json()
    assert [t["answer"]["answer_id"] for t in session["turns"]] == [first["answer_id"], follow.json()["answer_id"]]
    rating = {"answer_id": first["answer_id"], "rating": "up", "comment": "duidelijk"}
    ids = {httpx.post(url + "/v1/feedback", json=rating, headers=headers, timeout=30).json()["feedback_id"]
           for url in (a, b)}
    assert len(ids) == 1
    store = Store(db_url)
    try:
        assert [(f.rating, f.comment) for f in store.feedback(first["answer_id"])] == [("up", "duidelijk")]
    finally:
        store.close()


def test_a_key_made_while_both_run_works_on_both_at_once(replicas):
    a, b, db_url = replicas
    store = Store(db_url)
    store.add_api_key("later", hash_key("later-sleutel"), rate_per_minute=100)
    store.close()
    for url in (a, b):
        r = httpx.get(url + "/v1/documents", headers={"X-API-Key": "later-sleutel"}, timeout=30)
        assert r.status_code == 200, json.dumps(r.json())[:200]
