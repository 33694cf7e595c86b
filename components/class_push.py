"""The teacher's side of a class session, on every page: who teaches in this browser
session, the reads every student of a class shares, and "Poser à la classe" under
each lesson question (components/quiz.py), which pushes the question as the page drew
it, with the answer PyTorch computed for the page's current settings.

The teacher's secret lives in the session and in the browser (components/browser_storage.py),
never in a URL: a join code alone gives nothing but answering.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from components import browser_storage, class_store
from components.browser_storage import browser_id, forget_teacher, remember_teacher, remembered_teacher_secret
from components.class_polls import poll_from_question
from components.class_store import Poll, PollDraft, Tally
from components.database import engine, session_ttl
from components.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, current_language, t
from components.projector import PROJECTOR_KEY, projector_mode

if TYPE_CHECKING:
    from components.quiz import Question

CLASS_PAGE = "lessons/classe/page.py"  # lessons.catalog.CLASSE.script: components never import lessons
CODE_PARAM = "code"  # /classe?code=ABC123, the join link
TEACHER_KEY = "classe.teacher"
_LOOKED_KEY = "classe.kept_sessions_looked_at"  # once per session: the sessions this browser keeps
QUESTIONS_KEY = "classe.questions"  # {source: (page_id, question)}, newest last
MAX_QUESTIONS = 60  # every question of the chapter, with room: the oldest go first
COUNTED_KEY = "classe.counted_in"  # the join codes whose session counted this student
PUSHED_KEY = "classe.just_pushed"  # the class page's next run confirms the push and shows the question


@dataclass(frozen=True)
class Teacher:
    join_code: str
    secret: str


def current_teacher() -> Teacher | None:
    """The session this browser session teaches. The first time the browser's kept
    sessions are known, the newest still open is taken up again: a teacher who reloaded
    a lesson page, or opened one in a new tab, finds "Poser à la classe" there. After
    that, a lookup in the session (every quiz of every page asks)."""
    teacher = st.session_state.get(TEACHER_KEY)
    if isinstance(teacher, Teacher):
        return teacher
    if st.session_state.get(_LOOKED_KEY) or browser_id() is None:  # the kept sessions come with the id
        return None
    st.session_state[_LOOKED_KEY] = True
    for join_code in reversed(list(st.session_state.get(browser_storage.TEACHER_KEY, {}))):  # newest first
        teacher = resume_teaching(join_code)
        if teacher is not None:
            return teacher
    return None


def start_session() -> Teacher:
    session, secret = class_store.create_session(engine(), ttl=session_ttl())
    teacher = Teacher(session.join_code, secret)
    st.session_state[TEACHER_KEY] = teacher
    remember_teacher(teacher.join_code, secret)
    return teacher


def resume_teaching(join_code: str) -> Teacher | None:
    """The teacher again after a reload or a restart of the server, when this browser
    keeps the session's secret; None for anyone else."""
    secret = remembered_teacher_secret(join_code)
    if secret is None:
        return None
    if class_store.open_session(engine(), join_code) is None or not class_store.is_teacher(engine(), join_code, secret):
        forget_teacher(join_code)  # over, or not this browser's: nothing to keep
        return None
    teacher = Teacher(join_code, secret)
    st.session_state[TEACHER_KEY] = teacher
    return teacher


def stop_teaching(teacher: Teacher) -> None:
    """This browser is no longer the teacher (the session closed or went away)."""
    st.session_state.pop(TEACHER_KEY, None)
    forget_teacher(teacher.join_code)


def as_teacher(teacher: Teacher, action: Callable[..., object], *args) -> bool:
    """Run a teacher's action on the store; False, with a message, when the store
    refuses (the session is over, or the secret is no longer this session's)."""
    try:
        action(engine(), teacher.join_code, teacher.secret, *args)
    except class_store.NotTeacher:
        stop_teaching(teacher)
        st.error(t("classe.not_teacher"), icon=":material/lock:")
        return False
    except ValueError:
        st.error(t("classe.push_refused"), icon=":material/error:")
        return False
    forget_shared_reads()  # every student sees the change at their next look
    return True


def push(teacher: Teacher, draft: PollDraft) -> bool:
    pushed = as_teacher(teacher, class_store.push_poll, draft)
    if pushed:
        st.session_state[PUSHED_KEY] = True
    return pushed


def class_page_params(join_code: str) -> dict[str, str]:
    """The class page's address from a lesson page: the code, and the projector mode
    and language the teacher chose (st.switch_page replaces the whole query)."""
    params = {CODE_PARAM: join_code}
    if projector_mode():
        params[PROJECTOR_KEY] = "1"
    if LANGUAGE_KEY in st.query_params or current_language() != DEFAULT_LANGUAGE:
        params[LANGUAGE_KEY] = current_language()
    return params


def count_student(join_code: str, student: str) -> None:
    """Count the student among those who joined (the projector's "n élèves connectés"),
    once per browser session and class: their page reruns every two seconds."""
    counted = st.session_state.get(COUNTED_KEY)
    if not isinstance(counted, set):
        counted = st.session_state[COUNTED_KEY] = set()
    if join_code not in counted and class_store.join_session(engine(), join_code, student):
        counted.add(join_code)


# --- what every student of a class reads --------------------------------------------
# A class of forty polls every two seconds: the reads they share are made once a second.


@st.cache_data(ttl=1, max_entries=1000, show_spinner=False)
def shared_current_poll(join_code: str) -> Poll | None:
    return class_store.current_poll(engine(), join_code)


@st.cache_data(ttl=1, max_entries=1000, show_spinner=False)
def shared_session_open(join_code: str) -> bool:
    """A waiting student's phone has no poll to see change: it looks whether the session
    is still open."""
    return class_store.open_session(engine(), join_code) is not None


@st.cache_data(ttl=1, max_entries=1000, show_spinner=False)
def _shared_tally(poll_id: int, kind: str, choices: tuple[str, ...]) -> Tally:
    return class_store.tally(engine(), Poll(kind, "", choices=choices, poll_id=poll_id))


def shared_tally(poll: Poll) -> Tally:
    return _shared_tally(poll.poll_id, poll.kind, poll.choices)


def forget_shared_reads() -> None:
    """After the teacher pushed, revealed or closed: nobody waits for the cache to expire."""
    shared_current_poll.clear()
    shared_session_open.clear()
    _shared_tally.clear()


# --- "Poser à la classe" under a lesson question ------------------------------------


def remember_question(page_id: str, question: "Question") -> None:
    """The latest state of each question met, for the class page's list."""
    met = st.session_state.setdefault(QUESTIONS_KEY, {})
    source = f"{page_id}/{question.question_id}"
    met.pop(source, None)
    met[source] = (page_id, question)
    while len(met) > MAX_QUESTIONS:
        del met[next(iter(met))]


def met_questions() -> dict[str, tuple[str, "Question"]]:
    return st.session_state.get(QUESTIONS_KEY, {})


def offer_to_class(page_id: str, question: "Question", key: str) -> None:
    """Under a quiz's form: remembered for the class page; for a teacher, a button that
    puts it to the class now and opens the class page."""
    remember_question(page_id, question)
    teacher = current_teacher()
    if teacher is None:
        return
    pushed = st.button(t("classe.push_button"), key=f"{key}.classe", icon=":material/podcasts:")
    if pushed and push(teacher, poll_from_question(question, page_id)):
        st.switch_page(CLASS_PAGE, query_params=class_page_params(teacher.join_code))
