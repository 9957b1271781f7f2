"""Personal data is removed from questions before they are answered, logged or stored."""
from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.privacy import is_bsn, redact
from tests.api_support import service_settings


@pytest.mark.parametrize("number,valid", [("111222333", True), ("123456782", True), ("123456789", False),
                                          ("999999999", False), ("000000000", False), ("11122233", False)])
def test_elfproef(number, valid):
    assert is_bsn(number) is valid


@pytest.mark.parametrize("text,kinds,gone", [
    ("klant met bsn 111222333 wil weten", ["bsn"], "111222333"),
    ("BSN 1112.22.333 en 111 222 333", ["bsn"], "222"),
    ("mail naar jan.de.vries@gemeente-emmen.nl graag", ["email"], "jan.de.vries"),
    ("bel 06-12345678", ["phone"], "12345678"),
    ("bel +31 6 12345678", ["phone"], "12345678"),
    ("bel +31612345678 of 0031 6 1234 5678", ["phone"], "612345678"),
    ("vast nummer 020-1234567", ["phone"], "1234567"),
    ("(010) 123 45 67 is het kantoor", ["phone"], "123 45 67"),
    ("IBAN NL91ABNA0417164300 voor de boete", ["iban"], "NL91ABNA0417164300"),
    ("rekening NL91 ABNA 0417 1643 00", ["iban"], "0417"),
    ("geboren op 12-03-1990 in Syrië", ["birth_date"], "12-03-1990"),
    ("geb. 12 maart 1990", ["birth_date"], "12 maart 1990"),
    ("geboortedatum: 1990-03-12", ["birth_date"], "1990-03-12"),
])
def test_redacts_personal_data(text, kinds, gone):
    result = redact(text)
    assert result.kinds == kinds
    assert gone not in result.text and "[…]" in result.text


@pytest.mark.parametrize("text", [
    "nummer 123456789 is geen BSN",  # fails the elfproef: kept
    "de wet geldt per 1 januari 2022 en de termijn is 10 weken",
    "artikel 2.4 lid 3, 600 uur taal, 2021-2024",
    "code NL12ABCD1234567890 is geen geldige IBAN",
    "Wat is het PIP?",
])
def test_keeps_ordinary_text(text):
    assert redact(text).text == text and not redact(text).kinds


@pytest.fixture(scope="module")
def client(assistant, index_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "privacy.sqlite3"
    with TestClient(create_app(service_settings(index_settings, f"sqlite:///{db}"), assistant=assistant)) as c:
        yield c


def test_question_is_redacted_before_answering_and_storing(client, caplog):
    caplog.set_level(logging.DEBUG)
    question = ("Klant met BSN 111222333, mail p.jansen@example.nl, tel 06-12345678, "
                "geboren op 12-03-1990: wanneer moet het PIP klaar zijn?")
    body = client.post("/v1/chat", json={"question": question}).json()
    for secret in ("111222333", "p.jansen@example.nl", "06-12345678", "12-03-1990"):
        assert secret not in body["question"]  # the assistant got (and echoes) the redacted question
        assert secret not in str(client.app.state.service.store.audit_log()[0].question)
        assert secret not in caplog.text
    warning = body["warnings"][0]
    assert "persoonsgegevens" in warning and "BSN" in warning and "Voer geen persoonsgegevens in" in warning
    turns = client.get(f"/v1/sessions/{body['session_id']}").json()["turns"]
    assert "111222333" not in turns[0]["question"]
    assert client.app.state.service.store.audit_log()[0].redacted == ["birth_date", "email", "phone", "bsn"]
    assert 'inburgering_redactions_total{kind="bsn"} 1.0' in client.get("/metrics").text


def test_invalid_bsn_is_kept_and_no_warning(client):
    body = client.post("/v1/ask", json={"question": "Dossier 123456789: wat is het PIP?"}).json()
    assert "123456789" in body["question"]
    assert not any("persoonsgegevens" in w for w in body["warnings"])


def test_history_and_feedback_comments_are_redacted_too(client):
    body = client.post("/v1/ask", json={"question": "en de termijn?",
                                        "history": ["PIP voor klant 111222333?"]}).json()
    assert any("persoonsgegevens" in w for w in body["warnings"])
    client.post("/v1/feedback", json={"answer_id": body["answer_id"], "rating": "up",
                                      "comment": "klant bereikbaar op 0612345678"})
    [row] = client.app.state.service.store.feedback(body["answer_id"])
    assert "0612345678" not in row.comment and "[…]" in row.comment
