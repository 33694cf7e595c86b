"""Class sessions: the teacher pushes polls, students answer, everyone reads the tally.

Pure SQLAlchemy Core over an Engine (no streamlit): the class page wires it to widgets.
Who may do what:
- the teacher holds a secret of 256 bits, stored only as its sha256 here; pushing,
  revealing, closing and exporting all check it;
- a join code lets a student answer the current poll and read aggregates, nothing else;
- a student is a hash of (their browser's anonymous id, the join code), so the
  database never holds the browser id nor links a student across sessions.
Every value reaches SQL as a bound parameter; answers, nicknames and polls are validated
(components/class_rules.py) before any statement, whatever the page already checked.
"""

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from components.class_rules import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    MAX_CHANGES,
    PROGRESS_TTL,
    SESSION_TTL,
    STUDENT,
    ClassSession,
    Poll,
    PollDraft,
    SessionRate,
    Tally,
    check_draft,
    normalise_join_code,
    utc_now,
    valid_answer,
    valid_nickname,
)
from components.store_schema import answers, class_sessions, participants, polls, progress

ANSWER_SAVED = "saved"
ANSWER_CHANGED = "changed"
ANSWER_TOO_LATE = "too_late"  # revealed, replaced by a newer poll, or the session is over
ANSWER_INVALID = "invalid"
ANSWER_RATE_LIMITED = "rate_limited"


class NotTeacher(Exception):
    """The secret given is not this session's teacher's."""


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- sessions -----------------------------------------------------------------------


def create_session(engine: Engine, *, now: datetime | None = None, ttl: timedelta = SESSION_TTL):
    """A new session and its teacher's secret (shown to no one but the teacher's browser)."""
    now = now or utc_now()
    secret = secrets.token_urlsafe(32)
    for _ in range(10):  # a clash of join codes is rare (31**6 codes): draw again
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(class_sessions).values(
                        join_code=code,
                        teacher_hash=_hash_secret(secret),
                        created_at=now,
                        expires_at=now + ttl,
                        closed=False,
                    )
                )
        except IntegrityError:
            continue
        return ClassSession(code, now, now + ttl, False), secret
    raise RuntimeError("no free join code after 10 draws")


def open_session(engine: Engine, join_code: str, *, now: datetime | None = None) -> ClassSession | None:
    code = normalise_join_code(join_code)
    if code is None:
        return None
    with engine.connect() as connection:
        row = connection.execute(select(class_sessions).where(class_sessions.c.join_code == code)).first()
    if row is None or row.closed or row.expires_at <= (now or utc_now()):
        return None
    return ClassSession(row.join_code, row.created_at, row.expires_at, row.closed)


def is_teacher(engine: Engine, join_code: str, secret: str | None) -> bool:
    code = normalise_join_code(join_code)
    if code is None or not isinstance(secret, str) or not secret:
        return False
    with engine.connect() as connection:
        stored = connection.execute(
            select(class_sessions.c.teacher_hash).where(class_sessions.c.join_code == code)
        ).scalar()
    return stored is not None and hmac.compare_digest(stored, _hash_secret(secret))


def _teacher_session_id(connection: Connection, join_code: str, secret: str | None) -> int:
    code = normalise_join_code(join_code)
    row = None
    if code is not None and isinstance(secret, str) and secret:
        row = connection.execute(
            select(class_sessions.c.id, class_sessions.c.teacher_hash).where(class_sessions.c.join_code == code)
        ).first()
    if row is None or not hmac.compare_digest(row.teacher_hash, _hash_secret(secret)):
        raise NotTeacher(join_code)
    return row.id


def close_session(engine: Engine, join_code: str, secret: str) -> None:
    with engine.begin() as connection:
        session_id = _teacher_session_id(connection, join_code, secret)
        connection.execute(update(class_sessions).where(class_sessions.c.id == session_id).values(closed=True))


# --- who joined --------------------------------------------------------------------


