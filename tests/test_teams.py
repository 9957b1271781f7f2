"""Teams over POST /api/messages with real Activity JSON, the real SDK adapter and JWT validation.

Doubles, only for Azure services outside the project:
- Azure's signing-key endpoint (JWKS): PyJWKClient.fetch_data returns the public key of a key pair
  made here, so tokens signed in the test pass the SDK's real signature/audience validation.
- Azure's token service: MsalAuth.get_access_token returns a fixed token instead of calling Entra ID.
- The Bot Connector service that replies are posted to: a small HTTP server on 127.0.0.1 that
  records the activities (Teams' serviceUrl points at it).
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api_support import service_settings

APP_ID = "5f0b6c1e-1111-4a5b-9c8d-00000000beef"
TENANT = "7a1c2d3e-2222-4b5c-8d9e-00000000cafe"
CONVERSATION = "a:1Tq9wW-klantmanager-persoonlijk"
KID = "wia-test-key"
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    jwk.update(kid=KID, use="sig", alg="RS256")
    return {"keys": [jwk]}


def token(service_url: str, audience: str = APP_ID, key=SIGNING_KEY) -> str:
    """A Bot Framework channel token as Teams sends it."""
    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": audience, "serviceurl": service_url,
              "nbf": now - 5, "iat": now - 5, "exp": now + 3600}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


class Connector:
    """Double of the Bot Connector service: records what the bot posts, answers with message ids."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                outer.posts.append({"path": self.path, "auth": self.headers.get("authorization"), "body": body})
                reply = json.dumps({"id": f"msg-{len(outer.posts)}"}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def messages(self) -> list[dict]:
        return [p for p in self.posts if p["body"].get("type") == "message"]


@pytest.fixture(scope="module")
def connector():
    c = Connector()
    yield c
    c.server.shutdown()


@pytest.fixture(scope="module")
def client(assistant, index_settings, tmp_path_factory, connector):
    mp = pytest.MonkeyPatch()
    mp.setattr(jwt.PyJWKClient, "fetch_data", lambda self: _jwks())  # double: Azure JWKS endpoint

    async def fake_token(self, resource_url, scopes, force_refresh=False):  # double: Azure token service
        return "token-from-azure-double"

    from microsoft_agents.authentication.msal import MsalAuth

    mp.setattr(MsalAuth, "get_access_token", fake_token)
    db = tmp_path_factory.mktemp("db") / "teams.sqlite3"
    settings = service_settings(index_settings, f"sqlite:///{db}", teams_app_id=APP_ID, teams_tenant_id=TENANT,
                                teams_client_secret="geheim", public_url="https://assistent.gemeente.example")
    with TestClient(create_app(settings, assistant=assistant)) as c:
        yield c
    mp.undo()


def message(text: str, service_url: str, msg_id: str, conversation: str = CONVERSATION) -> dict:
    """A Teams personal-chat message activity."""
    return {
        "type": "message", "id": msg_id, "timestamp": "2026-11-23T09:15:00.000Z",
        "localTimestamp": "2026-11-23T10:15:00.000+01:00", "serviceUrl": service_url, "channelId": "msteams",
        "from": {"id": "29:1klantmanager", "name": "Klantmanager Emmen",
                 "aadObjectId": "0b9e5a8c-0000-0000-0000-00000000a001"},
        "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": conversation},
        "recipient": {"id": f"28:{APP_ID}", "name": "Inburgeringsassistent"},
        "textFormat": "plain", "locale": "nl-NL", "text": text,
        "entities": [{"type": "clientInfo", "locale": "nl-NL", "country": "NL", "platform": "Web",
                      "timezone": "Europe/Amsterdam"}],
        "channelData": {"tenant": {"id": TENANT}},
    }


def post(client, activity: dict, service_url: str, auth: str | None = "valid"):
    headers = {} if auth is None else {"Authorization": f"Bearer {token(service_url) if auth == 'valid' else auth}"}
    return client.post("/api/messages", json=activity, headers=headers)


