"""Sessions, feedback, the audit log and API keys in one SQL database (SQLite with WAL, or PostgreSQL)."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Base(DeclarativeBase):
    """Declarative base of the service tables."""


class ChatSession(Base):
    """A conversation: API chat (id made here) or Teams (the conversation id)."""

    __tablename__ = "chat_sessions"
    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    scope: Mapped[str | None] = mapped_column(String(100), nullable=True)
    as_of: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created: Mapped[datetime] = mapped_column(default=_now)
    updated: Mapped[datetime] = mapped_column(default=_now)


class TurnRow(Base):
    """One question of a session and the answer it got (the Answer JSON)."""

    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answer_id: Mapped[str] = mapped_column(String(64), unique=True)
    answer: Mapped[dict] = mapped_column(JSON)
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    created: Mapped[datetime] = mapped_column(default=_now)


class FeedbackRow(Base):
    """A thumbs up or down on an answer, from the widget, the API or Teams."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(64), index=True)
    rating: Mapped[str] = mapped_column(String(4))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created: Mapped[datetime] = mapped_column(default=_now)


class AuditRow(Base):
    """Who asked what (redacted) and what was answered with which sources, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[datetime] = mapped_column(default=_now, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    session_id: Mapped[str | None] = mapped_column(String(400), nullable=True)
    answer_id: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list] = mapped_column(JSON)
    refused: Mapped[bool] = mapped_column(Boolean)
    redacted: Mapped[list] = mapped_column(JSON)
    latency_ms: Mapped[int] = mapped_column(Integer)


class ApiKeyRow(Base):
    """An API key: only its sha256 is kept."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    origins: Mapped[list] = mapped_column(JSON, default=list)
    rate_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(default=_now)


def make_engine(db_url: str) -> Engine:
    """An engine for `db_url`; SQLite gets WAL, a busy timeout and its directory created."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(db_url, pool_pre_ping=True, future=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(db_url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # WAL lets readers and one writer work at once
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


class Store:
    """The service's records; every method opens and commits its own transaction."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url)
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # -- sessions -------------------------------------------------------------------------------

    def get_session(self, session_id: str) -> ChatSession | None:
        """The session with this id, or None."""
        with self._session() as db:
            return db.get(ChatSession, session_id)

    def open_session(self, session_id: str | None, channel: str, key_id: str | None,
                     scope: str | None = None, as_of: str | None = None) -> ChatSession:
        """Create a session (a new id when none is given) or return the existing one."""
        with self._session() as db, db.begin():
            row = db.get(ChatSession, session_id) if session_id else None
            if row is None:
                row = ChatSession(id=session_id or uuid.uuid4().hex, channel=channel, key_id=key_id,
                                  scope=scope, as_of=as_of)
                db.add(row)
            return row

    def history(self, session_id: str) -> list[str]:
        """The earlier (redacted) questions of a session, oldest first."""
        with self._session() as db:
            rows = db.scalars(select(TurnRow.question).where(TurnRow.session_id == session_id)
                              .order_by(TurnRow.position))
            return list(rows)

    def turns(self, session_id: str) -> list[TurnRow]:
        """The turns of a session, oldest first."""
        with self._session() as db:
            return list(db.scalars(select(TurnRow).where(TurnRow.session_id == session_id)
                                   .order_by(TurnRow.position)))

    def add_turn(self, session_id: str, question: str, answer: dict, scope: str | None,
                 as_of: str | None) -> TurnRow:
        """Append a turn and remember the session's latest scope and as-of date."""
        with self._session() as db, db.begin():
            n = db.scalar(select(func.count()).select_from(TurnRow).where(TurnRow.session_id == session_id))
            row = TurnRow(session_id=session_id, position=(n or 0) + 1, question=question,
                          answer_id=answer["answer_id"], answer=answer)
            db.add(row)
            session = db.get(ChatSession, session_id)
            session.updated, session.scope, session.as_of = _now(), scope, as_of
            return row

    def set_message_id(self, answer_id: str, message_id: str) -> None:
        """Remember the Teams message id that carried an answer (its feedback refers to it)."""
        with self._session() as db, db.begin():
            row = db.scalar(select(TurnRow).where(TurnRow.answer_id == answer_id))
            if row is not None:
                row.message_id = message_id

    def answer_for_message(self, session_id: str, message_id: str | None) -> str | None:
        """The answer id a Teams message carried, else the latest answer of the conversation."""
        with self._session() as db:
            if message_id:
                found = db.scalar(select(TurnRow.answer_id).where(TurnRow.session_id == session_id,
                                                                  TurnRow.message_id == message_id))
                if found:
                    return found
            return db.scalar(select(TurnRow.answer_id).where(TurnRow.session_id == session_id)
                             .order_by(TurnRow.position.desc()).limit(1))

    # -- feedback and audit ---------------------------------------------------------------------

    def answer_exists(self, answer_id: str) -> bool:
        """Whether an answer with this id was given (it is in the audit log)."""
        with self._session() as db:
            return db.scalar(select(AuditRow.id).where(AuditRow.answer_id == answer_id)) is not None

    def add_feedback(self, answer_id: str, rating: str, comment: str | None, channel: str,
                     key_id: str | None) -> FeedbackRow:
        """Store the rating of one answer by one key: a later click replaces the earlier one."""
        with self._session() as db, db.begin():
            row = db.scalar(select(FeedbackRow).where(
                FeedbackRow.answer_id == answer_id, FeedbackRow.channel == channel,
                FeedbackRow.key_id.is_(None) if key_id is None else FeedbackRow.key_id == key_id))
            if row is None:
                row = FeedbackRow(answer_id=answer_id, channel=channel, key_id=key_id)
                db.add(row)
            row.rating, row.comment, row.created = rating, comment, _now()
            return row

    def feedback(self, answer_id: str | None = None) -> list[FeedbackRow]:
        """Feedback records, optionally for one answer, oldest first."""
        with self._session() as db:
            query = select(FeedbackRow).order_by(FeedbackRow.id)
            if answer_id:
                query = query.where(FeedbackRow.answer_id == answer_id)
            return list(db.scalars(query))

    def audit(self, record: dict) -> None:
        """Append one record to the audit log."""
        with self._session() as db, db.begin():
            db.add(AuditRow(**record))

    def audit_log(self, limit: int = 100) -> list[AuditRow]:
        """The latest audit records, newest first."""
        with self._session() as db:
            return list(db.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))

    # -- API keys -------------------------------------------------------------------------------

    def api_keys(self) -> list[ApiKeyRow]:
        """The active API keys stored in the database."""
        with self._session() as db:
            return list(db.scalars(select(ApiKeyRow).where(ApiKeyRow.active.is_(True))))

    def add_api_key(self, key_id: str, sha256: str, origins: list[str] | None = None,
                    rate_per_minute: int | None = None) -> None:
        """Store a key's hash (never the key)."""
        with self._session() as db, db.begin():
            db.add(ApiKeyRow(id=key_id, sha256=sha256, origins=origins or [],
                             rate_per_minute=rate_per_minute))
