"""Every spelling of personal data in tests/privacy_cases.py is removed; every look-alike stays."""
from __future__ import annotations

import pytest

from api.privacy import PLACEHOLDER, redact
from tests.privacy_cases import LOOK_ALIKES, PERSONAL


def test_the_table_is_big_enough():
    assert len(PERSONAL) >= 30 and len(LOOK_ALIKES) >= 10
    assert {kind for _, _, kind in PERSONAL} == {"bsn", "email", "iban", "phone", "birth_date"}


@pytest.mark.parametrize("template,value,kind", PERSONAL, ids=[f"{k}:{v}" for _, v, k in PERSONAL])
def test_personal_data_is_removed(template, value, kind):
    result = redact(template.format(value))
    assert value not in result.text and PLACEHOLDER in result.text
    assert result.kinds == [kind]
    assert result.text == template.format(PLACEHOLDER)  # the words around it stay


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_stay(text):
    result = redact(text)
    assert result.text == text and result.kinds == []


# -- end to end: the service on SQLite and PostgreSQL, the CLI, the logs; then the stored bytes --------

def _through_the_service(client) -> list[str]:
    """Ask, chat and give feedback with every spelling; return every response body."""
    bodies = []
    for template, value, _ in PERSONAL:
        question = template.format(value)
        ask = client.post("/v1/ask", json={"question": question, "history": [f"eerder: {question}"]})
        chat = client.post("/v1/chat", json={"question": question})
        assert ask.status_code == 200 and chat.status_code == 200, (ask.text, chat.text)
        feedback = client.post("/v1/feedback", json={"answer_id": ask.json()["answer_id"], "rating": "down",
                                                     "comment": f"klant: {question}"})
        assert feedback.status_code == 201, feedback.text
        session = client.get(f"/v1/sessions/{chat.json()['session_id']}")
        bodies += [ask.text, chat.text, feedback.text, session.text]
        assert any("persoonsgegevens" in w for w in ask.json()["warnings"])
    return bodies


def _assert_absent(haystack: str | bytes, where: str) -> None:
    for _, value, _ in PERSONAL:
        needle = value.encode() if isinstance(haystack, bytes) else value
        assert needle not in haystack, f"{value!r} found in {where}"


def _app(index_settings, assistant, db_url):
    from api.app import create_app
    from tests.api_support import service_settings

    settings = service_settings(index_settings, db_url, open_rate_limit_burst=10_000)
    return create_app(settings, assistant=assistant)


def test_service_sqlite_stores_and_logs_no_personal_data(assistant, index_settings, tmp_path, caplog):
    import logging

    from fastapi.testclient import TestClient

    caplog.set_level(logging.DEBUG)
    db = tmp_path / "privacy.sqlite3"
    with TestClient(_app(index_settings, assistant, f"sqlite:///{db}")) as client:
        bodies = _through_the_service(client)
        wal = db.with_name(db.name + "-wal")
        stored = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert len(stored) > 10_000  # the rows are there (the WAL is checked while the app holds it open)
    _assert_absent("\n".join(bodies), "a response")
    _assert_absent(caplog.text, "the log")
    _assert_absent(stored, "the SQLite file or its WAL")


def test_service_postgresql_stores_no_personal_data(assistant, index_settings, fresh_postgres):
    postgres_url = fresh_postgres
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    with TestClient(_app(index_settings, assistant, postgres_url)) as client:
        _assert_absent("\n".join(_through_the_service(client)), "a response")
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        dump = "\n".join(str(row[0]) for table in ("chat_sessions", "turns", "feedback", "audit_log")
                         for row in conn.execute(text(f"SELECT t::text FROM {table} t")))
    engine.dispose()
    assert "[…]" in dump
    _assert_absent(dump, "PostgreSQL")


def test_cli_answers_without_personal_data(index_settings, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from inburgering.cli import app
    from inburgering.settings import get_settings

    monkeypatch.setenv("INBURGERING_INDEX_DIR", str(index_settings.index_dir))
    monkeypatch.setenv("INBURGERING_CACHE_DIR", str(index_settings.cache_dir))
    get_settings.cache_clear()
    batch, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    batch.write_text("".join(json.dumps({"id": i, "question": t.format(v)}) + "\n"
                             for i, (t, v, _) in enumerate(PERSONAL)), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(PERSONAL) and all("persoonsgegevens" in x["warnings"][0] for x in lines)
    _assert_absent(out.read_text(encoding="utf-8"), "the batch output")
    template, value, _ = PERSONAL[0]
    one = runner.invoke(app, ["ask", template.format(value), "--json"])
    assert one.exit_code == 0 and json.loads(one.stdout)["question"] == template.format("[…]")
    _assert_absent(one.output, "the CLI output")
    get_settings.cache_clear()