def join_session(engine: Engine, join_code: str, student: str, *, now: datetime | None = None) -> bool:
    """Count this student in the open session (again: nothing changes); False when the
    code or the student is not valid, or the session is over. One insert that ignores
    a duplicate: a student's page calls it once per session."""
    code = normalise_join_code(join_code)
    if code is None or not STUDENT.fullmatch(str(student)):
        return False
    now = now or utc_now()
    with engine.begin() as connection:
        session_id = connection.execute(
            select(class_sessions.c.id).where(
                class_sessions.c.join_code == code,
                class_sessions.c.closed.is_(False),
                class_sessions.c.expires_at > now,
            )
        ).scalar()
        if session_id is None:
            return False
        statement = _upsert(connection, participants)
        connection.execute(
            statement.values(session_id=session_id, student=student, joined_at=now).on_conflict_do_nothing(
                index_elements=[participants.c.session_id, participants.c.student]
            )
        )
    return True


def joined_count(engine: Engine, join_code: str) -> int:
    """How many students joined the session: a number, never who."""
    code = normalise_join_code(join_code)
    if code is None:
        return 0
    with engine.connect() as connection:
        return connection.execute(
            select(func.count())
            .select_from(participants)
            .join(class_sessions, participants.c.session_id == class_sessions.c.id)
            .where(class_sessions.c.join_code == code)
        ).scalar_one()


# --- polls --------------------------------------------------------------------------


def push_poll(engine: Engine, join_code: str, secret: str, draft: PollDraft, *, now: datetime | None = None) -> Poll:
    """Make `draft` the session's current poll (the one every student sees)."""
    check_draft(draft)
    now = now or utc_now()
    for attempt in range(5):  # two pushes at once (a double click) draw the same position: the loser retries
        try:
            return _insert_poll(engine, join_code, secret, draft, now)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _insert_poll(engine: Engine, join_code: str, secret: str, draft: PollDraft, now: datetime) -> Poll:
    with engine.begin() as connection:
        session_id = _teacher_session_id(connection, join_code, secret)
        position = 1 + (
            connection.execute(select(func.max(polls.c.position)).where(polls.c.session_id == session_id)).scalar() or 0
        )
        poll_id = connection.execute(
            insert(polls)
            .values(
                session_id=session_id,
                position=position,
                kind=draft.kind,
                prompt=draft.prompt,
                explanation=draft.explanation,
                choices=json.dumps(list(draft.choices)),
                expected=draft.expected,
                tolerance=draft.tolerance,
                relative=draft.relative,
                source=draft.source,
                revealed=False,
                created_at=now,
            )
            .returning(polls.c.id)
        ).scalar_one()
    return Poll(**vars(draft), poll_id=poll_id, position=position, revealed=False, created_at=now)


def _poll(row) -> Poll:
    return Poll(
        kind=row.kind,
        prompt=row.prompt,
        explanation=row.explanation,
        choices=tuple(json.loads(row.choices)),
        expected=row.expected,
        tolerance=row.tolerance,
        relative=row.relative,
        source=row.source,
        poll_id=row.id,
        position=row.position,
        revealed=row.revealed,
        created_at=row.created_at,
    )


def current_poll(engine: Engine, join_code: str, *, now: datetime | None = None) -> Poll | None:
    """The latest poll of an open session; None before the first push or after the end."""
    code = normalise_join_code(join_code)
    if code is None:
        return None
    with engine.connect() as connection:
        return _current_poll(connection, code, now or utc_now())


def _current_poll(connection: Connection, code: str, now: datetime) -> Poll | None:
    row = connection.execute(
        select(polls)
        .join(class_sessions, polls.c.session_id == class_sessions.c.id)
        .where(
            class_sessions.c.join_code == code,
            class_sessions.c.closed.is_(False),
            class_sessions.c.expires_at > now,
        )
        .order_by(polls.c.position.desc())
        .limit(1)
    ).first()
    return None if row is None else _poll(row)


def reveal(engine: Engine, join_code: str, secret: str, poll_id: int) -> None:
    with engine.begin() as connection:
        session_id = _teacher_session_id(connection, join_code, secret)
        connection.execute(
            update(polls).where(polls.c.id == poll_id, polls.c.session_id == session_id).values(revealed=True)
        )


# --- answers ------------------------------------------------------------------------


_RATE = SessionRate()


def _upsert(connection: Connection, table: Table):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)