def test_message_gets_answer_with_ai_citations_and_feedback_buttons(client, connector):
    before = len(connector.messages())
    r = post(client, message("Binnen hoeveel weken moet het PIP worden vastgesteld?", connector.url, "1001"),
             connector.url)
    assert r.status_code == 202
    [sent] = connector.messages()[before:]
    assert sent["auth"] == "Bearer token-from-azure-double"
    assert sent["path"] == f"/v3/conversations/{CONVERSATION}/activities/1001"
    reply = sent["body"]
    assert "[1]" in reply["text"] and reply["replyToId"] == "1001"
    assert reply["channelData"]["feedbackLoopEnabled"] is True
    [entity] = [e for e in reply["entities"] if e.get("@type") == "Message"]
    assert entity["type"] == "https://schema.org/Message" and entity["@context"] == "https://schema.org"
    assert entity["additionalType"] == ["AIGeneratedContent"]
    claims = entity["citation"]
    assert claims and claims[0]["@type"] == "Claim" and claims[0]["position"] == 1
    doc = claims[0]["appearance"]
    assert doc["@type"] == "DigitalDocument" and doc["name"]
    assert 0 < len(doc["abstract"]) <= 160
    assert doc["url"].startswith("https://assistent.gemeente.example/bron/")
    for claim in claims:
        assert f"[{claim['position']}]" in reply["text"]
        keywords = claim["appearance"]["keywords"]
        assert len(keywords) <= 3 and all(len(k) <= 28 for k in keywords)
        # The whole passage opens on demand: an Adaptive Card in the citation's "text".
        card = json.loads(claim["appearance"]["text"])
        assert card["type"] == "AdaptiveCard" and card["actions"][0]["url"] == claim["appearance"]["url"]
        facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
        assert facts["Datum"].startswith(("Bijgewerkt op ", "Geen eigen datum"))
        assert facts["Geldt voor"] in ("Landelijk", "Afspraak in de Arbeidsmarktregio Drenthe")


def test_follow_up_in_the_same_conversation_uses_the_history(client, connector):
    conversation = "a:1Tq9wW-vervolgvraag"
    post(client, message("Wat is het PIP?", connector.url, "2001", conversation), connector.url)
    r = post(client, message("en voor statushouders?", connector.url, "2002", conversation), connector.url)
    assert r.status_code == 202
    follow = connector.messages()[-1]["body"]
    assert "Geen antwoord in de bronnen" not in follow["text"]
    store = client.app.state.service.store
    session = store.get_session(conversation)
    assert session is not None and session.channel == "teams"
    assert store.history(conversation) == ["Wat is het PIP?", "en voor statushouders?"]


def test_feedback_invoke_lands_in_the_feedback_store(client, connector):
    conversation = "a:1Tq9wW-feedback"
    post(client, message("Wat is de Z-route?", connector.url, "3001", conversation), connector.url)
    message_id = f"msg-{len(connector.posts)}"  # the id the connector gave the bot's answer
    store = client.app.state.service.store
    answer_id = store.answer_for_message(conversation, message_id)
    invoke = {**message("", connector.url, "3002", conversation), "type": "invoke", "name": "message/submitAction",
              "replyToId": message_id, "value": {"actionName": "feedback", "actionValue": {
                  "reaction": "dislike", "feedback": json.dumps({"feedbackText": "Mist de termijn, bel 0612345678"})}}}
    invoke.pop("text")
    r = post(client, invoke, connector.url)
    assert r.status_code == 200
    [row] = store.feedback(answer_id)
    assert (row.rating, row.channel) == ("down", "teams")
    assert row.comment.startswith("Mist de termijn") and "0612345678" not in row.comment


def test_personal_data_is_redacted_in_teams_too(client, connector):
    post(client, message("PIP voor klant met BSN 111222333?", connector.url, "4001", "a:1-privacy"), connector.url)
    reply = connector.messages()[-1]["body"]["text"]
    assert "persoonsgegevens" in reply and "111222333" not in reply
    assert "111222333" not in client.app.state.service.store.history("a:1-privacy")[0]


@pytest.mark.parametrize("auth", [None, "not-a-jwt"], ids=["no token", "garbage token"])
def test_unauthenticated_requests_are_refused(client, connector, auth):
    before = len(connector.posts)
    r = post(client, message("Wat is het PIP?", connector.url, "5001"), connector.url, auth=auth)
    assert r.status_code == 401
    assert len(connector.posts) == before


