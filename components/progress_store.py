"""Self-study progress kept under an anonymous browser id: no account, no name.

The browser keeps a random id (32 bytes, components/browser_storage.py); the database
keeps only its sha256, the answers' right/wrong marks and the last visit. A row not
seen for 90 days goes (`class_store.purge_expired`). Pure SQLAlchemy Core, no streamlit.
"""

import hashlib
import json
import re
from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from components.class_store import utc_now
from components.store_schema import progress

PARTS = ("quiz", "exercises")  # quiz: {page_id: {question_id: right}}; exercises: {page_id: {exercise_id: solved}}
MAX_PAGES = 20
MAX_ENTRIES = 200  # per page: far above any page's questions
MAX_KEY_CHARS = 80
MAX_PAYLOAD_BYTES = 64_000

_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes, base64url without padding


def valid_browser_id(text: object) -> bool:
    return isinstance(text, str) and _BROWSER_ID.fullmatch(text) is not None


def _owner(browser_id: str) -> str:
    return hashlib.sha256(browser_id.encode()).hexdigest()


def clean_progress(payload: object) -> dict:
    """The part of `payload` that has the expected shape and sizes; the rest is dropped."""
    clean = {part: {} for part in PARTS}
    if not isinstance(payload, dict):
        return clean
    for part in PARTS:
        pages = payload.get(part)
        if not isinstance(pages, dict):
            continue
        for page_id, marks in list(pages.items())[:MAX_PAGES]:
            if not isinstance(page_id, str) or len(page_id) > MAX_KEY_CHARS or not isinstance(marks, dict):
                continue
            clean[part][page_id] = {
                key: value
                for key, value in list(marks.items())[:MAX_ENTRIES]
                if isinstance(key, str) and len(key) <= MAX_KEY_CHARS and isinstance(value, bool)
            }
    return clean


def load_progress(engine: Engine, browser_id: str, *, now: datetime | None = None) -> dict | None:
    """The progress saved for this browser (and the visit recorded), or None."""
    if not valid_browser_id(browser_id):
        return None
    owner = _owner(browser_id)
    with engine.begin() as connection:
        payload = connection.execute(select(progress.c.payload).where(progress.c.owner == owner)).scalar()
        if payload is None:
            return None
        connection.execute(update(progress).where(progress.c.owner == owner).values(last_seen=now or utc_now()))
    try:
        return clean_progress(json.loads(payload))
    except ValueError:
        return None


def save_progress(engine: Engine, browser_id: str, payload: dict, *, now: datetime | None = None) -> None:
    if not valid_browser_id(browser_id):
        raise ValueError("not a browser id")
    text = json.dumps(clean_progress(payload), separators=(",", ":"), sort_keys=True)
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError("progress too large")
    now = now or utc_now()
    with engine.begin() as connection:
        insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(progress)
        statement = insert.values(owner=_owner(browser_id), payload=text, last_seen=now)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[progress.c.owner],
                set_={"payload": statement.excluded.payload, "last_seen": statement.excluded.last_seen},
            )
        )


def erase_progress(engine: Engine, browser_id: str) -> None:
    if valid_browser_id(browser_id):
        with engine.begin() as connection:
            connection.execute(delete(progress).where(progress.c.owner == _owner(browser_id)))
