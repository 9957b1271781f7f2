"""Microsoft Teams through the Microsoft 365 Agents SDK: answers with AI citations and feedback buttons.

The conversation id is the session id, so a follow-up in the same chat sees the earlier questions.
Feedback from Teams' thumbs (invoke "message/submitAction") lands in the same store as the widget's.
"""
from __future__ import annotations

import html
import json
import logging
from urllib.parse import quote as url_quote

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ClientCitation,
    ClientCitationAppearance,
    InvokeResponse,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ApplicationOptions,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.fastapi import CloudAdapter
from starlette.concurrency import run_in_threadpool

from api.answering import Answering, Caller, ServiceError
from api.state import LOADING, ServiceState
from api.teams_scope import teams_scope
from assistant.labels import dutch_date
from inburgering.models import Answer, Citation

log = logging.getLogger(__name__)

ABSTRACT_CHARS = 160  # Teams shows at most this much of a citation's abstract
NAME_CHARS = 80
KEYWORD_CHARS = 28
SORRY = "Er ging iets mis bij het beantwoorden. Probeer het later opnieuw."
TEXT_ONLY = "Stel je vraag in tekst, dan zoek ik het antwoord op in de bronnen over de Wet inburgering."
RATINGS = {"like": "up", "dislike": "down"}


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def citation_entity(c: Citation, public_url: str) -> ClientCitation:
    """A Teams AI citation (schema.org Claim with a DigitalDocument) for one source."""
    keywords = [_cut(c.label or c.scope, KEYWORD_CHARS)]
    if c.update_date:
        keywords.append(_cut(f"bijgewerkt {dutch_date(c.update_date)}", KEYWORD_CHARS))
    url = f"{public_url.rstrip('/')}/bron/{url_quote(c.chunk_id)}?citaat={url_quote(c.quote)}#citaat"
    return ClientCitation(position=c.n, appearance=ClientCitationAppearance(
        name=_cut(c.document_title, NAME_CHARS), abstract=_cut(c.quote, ABSTRACT_CHARS), url=url,
        keywords=keywords))


def reply_activity(answer: Answer, public_url: str) -> Activity:
    """The message for an answer: text with [n] markers, citations, AI label, feedback buttons on."""
    lines = []
    if answer.refused:
        lines.append("**Geen antwoord in de bronnen.**")
    # Source text is shown as text: markup in it must not be rendered by Teams.
    lines.append(html.escape(answer.answer, quote=False))
    lines += [f"⚠️ {html.escape(w, quote=False)}" for w in answer.warnings]
    activity = Activity(type=ActivityTypes.message, text="\n\n".join(lines),
                        channel_data={"feedbackLoopEnabled": True})
    activity.add_ai_metadata([citation_entity(c, public_url) for c in answer.citations] or None)
    return activity


class TeamsBot:
    """The agent application, its adapter and the SDK's auth configuration, built from the settings."""

    def __init__(self, state: ServiceState) -> None:
        s = state.settings
        self.state = state
        self.auth_config = AgentAuthConfiguration(
            client_id=s.teams_app_id, tenant_id=s.teams_tenant_id, client_secret=s.teams_client_secret,
            connection_name="SERVICE_CONNECTION", anonymous_allowed=s.teams_anonymous_allowed)
        connections = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": self.auth_config})
        self.adapter = CloudAdapter(connection_manager=connections)
        self.app = AgentApplication[TurnState](
            ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False, bot_app_id=s.teams_app_id or ""),
            connection_manager=connections)
        self.app.message(None)(self.on_message)
        self.app.invoke("message/submitAction")(self.on_feedback)
        self.app.error(self.on_error)

    async def on_message(self, context: TurnContext, _state: TurnState) -> None:
        """Answer a message; the conversation id keys the server-side history."""
        text = (context.activity.text or "").strip()
        if not text:
            await context.send_activity(TEXT_ONLY)
            return
        if not self.state.ready:
            await context.send_activity(self.state.error_nl or LOADING)
            return
        try:
            scope = teams_scope(context.activity, self.state.settings.teams_scopes)
            answer = await run_in_threadpool(Answering(self.state).chat, text, Caller("teams"),
                                             context.activity.conversation.id, scope=scope, create=True)
        except ServiceError as exc:
            await context.send_activity(exc.message_nl)
            return
        sent = await context.send_activity(reply_activity(answer, self.state.settings.public_url))
        if sent is not None and getattr(sent, "id", None):
            await run_in_threadpool(self.state.store.set_message_id, answer.answer_id, sent.id)

    async def on_feedback(self, context: TurnContext, _state: TurnState) -> None:
        """Store a thumbs up/down from Teams' feedback buttons; always acknowledge the invoke."""
        value = context.activity.value if isinstance(context.activity.value, dict) else {}
        action = value.get("actionValue") or {}
        rating = RATINGS.get(str(action.get("reaction", "")).lower())
        if value.get("actionName") == "feedback" and rating:
            await run_in_threadpool(self._store_feedback, context.activity, rating, _comment(action))
        await context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                             value=InvokeResponse(status=200, body={})))

    def _store_feedback(self, activity: Activity, rating: str, comment: str | None) -> None:
        answer_id = self.state.store.answer_for_message(activity.conversation.id, activity.reply_to_id)
        if answer_id is None:
            log.warning("teams feedback for an unknown message in a conversation without answers")
            return
        Answering(self.state).feedback(answer_id, rating, comment, Caller("teams"))

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        """Log in English with the stack trace; tell the user in Dutch, without details."""
        log.error("teams turn failed", exc_info=error)
        if context.activity.type == ActivityTypes.message:
            await context.send_activity(SORRY)


def _comment(action: dict) -> str | None:
    """Teams sends the typed comment as a JSON string {"feedbackText": "..."}."""
    raw = action.get("feedback")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return raw or None
    if isinstance(raw, dict):
        return raw.get("feedbackText") or None
    return None