def submit_answer(
    engine: Engine,
    join_code: str,
    poll_id: int,
    student: str,
    answer: str,
    *,
    correct: bool | None,
    nickname: str = "",
    now: datetime | None = None,
) -> str:
    """Record or replace this student's answer to the current poll; the outcome, as a constant."""
    code = normalise_join_code(join_code)
    if code is None or not STUDENT.fullmatch(str(student)) or not valid_nickname(nickname):
        return ANSWER_INVALID
    if not _RATE.allow(code):
        return ANSWER_RATE_LIMITED
    now = now or utc_now()
    with engine.begin() as connection:
        poll = _current_poll(connection, code, now)
        if poll is None or poll.poll_id != poll_id or poll.revealed:
            return ANSWER_TOO_LATE
        stored = valid_answer(poll.kind, poll.choices, answer)
        if stored is None:
            return ANSWER_INVALID
        before = connection.execute(
            select(answers.c.changes).where(answers.c.poll_id == poll_id, answers.c.student == student)
        ).scalar()
        if before is not None and before >= MAX_CHANGES:
            return ANSWER_RATE_LIMITED
        statement = _upsert(connection, answers).values(
            poll_id=poll_id,
            student=student,
            answer=stored,
            correct=None if poll.kind == "vote" else bool(correct),
            nickname=nickname.strip(),
            changes=0,
            answered_at=now,
        )
        changed = connection.execute(
            statement.on_conflict_do_update(
                index_elements=[answers.c.poll_id, answers.c.student],
                set_={
                    "answer": statement.excluded.answer,
                    "correct": statement.excluded.correct,
                    "nickname": statement.excluded.nickname,
                    "answered_at": statement.excluded.answered_at,
                    "changes": answers.c.changes + 1,
                },
                where=answers.c.changes < MAX_CHANGES,  # the cap holds even when two changes race
            )
        )
    if changed.rowcount == 0:
        return ANSWER_RATE_LIMITED
    return ANSWER_SAVED if before is None else ANSWER_CHANGED


def student_answer(engine: Engine, poll_id: int, student: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            select(answers.c.answer).where(answers.c.poll_id == poll_id, answers.c.student == student)
        ).scalar()


def tally(engine: Engine, poll: Poll) -> Tally:
    """What the class answered, in aggregate: no student and no nickname in it."""
    with engine.connect() as connection:
        rows = connection.execute(select(answers.c.answer, answers.c.correct).where(answers.c.poll_id == poll.poll_id))
        rows = rows.all()
    correct = sum(1 for row in rows if row.correct)
    if poll.kind == "number":
        return Tally(len(rows), {}, tuple(float(row.answer) for row in rows), correct)
    counts = dict.fromkeys(poll.choices, 0)
    for row in rows:
        counts[row.answer] = counts.get(row.answer, 0) + 1
    return Tally(len(rows), counts, (), correct)


def export_rows(engine: Engine, join_code: str, secret: str) -> list[dict]:
    """Every answer of the session, for the teacher's CSV (nicknames included: theirs only)."""
    with engine.connect() as connection:
        session_id = _teacher_session_id(connection, join_code, secret)
        rows = connection.execute(
            select(
                polls.c.position,
                polls.c.source,
                polls.c.kind,
                polls.c.prompt,
                polls.c.expected,
                answers.c.answer,
                answers.c.correct,
                answers.c.nickname,
                answers.c.answered_at,
            )
            .join(answers, answers.c.poll_id == polls.c.id)
            .where(polls.c.session_id == session_id)
            .order_by(polls.c.position, answers.c.answered_at)
        ).all()
    return [dict(row._mapping) for row in rows]


# --- expiry -------------------------------------------------------------------------


def purge_expired(
    engine: Engine, *, now: datetime | None = None, progress_ttl: timedelta = PROGRESS_TTL
) -> tuple[int, int]:
    """Delete sessions past their expiry (with their polls, answers and participants) and progress
    not seen for `progress_ttl`; how many sessions and progress rows went."""
    now = now or utc_now()
    with engine.begin() as connection:
        expired = select(class_sessions.c.id).where(class_sessions.c.expires_at <= now).scalar_subquery()
        expired_polls = select(polls.c.id).where(polls.c.session_id.in_(expired)).scalar_subquery()
        connection.execute(delete(answers).where(answers.c.poll_id.in_(expired_polls)))
        connection.execute(delete(polls).where(polls.c.session_id.in_(expired)))
        connection.execute(delete(participants).where(participants.c.session_id.in_(expired)))
        sessions = connection.execute(delete(class_sessions).where(class_sessions.c.expires_at <= now)).rowcount
        old = connection.execute(delete(progress).where(and_(progress.c.last_seen <= now - progress_ttl))).rowcount
    return sessions, old
