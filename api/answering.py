"""One path for every channel: redact, answer, count, audit (and for chats: keep the history)."""
from __future__ import annotations

from dataclasses import dataclass

from api.privacy import redact, redaction_warning
from api.state import ServiceState
from inburgering.models import Answer


class ServiceError(Exception):
    """A request the service cannot serve; `message_nl` is shown to the user."""

    def __init__(self, status: int, message_nl: str) -> None:
        super().__init__(message_nl)
        self.status = status
        self.message_nl = message_nl


@dataclass
class Caller:
    """Who asks: the channel (api, chat, widget, teams) and the API key id when keys are used."""

    channel: str
    key_id: str | None = None


class Answering:
    """Answers questions for the API and Teams with the same privacy and audit rules."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state

    def ask(self, question: str, caller: Caller, history: list[str] | None = None,
            as_of: str | None = None, scope: str | None = None, mode: str | None = None,
            session_id: str | None = None) -> Answer:
        """Redact personal data, answer, and write the audit record."""
        self._check_length(question)
        cleaned = redact(question)
        earlier = [redact(h) for h in (history or [])]
        kinds = list(dict.fromkeys(cleaned.kinds + [k for e in earlier for k in e.kinds]))
        answer = self.state.assistant.ask(cleaned.text, history=[e.text for e in earlier], as_of=as_of,
                                          scope=scope, mode=mode, session_id=session_id)
        if kinds:
            answer.warnings.insert(0, redaction_warning(kinds))
            for kind in kinds:
                self.state.metrics.redactions.labels(kind).inc()
        self._count(answer, caller)
        self.state.store.audit(_audit_record(answer, caller, kinds))
        return answer

    def chat(self, question: str, caller: Caller, session_id: str | None = None, as_of: str | None = None,
             scope: str | None = None, mode: str | None = None, create: bool = False) -> Answer:
        """A turn of a server-side conversation; an unknown session id is an error unless `create`."""
        store = self.state.store
        session = store.get_session(session_id) if session_id else None
        if session_id and not create and (session is None or session.key_id != caller.key_id):
            raise ServiceError(404, "Onbekend gesprek (session_id). Begin een nieuw gesprek zonder session_id.")
        if session is None:
            session = store.open_session(session_id, caller.channel, caller.key_id, scope, as_of)
        as_of, scope = as_of or session.as_of, scope or session.scope
        answer = self.ask(question, caller, store.history(session.id), as_of, scope, mode, session.id)
        store.add_turn(session.id, answer.question, answer.to_dict(), scope, as_of)
        return answer

    def feedback(self, answer_id: str, rating: str, comment: str | None, caller: Caller) -> int:
        """Store feedback on an answer given to this caller's key (comments are redacted too).

        One rating per answer: a second one replaces the first.
        """
        if not self.state.store.answer_exists(answer_id, caller.key_id, check_key=True):
            raise ServiceError(404, "Onbekend antwoord (answer_id): op dit antwoord kan geen feedback worden gegeven.")
        text = redact(comment).text.strip() if comment else None
        row = self.state.store.add_feedback(answer_id, rating, text or None, caller.channel, caller.key_id)
        return row.id

    def _check_length(self, question: str) -> None:
        limit = self.state.settings.max_question_chars
        if len(question) > limit:
            raise ServiceError(422, f"De vraag is te lang ({len(question)} tekens); het maximum is {limit} tekens.")
        if not question.strip():
            raise ServiceError(422, "De vraag is leeg. Typ een vraag.")

    def _count(self, answer: Answer, caller: Caller) -> None:
        self.state.metrics.answers.labels(caller.channel).inc()
        if answer.refused:
            self.state.metrics.refusals.labels(caller.channel).inc()


def _audit_record(answer: Answer, caller: Caller, kinds: list[str]) -> dict:
    """The audit row of an answer: question (redacted), answer, the sources it cited."""
    return {
        "channel": caller.channel, "key_id": caller.key_id, "session_id": answer.session_id,
        "answer_id": answer.answer_id, "question": answer.question, "answer": answer.answer,
        "citations": [{"n": c.n, "chunk_id": c.chunk_id, "document_id": c.document_id,
                       "update_date": c.update_date, "quote": c.quote} for c in answer.citations],
        "refused": answer.refused, "redacted": kinds, "latency_ms": answer.latency_ms,
    }
