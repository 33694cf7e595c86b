"""The database's tables and their migration: one schema for SQLite and PostgreSQL.

Times are naive UTC (`datetime.now(UTC)` without its zone): SQLite keeps no time zone,
and one convention on both back ends keeps comparisons honest. No foreign-key cascade
is relied on (SQLite enforces none unless asked): `class_store.purge_expired` deletes
answers, polls, participants and sessions in that order itself.
"""

import time

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError

SCHEMA_VERSION = 2

metadata = MetaData()

schema_versions = Table(
    "schema_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False, server_default=func.current_timestamp()),
)

class_sessions = Table(
    "class_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("join_code", String(6), nullable=False, unique=True),
    Column("teacher_hash", String(64), nullable=False),  # sha256 of the teacher's secret, never the secret
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
    Column("closed", Boolean, nullable=False, default=False),
)

polls = Table(
    "polls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id"), nullable=False),
    Column("position", Integer, nullable=False),  # 1, 2, … in the order the teacher pushed them
    Column("kind", String(16), nullable=False),
    Column("prompt", Text, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("choices", Text, nullable=False),  # a JSON list of strings
    Column("expected", Text),
    Column("tolerance", Float, nullable=False),
    Column("relative", Float, nullable=False),
    Column("source", String(120), nullable=False),
    Column("revealed", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("session_id", "position"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("poll_id", Integer, ForeignKey("polls.id"), nullable=False),
    Column("student", String(64), nullable=False),  # sha256 of (browser id, join code): not the browser id
    Column("answer", String(200), nullable=False),
    Column("correct", Boolean),  # None for a vote, which has no right answer
    Column("nickname", String(24), nullable=False, default=""),
    Column("changes", Integer, nullable=False, default=0),
    Column("answered_at", DateTime, nullable=False),
    UniqueConstraint("poll_id", "student"),  # one answer per student per question, enforced by the database
)

participants = Table(
    "participants",
    metadata,
    Column("session_id", Integer, ForeignKey("class_sessions.id"), primary_key=True, autoincrement=False),
    Column("student", String(64), primary_key=True),  # the same hash as answers.student
    Column("joined_at", DateTime, nullable=False),
)

progress = Table(
    "progress",
    metadata,
    Column("owner", String(64), primary_key=True),  # sha256 of the anonymous browser id
    Column("payload", Text, nullable=False),  # JSON: {"quiz": {...}, "exercises": {...}}
    Column("last_seen", DateTime, nullable=False, index=True),
)

# version -> SQL statements that bring the schema from version - 1 to it. `create_all`
# runs first and adds any missing table: version 2 (participants) is a new table, so
# nothing more to run, only its version to record.
MIGRATIONS: dict[int, tuple[str, ...]] = {2: ()}

_MIGRATION_LOCK = 191_919  # PostgreSQL advisory lock: two servers starting together migrate once


def migrate(engine: Engine, attempts: int = 5) -> int:
    """Create the tables or bring them to SCHEMA_VERSION; the version now recorded.

    PostgreSQL serialises two servers starting together with an advisory lock; SQLite
    has none (pysqlite runs CREATE TABLE outside the transaction), so there the loser
    of the race meets the winner's tables or version row, and simply looks again."""
    for attempt in range(attempts):
        try:
            return _migrate_once(engine)
        except (OperationalError, IntegrityError):
            if engine.dialect.name == "postgresql" or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _migrate_once(engine: Engine) -> int:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        metadata.create_all(connection, checkfirst=True)
        recorded = connection.execute(select(func.max(schema_versions.c.version))).scalar()
        if recorded is None:  # a new database: create_all made the latest schema
            connection.execute(insert(schema_versions).values(version=SCHEMA_VERSION))
            return SCHEMA_VERSION
        if recorded > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {recorded} is newer than this app's {SCHEMA_VERSION}")
        for version in range(recorded + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                connection.execute(text(statement))
            connection.execute(insert(schema_versions).values(version=version))
    return SCHEMA_VERSION
