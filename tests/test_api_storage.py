"""Sessions, feedback and the audit log survive a restart, on SQLite (WAL) and on a real PostgreSQL."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from tests.api_support import service_settings


def _write_then_restart_and_read(index_settings, assistant, db_url: str) -> None:
    settings = service_settings(index_settings, db_url)
    with TestClient(create_app(settings, assistant=assistant)) as first:
        a1 = first.post("/v1/chat", json={"question": "Wat is het PIP?"}).json()
        a2 = first.post("/v1/chat", json={"question": "en voor statushouders?",
                                           "session_id": a1["session_id"]}).json()
        first.post("/v1/feedback", json={"answer_id": a2["answer_id"], "rating": "up", "comment": "Helder"})
        one_off = first.post("/v1/ask", json={"question": "Wat is de Z-route?"}).json()

    # A new app on the same database: nothing is lost.
    with TestClient(create_app(settings, assistant=assistant)) as second:
        session = second.get(f"/v1/sessions/{a1['session_id']}").json()
        assert [t["answer"]["answer_id"] for t in session["turns"]] == [a1["answer_id"], a2["answer_id"]]
        assert session["turns"][1]["answer"]["citations"] == a2["citations"]
        store = second.app.state.service.store
        assert [(f.rating, f.comment) for f in store.feedback(a2["answer_id"])] == [("up", "Helder")]
        audited = {row.answer_id for row in store.audit_log()}
        assert {a1["answer_id"], a2["answer_id"], one_off["answer_id"]} <= audited
        # The conversation goes on where it stopped.
        a3 = second.post("/v1/chat", json={"question": "Hoe lang duurt dat?", "session_id": a1["session_id"]})
        assert a3.status_code == 200
        assert len(second.get(f"/v1/sessions/{a1['session_id']}").json()["turns"]) == 3


def test_sqlite_uses_wal_and_survives_restart(index_settings, assistant, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'var' / 'service.sqlite3'}"
    _write_then_restart_and_read(index_settings, assistant, db_url)
    from api.db import make_engine

    with make_engine(db_url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.fixture
def postgres_url(fresh_postgres):
    """A new database on the session's PostgreSQL server (tests/conftest.py)."""
    return fresh_postgres


def test_postgresql_survives_restart(index_settings, assistant, postgres_url):
    _write_then_restart_and_read(index_settings, assistant, postgres_url)
    from api.db import make_engine

    with make_engine(postgres_url).connect() as conn:
        assert conn.execute(text("select version()")).scalar().startswith("PostgreSQL")
        assert conn.execute(text("select count(*) from audit_log")).scalar() >= 4
