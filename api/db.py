"""Sessions, feedback, the audit log and API keys in one SQL database (SQLite with WAL, or PostgreSQL)."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    create_engine,
    delete,
    event,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
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
    # One rating per answer: a second one replaces the first, so a retry (or a click on two replicas)
    # lands once. Declared here and also created on older databases (see Store.__init__).
    __table_args__ = (Index("uq_feedback_answer_id", "answer_id", unique=True),)
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


class RateBucket(Base):
    """A rate limit shared by every process on this database: the theoretical arrival time (GCRA)."""

    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


def _without_nul(value):
    """PostgreSQL text cannot hold NUL; SQLite can. Both drop it, so both behave the same."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_nul(v) for v in value)
    return value


def make_engine(db_url: str) -> Engine:
    """An engine for `db_url`; SQLite gets WAL, a busy timeout and its directory created."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        engine = create_engine(db_url, pool_pre_ping=True, future=True)
        _strip_nul(engine)
        return engine
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

    _strip_nul(engine)
    return engine


def _strip_nul(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _clean(conn, cursor, statement, parameters, context, executemany):
        return statement, _without_nul(parameters)


class Store:
    """The service's records; every method opens and commits its own transaction."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url)
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a database made by an earlier version up to date (the one-feedback-per-answer index)."""
        index = next(i for i in FeedbackRow.__table__.indexes if i.name == "uq_feedback_answer_id")
        try:
            with self.engine.begin() as conn:
                if self.engine.dialect.has_index(conn, "feedback", index.name):
                    return
                keep = select(func.max(FeedbackRow.id)).group_by(FeedbackRow.answer_id).scalar_subquery()
                conn.execute(delete(FeedbackRow).where(FeedbackRow.id.not_in(keep)))
                index.create(conn, checkfirst=True)
        except SQLAlchemyError as exc:  # another replica may be doing the same at this moment
            log.warning("feedback index not created: %s", exc)

    @property
    def _insert(self):
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert

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

    def answer_exists(self, answer_id: str, key_id: str | None = None, check_key: bool = False) -> bool:
        """Whether an answer with this id was given (it is in the audit log), to `key_id` if checked."""
        query = select(AuditRow.id).where(AuditRow.answer_id == answer_id)
        if check_key:
            query = query.where(AuditRow.key_id.is_(None) if key_id is None else AuditRow.key_id == key_id)
        with self._session() as db:
            return db.scalar(query) is not None

    def add_feedback(self, answer_id: str, rating: str, comment: str | None, channel: str,
                     key_id: str | None) -> FeedbackRow:
        """Store the feedback on an answer; a later rating of the same answer replaces the earlier one."""
        values = {"rating": rating, "comment": comment, "channel": channel, "key_id": key_id, "created": _now()}
        statement = (self._insert(FeedbackRow).values(answer_id=answer_id, **values)
                     .on_conflict_do_update(index_elements=["answer_id"], set_=values))
        with self._session() as db, db.begin():
            db.execute(statement)
            return db.scalar(select(FeedbackRow).where(FeedbackRow.answer_id == answer_id))

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

    def api_key_by_hash(self, sha256: str) -> ApiKeyRow | None:
        """The active key with this hash (a key made on another replica is found at once)."""
        with self._session() as db:
            return db.scalar(select(ApiKeyRow).where(ApiKeyRow.sha256 == sha256, ApiKeyRow.active.is_(True)))

    # -- shared rate limit ----------------------------------------------------------------------

    def take_token(self, key: str, interval: float, tolerance: float, now: float) -> float:
        """One request against `key`'s limit (GCRA); 0 when allowed, else the seconds to wait.

        One conditional UPDATE does the check and the take, so replicas on one database cannot both
        spend the last token.
        """
        pushed = case((RateBucket.tat > now, RateBucket.tat), else_=now) + interval
        # RETURNING says what happened: rowcount of an INSERT ... ON CONFLICT is not reliable everywhere.
        take = (update(RateBucket).where(RateBucket.key == key, pushed - now <= tolerance)
                .values(tat=pushed).returning(RateBucket.key)
                .execution_options(synchronize_session=False))
        create = (self._insert(RateBucket).values(key=key, tat=now + interval)
                  .on_conflict_do_nothing(index_elements=["key"]).returning(RateBucket.key))
        with self._session() as db, db.begin():
            if db.execute(take).first() is not None:
                return 0.0
            if db.execute(create).first() is not None or db.execute(take).first() is not None:
                return 0.0
            tat = db.scalar(select(RateBucket.tat).where(RateBucket.key == key)) or now
            return max(tat + interval - now - tolerance, 0.001)

    # -- retention ------------------------------------------------------------------------------

    def purge(self, audit_days: int, turns_days: int, feedback_days: int,
              dry_run: bool = False) -> dict[str, int]:
        """Delete rows older than their retention (0 days: keep forever); returns the counts removed."""
        removed = {"audit": 0, "turns": 0, "sessions": 0, "feedback": 0, "rate_buckets": 0}
        now = _now()
        with self._session() as db:
            db.begin()
            if audit_days > 0:
                removed["audit"] = db.execute(
                    delete(AuditRow).where(AuditRow.created < now - timedelta(days=audit_days)),
                    execution_options={"synchronize_session": False}).rowcount
            if feedback_days > 0:
                removed["feedback"] = db.execute(
                    delete(FeedbackRow).where(FeedbackRow.created < now - timedelta(days=feedback_days)),
                    execution_options={"synchronize_session": False}).rowcount
            if turns_days > 0:
                cutoff = now - timedelta(days=turns_days)
                removed["turns"] = db.execute(delete(TurnRow).where(TurnRow.created < cutoff),
                                              execution_options={"synchronize_session": False}).rowcount
                empty = ~exists().where(TurnRow.session_id == ChatSession.id)
                removed["sessions"] = db.execute(delete(ChatSession).where(ChatSession.updated < cutoff, empty),
                                                 execution_options={"synchronize_session": False}).rowcount
            stale = datetime.now(timezone.utc).timestamp() - 86_400
            removed["rate_buckets"] = db.execute(delete(RateBucket).where(RateBucket.tat < stale),
                                                 execution_options={"synchronize_session": False}).rowcount
            if dry_run:
                db.rollback()
            else:
                db.commit()
        return removed
