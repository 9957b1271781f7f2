"""Retention: `inburgering purge` deletes turns, audit rows and feedback past their term, keeps the rest."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from api.db import AuditRow, ChatSession, FeedbackRow, Store, TurnRow


def _seed(store: Store) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    with store._session() as db, db.begin():
        for sid, days in (("oud", 120), ("nieuw", 2)):
            db.add(ChatSession(id=sid, channel="chat", created=ago(days), updated=ago(days)))
            db.flush()
            db.add(TurnRow(session_id=sid, position=1, question="Wat is het PIP?", answer_id=f"t-{sid}",
                           answer={}, created=ago(days)))
        for answer_id, days in (("a-400", 400), ("a-100", 100), ("a-1", 1)):
            db.add(AuditRow(created=ago(days), channel="api", answer_id=answer_id, question="q", answer="a",
                            citations=[], refused=False, redacted=[], latency_ms=1))
            db.add(FeedbackRow(answer_id=answer_id, rating="up", channel="api", created=ago(days)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_purge_removes_old_rows_and_keeps_recent_ones(backend, tmp_path, request, monkeypatch):
    from api.config import get_service_settings
    from inburgering.cli import app

    db_url = f"sqlite:///{tmp_path / 'r.sqlite3'}" if backend == "sqlite" else request.getfixturevalue("fresh_postgres")
    store = Store(db_url)
    _seed(store)
    monkeypatch.setenv("INBURGERING_DB_URL", db_url)
    get_service_settings.cache_clear()
    try:
        dry = CliRunner().invoke(app, ["purge", "--dry-run"])
        assert dry.exit_code == 0 and "Zou verwijderen: 1 auditregels" in dry.output, dry.output
        assert len(store.audit_log()) == 3  # a dry run changes nothing
        result = CliRunner().invoke(app, ["purge"])
    finally:
        get_service_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Verwijderd: 1 auditregels (ouder dan 365 dagen), 1 gespreksbeurten en 1 gesprekken" in result.output
    assert sorted(a.answer_id for a in store.audit_log()) == ["a-1", "a-100"]  # audit: 365 days
    assert store.get_session("oud") is None and store.turns("oud") == []  # turns: 90 days
    assert [t.answer_id for t in store.turns("nieuw")] == ["t-nieuw"]
    assert sorted(f.answer_id for f in store.feedback()) == ["a-1", "a-100"]  # feedback: 365 days
    store.close()


def test_retention_can_be_set_and_zero_keeps_everything(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'z.sqlite3'}")
    _seed(store)
    assert store.purge(0, 0, 0)["audit"] == 0 and len(store.audit_log()) == 3
    assert store.purge(30, 30, 30) == {"audit": 2, "turns": 1, "sessions": 1, "feedback": 2, "rate_buckets": 0}
    store.close()


def test_an_older_database_gets_the_one_feedback_per_answer_index_keeping_the_latest(tmp_path):
    from sqlalchemy import text

    db_url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    store = Store(db_url)
    with store.engine.begin() as conn:  # as a database made before issue 12: no unique index, duplicates
        conn.execute(text("DROP INDEX uq_feedback_answer_id"))
        for rating in ("up", "down"):
            conn.execute(text("INSERT INTO feedback (answer_id, rating, channel, created) "
                              "VALUES ('a1', :r, 'api', CURRENT_TIMESTAMP)"), {"r": rating})
    store.close()
    upgraded = Store(db_url)
    assert [f.rating for f in upgraded.feedback("a1")] == ["down"]
    upgraded.add_feedback("a1", "up", None, "api", None)
    assert [f.rating for f in upgraded.feedback("a1")] == ["up"]
    upgraded.close()
