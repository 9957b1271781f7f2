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


BSN = "111222333"  # passes the elfproef


def test_ask_removes_personal_data_like_the_service(cli_env):
    result = cli_env.invoke(app, ["ask", f"Klant met BSN {BSN}: wat is het PIP?", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert BSN not in result.stdout
    assert answer["question"] == "Klant met BSN […]: wat is het PIP?"
    from api.privacy import redaction_warning

    assert answer["warnings"][0] == redaction_warning(["bsn"])
    text = cli_env.invoke(app, ["ask", f"Klant met BSN {BSN}: wat is het PIP?"])
    assert BSN not in text.output and "persoonsgegevens (BSN)" in text.output


def test_cli_and_service_redact_the_same_way(cli_env, index_settings, assistant, tmp_path):
    """The same question through the CLI and through POST /v1/ask: same question kept, same warnings."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api_support import service_settings

    question = f"BSN {BSN}, mail klant@example.nl, geboren op 3-4-1990: moet die een PIP?"
    cli = json.loads(cli_env.invoke(app, ["ask", question, "--json"]).stdout)
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'svc.sqlite3'}")
    with TestClient(create_app(settings, assistant=assistant)) as client:
        api = client.post("/v1/ask", json={"question": question}).json()
    assert cli["question"] == api["question"] and BSN not in cli["question"]
    assert cli["warnings"] == api["warnings"]


def test_batch_redacts_and_numbers_lines_without_id(cli_env, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "question": f"Klant {BSN}: wat is de MAP?"}),
        json.dumps({"question": "Wat is het PVT?"}),
        json.dumps({"id": "c", "question": "en voor gezinsmigranten?", "history": [f"BSN {BSN}: moet die de MAP?"]}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = cli_env.invoke(app, ["ask", "--batch", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert BSN not in text
    lines = [json.loads(x) for x in text.splitlines()]
    assert [x["id"] for x in lines] == ["a", "regel-2", "c"]
    assert "persoonsgegevens" in lines[0]["warnings"][0] and "persoonsgegevens" in lines[2]["warnings"][0]
    assert "Regel 2 had geen 'id'" in lines[1]["warnings"][0] and lines[1]["citations"]
    assert "regel-2" in result.stderr


def test_help_and_errors_are_dutch_and_help_shows_the_batch_format(cli_env):
    result = cli_env.invoke(app, ["ask", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for dutch in ("Gebruik:", "Opties", "Toon deze hulp", "DATUM", '"question"', "regel-<nummer>"):
        assert dutch in result.output, dutch
    for english in ("<bool>", "<str>", "Usage:", "Show this message"):
        assert english not in result.output, english
    missing = cli_env.invoke(app, ["ask", "--mode"])
    assert missing.exit_code == 2 and "heeft een waarde nodig" in missing.output
    extra = cli_env.invoke(app, ["ask", "wat", "is", "het", "PIP"])
    assert "aanhalingstekens" in extra.output and "unexpected" not in extra.output
    empty = cli_env.invoke(app, ["ask"])
    assert empty.exit_code == 2 and "stel een vraag" in empty.output
    bad = cli_env.invoke(app, ["ask", "--batch", "x.jsonl"])
    assert bad.exit_code == 2 and "Ongeldige waarde voor '--out'" in bad.output


def test_chat_understands_help_nieuw_and_stop_and_redacts(cli_env):
    result = cli_env.invoke(app, ["chat"], input=f"help\nBSN {BSN}: wat is het PIP?\nnieuw\nstop\nWat is de MAP?\n")
    assert result.exit_code == 0, result.output
    assert "begin een nieuw gesprek" in result.stderr  # the help text
    assert "Nieuw gesprek gestart" in result.stderr
    assert BSN not in result.output and "persoonsgegevens (BSN)" in result.output
    assert result.output.count("Bronnen:") == 1  # "help", "nieuw" and "stop" were not asked as questions


def test_dates_read_the_same_in_cli_and_mean_one_thing(cli_env):
    from assistant.labels import date_wording

    assert date_wording("2023-05-16", "2024-03-12") == "Bijgewerkt op 16 mei 2023"
    assert date_wording(None, "2024-03-12") == "Geen eigen datum; documentversie van 12 maart 2024"
    result = cli_env.invoke(app, ["ask", "Wat is de MAP?", "--scope", "regio:amrd", "--json"])
    answer = json.loads(result.stdout)
    shown = cli_env.invoke(app, ["ask", "Wat is de MAP?", "--scope", "regio:amrd"], terminal_width=400).output
    shown = " ".join(shown.split())  # the console wraps at its own width; the wording is what counts
    for c in answer["citations"]:
        assert date_wording(c["update_date"], c["version_date"]) in shown
