"""LLM mode against an OpenAI-compatible test server that the test starts (a double for an outside service)."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.llm import verify
from assistant.service import Assistant

# Asks what the Q&A entry "Staat de urenverplichting voor de Z-route vast?" answers: the recorded replies
# (tests/data/llm_replies.json) are checked against that entry. "Hoeveel uur participatie moet …"
# may equally well be answered from the duale-trajecten entry ("800 uur … participatieactiviteiten"),
# as the refitted ranker of the sixth session does, and then a reply in the first entry's words fails.
QUESTION = "Ligt het aantal uren in de Z-route vast?"


class FakeOpenAI(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions with whatever reply the test set; records the request."""

    reply = ""
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        payload = {"id": "x", "object": "chat.completion", "model": body["model"],
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": FakeOpenAI.reply},
                                "finish_reason": "stop"}]}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def llm_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture
def llm_assistant(assistant, index_settings, llm_server):
    settings = index_settings.model_copy(update={"llm_url": llm_server, "llm_model": "test-model",
                                                 "llm_api_key": "sekrit"})
    return Assistant(assistant.retriever, settings)


def test_a_supported_generated_answer_is_shown(llm_assistant):
    FakeOpenAI.reply = "In de Z-route geldt een urenverplichting voor participatie van 800 uur [1]."
    answer = llm_assistant.ask(QUESTION, mode="llm")
    assert answer.mode == "llm" and answer.answer == FakeOpenAI.reply
    assert [c.n for c in answer.citations] == [1] and "800 uur" in answer.citations[0].text
    request = FakeOpenAI.seen[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sekrit"
    assert "[1]" in request["body"]["messages"][1]["content"]  # numbered passages were given


def test_an_invented_number_is_rejected_for_the_extractive_answer(llm_assistant):
    FakeOpenAI.reply = "In de Z-route geldt een urenverplichting voor participatie van 1250 uur [1]."
    answer = llm_assistant.ask(QUESTION, mode="llm")
    assert answer.mode == "extractive" and "1250" not in answer.answer
    assert any("niet worden gecontroleerd" in w for w in answer.warnings)


def test_a_marker_to_a_passage_that_was_not_given_is_rejected(llm_assistant):
    FakeOpenAI.reply = "Dat is 800 uur [9]."
    answer = llm_assistant.ask(QUESTION, mode="llm")
    assert answer.mode == "extractive"


def test_extractive_is_the_default(llm_assistant):
    before = len(FakeOpenAI.seen)
    assert llm_assistant.ask(QUESTION).mode == "extractive"
    assert len(FakeOpenAI.seen) == before


def test_verify_rules(assistant):
    hits = assistant.retriever.search(QUESTION, k=3)
    assert verify("Zie de bron [1].", hits)  # a marker with no statement of its own (issue 12)
    assert verify("Zonder bron.", hits)  # no markers at all
    assert any("numbers" in p for p in verify("Het is 99 % [1].", hits))


REPLIES = json.loads((Path(__file__).parent / "data" / "llm_replies.json").read_text(encoding="utf-8"))["replies"]


@pytest.mark.parametrize("case", REPLIES, ids=[f"{c['expect']}:{c['reply'][:40]}" for c in REPLIES])
def test_recorded_replies_are_shown_or_rejected_by_the_right_rule(llm_assistant, case, caplog):
    FakeOpenAI.reply = case["reply"]
    extractive = llm_assistant.ask(case["question"])
    with caplog.at_level("WARNING", logger="assistant.llm"):
        answer = llm_assistant.ask(case["question"], mode="llm")
    if case["expect"] == "shown":
        assert answer.mode == "llm" and answer.answer == case["reply"], caplog.text
        return
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert any("niet worden gecontroleerd" in w for w in answer.warnings)
    assert case["rule"] in caplog.text, caplog.text


def test_the_model_gets_the_passages_the_extractive_answer_rests_on(llm_assistant):
    FakeOpenAI.reply = "[1]"
    extractive = llm_assistant.ask(QUESTION)
    llm_assistant.ask(QUESTION, mode="llm")
    prompt = FakeOpenAI.seen[-1]["body"]["messages"][1]["content"]
    given = re.findall(r"^\[(\d+)\] ", prompt, flags=re.MULTILINE)
    assert 1 <= len(given) <= max(1, len({c.chunk_id for c in extractive.citations}))
    assert all(c.text in prompt for c in extractive.citations)
