"""Saved progress on SQLite and on a real PostgreSQL server (`store_engine` runs each test on both)."""

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from components import progress_store

T0 = datetime(2030, 3, 4, 8, 30)
BROWSER = "Zx-_" + "a1" * 19 + "q"  # 43 characters of base64url, as 32 random bytes encode
OTHER_BROWSER = "b" * 43
PROGRESS = {"quiz": {"tenseurs": {"forme": True, "dtype": False}}, "exercises": {"boucle": {"boucle.pas": True}}}


def stored_rows(engine) -> list:
    with engine.connect() as connection:
        # Typed, so SQLite's text timestamps come back as datetimes, as PostgreSQL's do.
        statement = sa.text("select owner, payload, last_seen from progress").columns(last_seen=sa.DateTime)
        return connection.execute(statement).all()


def test_progress_round_trips_per_browser(store_engine):
    assert progress_store.load_progress(store_engine, BROWSER) is None
    progress_store.save_progress(store_engine, BROWSER, PROGRESS, now=T0)
    progress_store.save_progress(store_engine, OTHER_BROWSER, {"quiz": {"autograd": {"grad": True}}}, now=T0)
    assert progress_store.load_progress(store_engine, BROWSER) == PROGRESS
    assert progress_store.load_progress(store_engine, OTHER_BROWSER) == {
        "quiz": {"autograd": {"grad": True}},
        "exercises": {},
    }


def test_a_save_replaces_the_row_and_a_load_records_the_visit(store_engine):
    progress_store.save_progress(store_engine, BROWSER, PROGRESS, now=T0)
    progress_store.save_progress(store_engine, BROWSER, {"quiz": {"tenseurs": {"forme": False}}}, now=T0)
    [(_, payload, last_seen)] = stored_rows(store_engine)
    assert json.loads(payload) == {"quiz": {"tenseurs": {"forme": False}}, "exercises": {}}
    assert last_seen == T0
    progress_store.load_progress(store_engine, BROWSER, now=T0 + timedelta(days=3))
    assert stored_rows(store_engine)[0].last_seen == T0 + timedelta(days=3)


def test_the_database_keeps_a_hash_of_the_browser_id_not_the_id(store_engine):
    progress_store.save_progress(store_engine, BROWSER, PROGRESS)
    [(owner, payload, _)] = stored_rows(store_engine)
    assert len(owner) == 64 and BROWSER not in owner and BROWSER not in payload


def test_erase_removes_this_browsers_row_only(store_engine):
    progress_store.save_progress(store_engine, BROWSER, PROGRESS)
    progress_store.save_progress(store_engine, OTHER_BROWSER, PROGRESS)
    progress_store.erase_progress(store_engine, BROWSER)
    assert progress_store.load_progress(store_engine, BROWSER) is None
    assert progress_store.load_progress(store_engine, OTHER_BROWSER) == PROGRESS
    assert len(stored_rows(store_engine)) == 1


def test_a_malformed_payload_keeps_only_its_well_formed_marks(store_engine):
    payload = {
        "quiz": {"tenseurs": {"forme": True, "dtype": "yes", "rang": 1, 3: True}, "autograd": ["grad"]},
        "exercises": "all of them",
        "admin": {"x": {"y": True}},
    }
    progress_store.save_progress(store_engine, BROWSER, payload)
    assert progress_store.load_progress(store_engine, BROWSER) == {
        "quiz": {"tenseurs": {"forme": True}},
        "exercises": {},
    }


@pytest.mark.parametrize("browser_id", ["", "a" * 42, "a" * 44, "a" * 42 + "=", "a" * 42 + "'", None, 7])
def test_an_invalid_browser_id_reads_nothing_and_writes_nothing(store_engine, browser_id):
    progress_store.save_progress(store_engine, BROWSER, PROGRESS)
    assert not progress_store.valid_browser_id(browser_id)
    assert progress_store.load_progress(store_engine, browser_id) is None
    with pytest.raises(ValueError, match="browser id"):
        progress_store.save_progress(store_engine, browser_id, PROGRESS)
    progress_store.erase_progress(store_engine, browser_id)
    assert len(stored_rows(store_engine)) == 1


def test_a_payload_over_the_size_limit_is_refused(store_engine):
    keys_per_page = progress_store.MAX_ENTRIES
    pages = {f"page-{n:02d}": {f"{n:02d}-{k:03d}-" + "q" * 70: True for k in range(keys_per_page)} for n in range(5)}
    with pytest.raises(ValueError, match="too large"):
        progress_store.save_progress(store_engine, BROWSER, {"quiz": pages})
    assert stored_rows(store_engine) == []


def test_quotes_and_sql_in_keys_stay_data(store_engine):
    hostile = {"quiz": {"'; DROP TABLE progress; --": {"x' OR '1'='1": True}}, "exercises": {}}
    progress_store.save_progress(store_engine, BROWSER, hostile)
    assert progress_store.load_progress(store_engine, BROWSER) == hostile
    assert "progress" in sa.inspect(store_engine).get_table_names()
