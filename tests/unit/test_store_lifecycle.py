"""The store over time: expired sessions and old progress purged, the schema created,
migrated from an older version, raced by two servers, refused when newer than the app.
On SQLite and on a real PostgreSQL (the `store_engine` and `database_url` fixtures)."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from components import class_store, progress_store
from components.store_schema import SCHEMA_VERSION, metadata, migrate
from tests.unit.test_class_store import T0, count, new_class, rows, student

# --- expiry and migration -----------------------------------------------------------------


def test_the_purge_deletes_expired_sessions_with_their_rows_and_old_progress(store_engine):
    later = T0 + timedelta(hours=12)
    old_code, _, old_poll = new_class(store_engine, now=T0)
    class_store.submit_answer(
        store_engine, old_code, old_poll.poll_id, student(1, old_code), "(6,)", correct=False, now=T0
    )
    new_code, _, new_poll = new_class(store_engine, now=later)
    class_store.submit_answer(
        store_engine, new_code, new_poll.poll_id, student(1, new_code), "(6,)", correct=False, now=later
    )
    for code, when in ((old_code, T0), (new_code, later)):
        assert class_store.join_session(store_engine, code, student(1, code), now=when)
    stale, visited = "a" * 43, "b" * 43
    progress_store.save_progress(store_engine, stale, {"quiz": {"tenseurs": {"forme": True}}}, now=T0)
    progress_store.save_progress(store_engine, visited, {}, now=T0)
    assert progress_store.load_progress(store_engine, visited, now=T0 + timedelta(days=60)) is not None

    assert class_store.purge_expired(store_engine, now=T0 + timedelta(hours=24, seconds=-1)) == (0, 0)
    assert class_store.purge_expired(store_engine, now=T0 + timedelta(hours=24)) == (1, 0)
    assert count(store_engine, "select count(*) from answers where poll_id = :p", p=old_poll.poll_id) == 0
    assert count(store_engine, "select count(*) from polls where id = :p", p=old_poll.poll_id) == 0
    assert count(store_engine, "select count(*) from answers where poll_id = :p", p=new_poll.poll_id) == 1
    assert count(store_engine, "select count(*) from participants") == 1
    assert class_store.joined_count(store_engine, new_code) == 1
    assert class_store.open_session(store_engine, new_code, now=later) is not None

    assert class_store.purge_expired(store_engine, now=T0 + timedelta(days=90, seconds=-1)) == (1, 0)
    assert class_store.purge_expired(store_engine, now=T0 + timedelta(days=90)) == (0, 1)
    assert progress_store.load_progress(store_engine, stale) is None
    assert progress_store.load_progress(store_engine, visited) is not None
    assert [
        count(store_engine, f"select count(*) from {table}")
        for table in ("class_sessions", "polls", "answers", "participants")
    ] == [0, 0, 0, 0]


def test_the_migration_is_idempotent_and_records_its_version(store_engine):
    assert migrate(store_engine) == migrate(store_engine) == SCHEMA_VERSION
    assert rows(store_engine, "select version from schema_versions") == [(SCHEMA_VERSION,)]
    tables = set(sa.inspect(store_engine).get_table_names())
    assert tables == {"schema_versions", "class_sessions", "polls", "answers", "participants", "progress"}


def test_a_version_1_database_is_brought_to_version_2_with_its_rows_kept(database_url):
    """A database made before the participants table: the migration adds it and records 2."""
    engine = sa.create_engine(database_url)
    try:
        metadata.create_all(engine, tables=[table for table in metadata.sorted_tables if table.name != "participants"])
        with engine.begin() as connection:
            connection.execute(sa.text("insert into schema_versions (version) values (1)"))
        code, secret, poll = new_class(engine)
        assert migrate(engine) == SCHEMA_VERSION == 2
        assert rows(engine, "select version from schema_versions order by version") == [(1,), (2,)]
        assert "participants" in sa.inspect(engine).get_table_names()
        assert class_store.current_poll(engine, code) == poll
        assert class_store.join_session(engine, code, student(1, code))
        assert class_store.joined_count(engine, code) == 1
        assert class_store.is_teacher(engine, code, secret)
    finally:
        engine.dispose()


def test_servers_starting_together_migrate_once(database_url):
    """Two app processes on one database: each has its own engine, both migrate at start."""
    engines = [sa.create_engine(database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    errors = []

    def start_server(engine):
        try:
            start.wait()
            migrate(engine)
        except Exception as error:  # collected: the main thread fails the test with it
            errors.append(error)

    threads = [threading.Thread(target=start_server, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert rows(engines[0], "select version from schema_versions") == [(SCHEMA_VERSION,)]
    finally:
        for engine in engines:
            engine.dispose()


def test_a_database_newer_than_the_app_is_refused(store_engine):
    with store_engine.begin() as connection:
        connection.execute(sa.text("insert into schema_versions (version) values (:v)"), {"v": SCHEMA_VERSION + 1})
    with pytest.raises(RuntimeError, match="newer"):
        migrate(store_engine)
