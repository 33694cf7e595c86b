"""The app's database: SQLite in a file by default, PostgreSQL when the secrets name one.

Where the URL comes from, first found wins:
1. the environment variable `PYTORCH_COURSE_DATABASE_URL` (tests, benchmarks, servers
   started by hand);
2. Streamlit's secrets, `[connections.classe] url = "postgresql+psycopg://…"`, the
   convention of `st.connection` and of Community Cloud's secrets settings;
3. `data/classe.sqlite3` beside the app: nothing to configure, and it survives a restart
   of the app (not a new Community Cloud container: the README says when to use which).
The schema is created or migrated when the engine is first made, once per process.
"""

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine, create_engine, event

from components import class_store
from components.store_schema import migrate

URL_VARIABLE = "PYTORCH_COURSE_DATABASE_URL"
SESSION_HOURS_VARIABLE = "PYTORCH_COURSE_SESSION_HOURS"  # how long a class session and its answers are kept
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "classe.sqlite3"
PURGE_EVERY_SECONDS = 600.0

_purge_lock = threading.Lock()
_last_purge = {"at": 0.0}


def database_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if url:
        return url
    try:
        url = st.secrets.get("connections", {}).get("classe", {}).get("url")
    except FileNotFoundError:  # no secrets file at all: the default
        url = None
    if url:
        return str(url)
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def session_ttl() -> timedelta:
    hours = os.environ.get(SESSION_HOURS_VARIABLE)
    try:
        return timedelta(hours=min(max(float(hours), 0.01), 24 * 7)) if hours else class_store.SESSION_TTL
    except ValueError:
        return class_store.SESSION_TTL


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # timeout: a writer waits for another's lock instead of failing at once
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
    migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL: readers (every polling student) never wait for the writer (one answer)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """The process's engine for the configured URL (a changed URL gets its own)."""
    current = _engine_for(database_url())
    _purge_now_and_then(current)
    return current


def _purge_now_and_then(current: Engine) -> None:
    """Expired sessions and old progress go at most every ten minutes, by whichever
    visitor comes then: no scheduler to run beside the app."""
    with _purge_lock:
        if time.monotonic() - _last_purge["at"] < PURGE_EVERY_SECONDS:
            return
        _last_purge["at"] = time.monotonic()
    class_store.purge_expired(current)
