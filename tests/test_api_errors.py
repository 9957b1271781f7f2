"""Bad input gets a 4xx with a clear Dutch message as {"detail": "..."}: never a 500 or a stack trace."""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api_support import service_settings


@pytest.fixture(scope="module")
def client(assistant, index_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "errors.sqlite3"
    app = create_app(service_settings(index_settings, f"sqlite:///{db}"), assistant=assistant)

    @app.get("/test-only/boom", include_in_schema=False)
    def boom():  # a route that fails the way a bug would
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _post(client, body, content_type="application/json", path="/v1/ask"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, content=data, headers={"content-type": content_type})


CASES = [
    ("malformed json", "{\"question\": ", "application/json", 422, "geen geldige JSON"),
    ("json array", "[1, 2]", "application/json", 422, "JSON-object"),
    ("no body", "", "application/json", 422, "geen inhoud"),
    ("empty question", {"question": ""}, "application/json", 422, "vraag (question): is leeg"),
    ("blank question", {"question": "   \n "}, "application/json", 422, "is leeg"),
    ("missing question", {"history": []}, "application/json", 422, "vraag (question): ontbreekt"),
    ("10,000 characters", {"question": "a" * 10_000}, "application/json", 422, "maximaal 2000 tekens"),
    ("question not text", {"question": 42}, "application/json", 422, "moet tekst zijn"),
    ("history not a list", {"question": "Wat is het PIP?", "history": "eerder"}, "application/json", 422,
     "moet een lijst zijn"),
    ("invalid date", {"question": "Wat is het PIP?", "as_of": "2023-02-30"}, "application/json", 422,
     "geen geldige datum"),
    ("date in other format", {"question": "Wat is het PIP?", "as_of": "16-05-2023"}, "application/json", 422,
     "JJJJ-MM-DD"),
    ("unknown scope", {"question": "Wat is het PIP?", "scope": "land:frankrijk"}, "application/json", 422,
     "onbekende scope"),
    ("unknown mode", {"question": "Wat is het PIP?", "mode": "creatief"}, "application/json", 422,
     "mode: moet een van deze waarden zijn"),
    ("wrong content type", "question=Wat is het PIP?", "application/x-www-form-urlencoded", 415,
     "Content-Type: application/json"),
    ("text/plain", "{\"question\": \"Wat is het PIP?\"}", "text/plain", 415, "application/json"),
]


@pytest.mark.parametrize("name,body,content_type,status,words", CASES, ids=[c[0] for c in CASES])
def test_bad_ask_input(client, name, body, content_type, status, words):
    r = _post(client, body, content_type)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail
    assert "Traceback" not in r.text


def test_oversized_body_is_413(client):
    r = _post(client, {"question": "Wat is het PIP?", "history": ["x" * 1000] * 100})
    assert r.status_code == 413 and "te groot" in r.json()["detail"]


def test_chunked_oversized_body_is_413(client):
    def chunks():
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    r = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_chat_with_unknown_session_and_bad_fields(client):
    r = _post(client, {"question": "Wat is het PIP?", "session_id": "bestaat-niet"}, path="/v1/chat")
    assert r.status_code == 404 and "Onbekend gesprek" in r.json()["detail"]
    r = _post(client, {"question": "Wat is het PIP?", "as_of": "morgen"}, path="/v1/chat")
    assert r.status_code == 422 and "geen geldige datum" in r.json()["detail"]


def test_bad_feedback(client):
    r = _post(client, {"answer_id": "x", "rating": "meh"}, path="/v1/feedback")
    assert r.status_code == 422 and "beoordeling (rating)" in r.json()["detail"]
    r = _post(client, {"rating": "up"}, path="/v1/feedback")
    assert r.status_code == 422 and "antwoord (answer_id): ontbreekt" in r.json()["detail"]


def test_unknown_path_and_method_are_dutch(client):
    r = client.get("/v1/bestaat-niet")
    assert r.status_code == 404 and r.json() == {"detail": "Niet gevonden."}
    r = client.get("/v1/ask")
    assert r.status_code == 405 and "niet toegestaan" in r.json()["detail"]


def test_unexpected_error_is_a_dutch_500_without_details(client, caplog):
    r = client.get("/test-only/boom")
    assert r.status_code == 500
    assert r.json() == {"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}
    assert "secret internal detail" not in r.text
    assert any("unhandled error" in rec.getMessage() for rec in caplog.records)
