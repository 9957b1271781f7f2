"""The command line on the real index: search, ask (text, JSON, batch) and the chat loop."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from inburgering.cli import app


@pytest.fixture
def cli_env(index_settings, monkeypatch):
    monkeypatch.setenv("INBURGERING_INDEX_DIR", str(index_settings.index_dir))
    monkeypatch.setenv("INBURGERING_CACHE_DIR", str(index_settings.cache_dir))
    from inburgering.settings import get_settings

    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_search_json_gives_ranked_passages_with_metadata(cli_env):
    result = cli_env.invoke(app, ["search", "leerbaarheidstoets ontheffing", "--json", "-k", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert {"chunk_id", "document_id", "section", "update_date", "score", "text", "start", "end"} <= set(rows[0])


def test_ask_json_follows_the_answer_contract(cli_env):
    result = cli_env.invoke(app, ["ask", "Wat is de MAP?", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {"question", "answer", "refused", "confidence", "mode", "citations", "as_of", "scope",
            "warnings", "session_id", "latency_ms"} <= set(answer)
    assert {"n", "chunk_id", "document_id", "document_title", "publisher", "kind", "scope", "section",
            "question", "update_date", "quote", "text", "url", "score"} <= set(answer["citations"][0])


def test_ask_rejects_a_bad_date_in_dutch(cli_env):
    result = cli_env.invoke(app, ["ask", "Wat is de MAP?", "--as-of", "2023-13-45"])
    assert result.exit_code == 2
    assert "geen geldige datum" in result.output


def test_batch_follows_the_contract_and_reports_bad_lines(cli_env, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "question": "Wat is het PVT?"}),
        json.dumps({"id": "b", "question": "en voor gezinsmigranten?", "history": ["Moet een statushouder de MAP doen?"]}),
        json.dumps({"id": "c", "question": "Wat is de MAP?", "as_of": "2023-06-01", "scope": "regio:amrd"}),
        "{niet json",
        json.dumps({"id": "e", "question": ""}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = cli_env.invoke(app, ["ask", "--batch", str(src), "--out", str(out)])
    assert result.exit_code == 1  # two lines could not be answered
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c", None, "e"]
    assert lines[0]["answer"] and lines[0]["citations"]
    assert lines[2]["as_of"] == "2023-06-01" and lines[2]["scope"] == "regio:amrd"
    assert "geen geldige JSON" in lines[3]["error"] and "vraag" in lines[4]["error"]


def test_chat_loop_keeps_the_conversation(cli_env):
    result = cli_env.invoke(app, ["chat"], input="Hoeveel uur taal zit er in de Z-route?\nen hoeveel uur participatie?\nstop\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("[1]") >= 2
