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
from assistant.labels import MUNICIPALITY_NAMES, UNCERTAIN_NOTICE, answer_body, date_wording, scope_label
from inburgering.models import Answer, Citation

log = logging.getLogger(__name__)

ABSTRACT_CHARS = 160  # Teams shows at most this much of a citation's abstract
NAME_CHARS = 80
KEYWORD_CHARS = 28
SORRY = "Er ging iets mis bij het beantwoorden. Probeer het later opnieuw."
TEXT_ONLY = "Stel je vraag in tekst, dan zoek ik het antwoord op in de bronnen over de Wet inburgering."
RATINGS = {"like": "up", "dislike": "down"}
REFUSED = "Geen antwoord in de bronnen."
UNCERTAIN = UNCERTAIN_NOTICE


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _keyword_date(c: Citation) -> list[str]:
    """The date as citation keywords (Teams allows 28 characters each): same meaning as date_wording."""
    if c.update_date:
        return [f"Bijgewerkt op {_numeric(c.update_date)}"]
    if c.version_date:
        return ["Geen eigen datum", f"Documentversie {_numeric(c.version_date)}"]
    return ["Geen eigen datum"]


def _scope_keyword(scope: str) -> str:
    """A scope short enough for a keyword: the full label is in the message text and the citation card."""
    kind, _, name = scope.partition(":")
    if kind == "regio":
        return f"Regionaal: {name.upper()}"
    if kind == "gemeente":
        return f"Gemeente {MUNICIPALITY_NAMES.get(name, name)}"
    return "Landelijk"


def _numeric(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"


def source_url(c: Citation, public_url: str) -> str:
    """The source viewer address of a citation, the quote highlighted."""
    return f"{public_url.rstrip('/')}/bron/{url_quote(c.chunk_id)}?citaat={url_quote(c.quote)}#citaat"


def _facts(c: Citation) -> list[dict]:
    where = [{"title": "Vraag", "value": c.question}] if c.question else []
    if c.section:
        where.append({"title": "Onderdeel", "value": c.section})
    return where + [{"title": "Datum", "value": date_wording(c.update_date, c.version_date)},
                    {"title": "Geldt voor", "value": c.label or scope_label(c.scope)}]


def citation_card(c: Citation, public_url: str) -> dict:
    """The Adaptive Card Teams shows when a citation is opened: where, when, for whom, the whole passage."""
    return {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5", "body": [
                {"type": "TextBlock", "text": c.document_title, "weight": "Bolder", "wrap": True},
                {"type": "FactSet", "facts": _facts(c)},
                {"type": "TextBlock", "text": _plain(c.text), "wrap": True, "spacing": "Medium"}],
            "actions": [{"type": "Action.OpenUrl", "title": "Bron in het document bekijken",
                         "url": source_url(c, public_url)}]}


def citation_entity(c: Citation, public_url: str) -> ClientCitation:
    """A Teams AI citation: title, where it stands (not the answer's words again), date and scope.

    The whole passage opens on demand, in the Adaptive Card of the citation's `text`.
    """
    keywords = [_scope_keyword(c.scope)] + _keyword_date(c)
    where = f"Vraag: {c.question}" if c.question else c.section
    abstract = f"{where} — {date_wording(c.update_date, c.version_date)}" if where else \
        date_wording(c.update_date, c.version_date)
    return ClientCitation(position=c.n, appearance=ClientCitationAppearance(
        name=_cut(c.document_title, NAME_CHARS), abstract=_cut(abstract, ABSTRACT_CHARS),
        url=source_url(c, public_url), keywords=[_cut(k, KEYWORD_CHARS) for k in keywords[:3]],
        text=json.dumps(citation_card(c, public_url), ensure_ascii=False)))


def _plain(text: str) -> str:
    """Source text as text: markup in it must not be rendered by Teams."""
    return html.escape(text, quote=False)


def answer_lines(answer: Answer) -> list[str]:
    """The message text, answer first: a one-line notice, the answer (scope labels bold), then warnings."""
    lines = []
    if answer.status == "refused" or answer.refused:
        lines.append(f"**{REFUSED}**")
    elif answer.status == "uncertain":
        lines.append(f"**{UNCERTAIN}**")
    labels = {c.label or scope_label(c.scope) for c in answer.citations}
    for line in answer_body(answer).split("\n"):  # the notice once, not twice
        if not line.strip():
            continue
        label = next((lab for lab in labels if line.startswith(f"{lab}: ")), None)
        lines.append(f"**{label}:** {_plain(line[len(label) + 2:])}" if label else _plain(line))
    lines += [f"⚠️ {_plain(w)}" for w in answer.warnings]
    return lines


def reply_activity(answer: Answer, public_url: str) -> Activity:
    """The message for an answer: text with [n] markers, native citations, AI label, feedback buttons on."""
    activity = Activity(type=ActivityTypes.message, text="\n\n".join(answer_lines(answer)),
                        text_format="markdown", channel_data={"feedbackLoopEnabled": True})
    activity.add_ai_metadata([citation_entity(c, public_url) for c in answer.citations] or None)
    return activity


def answer_preview_card(answer: Answer, public_url: str) -> dict:
    """One Adaptive Card that shows what a Teams user sees of an answer: the message, then each citation's card.

    Used for a look at the layout without Teams (a test renders it to PNG).
    """
    body = [{"type": "TextBlock", "text": line, "wrap": True} for line in answer_lines(answer)]
    for c in answer.citations:
        title, facts = citation_card(c, public_url)["body"][:2]
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": [
            {**title, "text": f"[{c.n}] {title['text']}"}, facts,
            {"type": "TextBlock", "text": "De hele passage opent bij een klik op de bron.", "isSubtle": True,
             "size": "Small", "wrap": True}]})
    return {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5", "body": body}


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