def test_a_token_without_kid_or_otherwise_odd_is_a_dutch_401(client, connector):
    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": connector.url,
              "nbf": now - 5, "iat": now - 5, "exp": now + 3600}
    no_kid = jwt.encode(claims, SIGNING_KEY, algorithm="RS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    for bad in (no_kid, unsigned, "a.b.c", None):
        r = post(client, message("Wat is het PIP?", connector.url, "5002"), connector.url, auth=bad)
        assert r.status_code == 401, r.text
        assert set(r.json()) == {"detail"} and "aangemeld" in r.json()["detail"]
        assert "Traceback" not in r.text


def test_tokens_with_wrong_signature_or_audience_are_refused(client, connector):
    now_posts = len(connector.posts)
    forged = token(connector.url, key=OTHER_KEY)
    wrong_audience = token(connector.url, audience="iemand-anders")
    for bad in (forged, wrong_audience):
        r = post(client, message("Wat is het PIP?", connector.url, "6001"), connector.url, auth=bad)
        assert r.status_code == 401
    assert len(connector.posts) == now_posts


def test_bot_logic_with_the_sdk_test_adapter(client):
    """The same agent application driven by the SDK's in-memory TestAdapter (no HTTP, no auth)."""
    from microsoft_agents.testing import TestAdapter, TestFlow

    bot = client.app.state.teams

    def check(reply):
        assert "[1]" in reply.text
        assert reply.channel_data["feedbackLoopEnabled"] is True
        assert any(getattr(e, "additional_type", None) == ["AIGeneratedContent"] for e in reply.entities)

    async def run():
        flow = TestFlow(TestAdapter(), bot.app.on_turn).send("Wat is het PIP?").assert_reply(check, timeout=30)
        await flow.start_test()

    asyncio.run(run())


def _answer_part(text: str) -> str:
    return text.split("\n\n⚠️")[0]


def test_teams_layout_answer_first_labels_dates_and_warnings_after(client, connector):
    """A Drenthe question: the regional label stays bold next to its text; warnings come after the answer."""
    post(client, message("Hoeveel uur taal krijgt iemand in de Z-route in Drenthe?", connector.url, "7001",
                         "a:1-drenthe"), connector.url)
    reply = connector.messages()[-1]["body"]
    text = reply["text"]
    assert not text.startswith("⚠️")  # answer first
    lines = text.split("\n\n")
    first_warning = next((i for i, line in enumerate(lines) if line.startswith("⚠️")), len(lines))
    assert all(not line.startswith("⚠️") for line in lines[:first_warning])
    assert all(line.startswith("⚠️") for line in lines[first_warning:])
    [entity] = [e for e in reply["entities"] if e.get("@type") == "Message"]
    regional = [c for c in entity["citation"] if c["appearance"]["keywords"][0] == "Regionaal: AMRD"]
    assert regional, "a Drenthe source is cited"
    assert "**Afspraak in de Arbeidsmarktregio Drenthe:**" in text and "**Landelijk:**" in text
    for claim in entity["citation"]:
        words = " ".join(claim["appearance"]["keywords"][1:])
        assert words.startswith("Bijgewerkt op ") or words.startswith("Geen eigen datum")


def test_uncertain_and_refused_answers_get_a_distinct_notice(assistant):
    from api.teams import REFUSED, UNCERTAIN, reply_activity

    answer = assistant.ask("Wat is het PIP?")
    answer.status = "uncertain"
    text = reply_activity(answer, "https://assistent.example").text
    assert text.startswith(f"**{UNCERTAIN}**")
    refused = assistant.ask("Hoe laat begint de voetbalwedstrijd vanavond?")
    assert reply_activity(refused, "https://assistent.example").text.startswith(f"**{REFUSED}**")


def test_feedback_in_teams_last_click_wins(client, connector):
    conversation = "a:1Tq9wW-feedback-twice"
    post(client, message("Wat is de Z-route?", connector.url, "8001", conversation), connector.url)
    message_id = f"msg-{len(connector.posts)}"
    store = client.app.state.service.store
    answer_id = store.answer_for_message(conversation, message_id)
    for reaction in ("like", "dislike"):
        invoke = {**message("", connector.url, "8002", conversation), "type": "invoke",
                  "name": "message/submitAction", "replyToId": message_id,
                  "value": {"actionName": "feedback", "actionValue": {"reaction": reaction, "feedback": "{}"}}}
        invoke.pop("text")
        assert post(client, invoke, connector.url).status_code == 200
    assert [f.rating for f in store.feedback(answer_id)] == ["down"]
