"""Self-study progress that outlives the session: the quiz answers and the exercises
solved, stored under the browser's anonymous id (components/browser_storage.py) by
components/progress_store.py.

`load` merges the stored progress into the session once per session, as soon as the
id is known; `save` stores it after each change (components/quiz.py and
components/exercise_panel.py call it), only when it differs from what was last stored;
`erase` empties both. Nothing here knows the lessons (components never import them):
what is loaded is bounded by type and size only (progress_store.clean_progress).
"""

import json

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components import class_store, progress_store
from components.browser_storage import browser_id
from components.database import engine
from components.errors import LOGGER, guarded_callback
from components.i18n import t

# The session keys of components/quiz.py and components/exercise_panel.py, which call
# `save` and so cannot be imported here (tests/unit/test_persisted_progress.py checks them).
QUIZ_KEY = "quiz.progress"  # {page_id: {question_id: last answer right}}
EXERCISE_KEY = "exercise.progress"  # {page_id: {exercise_id: solved}}
LOADED_KEY = "progress.loaded"  # (browser id, whether its stored progress could be read)
SAVED_KEY = "progress.saved"  # the progress last stored, as JSON: an unchanged one is not stored again
KEPT_DAYS = class_store.PROGRESS_TTL.days  # the caption promises what the purge does

Table = dict[str, dict[str, bool]]


def merged_quiz(stored: Table, session: Table) -> Table:
    """Per question, the session's answer if it has one (the latest), else the stored one."""
    merged = {
        page: {**stored.get(page, {}), **session.get(page, {})} for page in sorted(stored.keys() | session.keys())
    }
    return {page: answers for page, answers in merged.items() if answers}


def merged_exercises(stored: Table, session: Table) -> Table:
    """Per exercise, solved if it was solved in either: a later failed try does not undo it."""
    merged: Table = {}
    for page in sorted(stored.keys() | session.keys()):
        before, now = stored.get(page, {}), session.get(page, {})
        if before or now:
            merged[page] = {
                name: before.get(name, False) or now.get(name, False) for name in before.keys() | now.keys()
            }
    return merged


def progress_document(quiz: object, exercises: object) -> dict:
    """What progress_store keeps for one browser, well-formed and bounded in size."""
    return progress_store.clean_progress({"quiz": quiz, "exercises": exercises})


def _text(document: dict) -> str:
    return json.dumps(document, sort_keys=True)


def load() -> None:
    """Called by the router before the page: the first full run that knows the browser's id
    reads its stored progress; every later run reads nothing."""
    visitor = browser_id()
    if visitor is None or st.session_state.get(LOADED_KEY, (None,))[0] == visitor:
        return
    try:
        stored = progress_store.load_progress(engine(), visitor) or {}
    except SQLAlchemyError:
        # No database: the session still counts its progress; nothing is stored over what
        # the database may hold, which a later session can read.
        LOGGER.warning("stored progress unreadable; this session keeps its own", exc_info=True)
        st.session_state[LOADED_KEY] = (visitor, False)
        return
    st.session_state[LOADED_KEY] = (visitor, True)
    stored = progress_document(stored.get("quiz"), stored.get("exercises"))
    st.session_state[SAVED_KEY] = _text(stored)
    # Answers given before the id arrived (the first second of a visit) join the stored ones.
    session = progress_document(st.session_state.get(QUIZ_KEY), st.session_state.get(EXERCISE_KEY))
    st.session_state[QUIZ_KEY] = merged_quiz(stored["quiz"], session["quiz"])
    st.session_state[EXERCISE_KEY] = merged_exercises(stored["exercises"], session["exercises"])
    save()


def kept() -> bool:
    """Whether this session's progress is stored for the browser's next visits."""
    visitor = browser_id()
    return visitor is not None and st.session_state.get(LOADED_KEY) == (visitor, True)


def save() -> None:
    """After each answer or exercise run: stores the session's progress if it changed."""
    if not kept():
        return  # before the stored progress was merged, storing would overwrite it
    document = progress_document(st.session_state.get(QUIZ_KEY, {}), st.session_state.get(EXERCISE_KEY, {}))
    text = _text(document)
    if text == st.session_state.get(SAVED_KEY):
        return
    try:
        progress_store.save_progress(engine(), browser_id(), document)
    except SQLAlchemyError:
        LOGGER.warning("progress not stored; the session keeps it", exc_info=True)
        return
    st.session_state[SAVED_KEY] = text


def erase() -> None:
    """Forgets the progress, stored and in the session, and the quizzes' last results
    (their feedback would show an answer the progress no longer counts)."""
    if kept():
        progress_store.erase_progress(engine(), browser_id())
        st.session_state[SAVED_KEY] = _text(progress_document({}, {}))
    for key in [key for key in st.session_state if _erased_on_screen(key)]:
        del st.session_state[key]


def _erased_on_screen(key: str) -> bool:
    """The progress tables, and components/quiz.py's results ("quiz.<page>.<question>.<digest>.result")."""
    return key in (QUIZ_KEY, EXERCISE_KEY) or (key.startswith("quiz.") and key.endswith(".result"))


def progress_controls(has_progress: bool) -> None:
    """Under the home page's progress: where it is kept, and a button that erases it
    after a confirmation (in a popover: one click alone erases nothing)."""
    if kept():
        st.caption(t("saved_progress.kept_here", days=KEPT_DAYS))
    if not has_progress:
        return
    with st.popover(t("saved_progress.erase"), icon=":material/delete:"):
        st.markdown(t("saved_progress.erase_confirm"))
        st.button(
            t("saved_progress.erase_yes"),
            key="progress.erase",
            type="primary",
            icon=":material/delete_forever:",
            on_click=guarded_callback("accueil", erase),
        )
