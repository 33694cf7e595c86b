"""A student's screen, made for a phone: join by the link or a code (no account, an
optional nickname), the current question, an answer they may change until the reveal,
then the answer, the explanation, whether they were right and the class's distribution.

A student reads the current poll (shared by the class, cached a second), their own
answer, and after the reveal the tally: aggregates only, never another's answer.
Every two seconds a small fragment looks whether the teacher moved on, and only then
redraws the page: the answer form is never redrawn under the student's fingers.
"""

import secrets

import streamlit as st

from components import class_push, class_store, url_state
from components.browser_storage import browser_id
from components.class_polls import SOLVED, exercise_outcome, markdown_literal
from components.class_store import Poll
from components.code_editor import editor_support
from components.database import engine
from components.exercise import grade
from components.exercise_panel import exercise_editor, feedback_text
from components.fragments import partial_rerun
from components.i18n import t
from components.quiz import ChoiceQuestion, NumberQuestion, Question, is_correct
from lessons.classe import display

STUDENT_SECONDS = 2
NICKNAME_KEY = "classe.nickname"
SESSION_ID_KEY = "classe.session_only_id"  # when the browser keeps nothing (storage refused)
MAX_NICKNAME_CHARS = 24


def student_identity() -> str | None:
    """The browser's anonymous id, or this session's own once the student chose to go on
    without it (kept then, even if the id comes later: the same student all along)."""
    return st.session_state.get(SESSION_ID_KEY) or browser_id()


def connecting() -> None:
    """Until the browser has sent its id (a moment, at the start of a session)."""
    st.info(t("classe.student.connecting"), icon=":material/hourglass_empty:")
    st.caption(t("classe.student.no_storage_help"))
    if st.button(t("classe.student.no_storage"), key="classe.no_storage"):
        st.session_state[SESSION_ID_KEY] = secrets.token_urlsafe(32)
        st.rerun()


def join_form() -> None:
    st.subheader(t("classe.join.title"), divider="gray")
    for key in ("classe.join_code", "classe.join_nickname"):
        url_state.forget_non_text(key)
    with st.form("classe.join"):
        code = st.text_input(t("classe.join.code"), max_chars=12, key="classe.join_code", placeholder="ABC123")
        nickname = st.text_input(
            t("classe.join.nickname"),
            max_chars=MAX_NICKNAME_CHARS,
            key="classe.join_nickname",
            help=t("classe.join.nickname_help"),
        )
        submitted = st.form_submit_button(t("classe.join.submit"), type="primary", icon=":material/login:")
    if not submitted:
        return
    normalised = class_store.normalise_join_code(code)
    if normalised is None or class_store.open_session(engine(), normalised) is None:
        st.error(t("classe.join.unknown"), icon=":material/error:")
    elif not class_store.valid_nickname(nickname.strip()):
        st.error(t("classe.join.bad_nickname"), icon=":material/error:")
    else:
        st.session_state[NICKNAME_KEY] = nickname.strip()
        st.query_params[class_push.CODE_PARAM] = normalised
        st.rerun()


def student_view(join_code: str) -> None:
    if class_store.open_session(engine(), join_code) is None:
        st.warning(t("classe.student.no_session"), icon=":material/event_busy:")
        if st.button(t("classe.student.other_code"), key="classe.other_code"):
            st.query_params.pop(class_push.CODE_PARAM, None)
            st.rerun()
        return
    st.caption(t("classe.student.session", code=join_code))
    student = class_store.student_key(student_identity(), join_code)
    poll = class_push.shared_current_poll(join_code)
    if poll is None:
        st.info(t("classe.student.waiting"), icon=":material/hourglass_empty:")
    elif poll.revealed:
        _after_reveal(poll, student)
    else:
        _question(join_code, poll, student)
    _nickname_field()
    _watch(join_code, _shown(poll))


def _shown(poll: Poll | None) -> tuple[int, bool] | None:
    return None if poll is None else (poll.poll_id, poll.revealed)


@partial_rerun("classe", run_every=STUDENT_SECONDS)
def _watch(join_code: str, shown: tuple[int, bool] | None) -> None:
    """Redraws the page when the teacher pushed, revealed or closed; else draws nothing."""
    if _shown(class_push.shared_current_poll(join_code)) != shown:
        st.rerun(scope="app")


def _nickname() -> str:
    nickname = st.session_state.get(NICKNAME_KEY, "")
    return nickname.strip() if isinstance(nickname, str) and class_store.valid_nickname(nickname.strip()) else ""


def _nickname_field() -> None:
    url_state.forget_non_text(NICKNAME_KEY)
    with st.expander(t("classe.student.nickname_title"), icon=":material/badge:"):
        text = st.text_input(t("classe.join.nickname"), max_chars=MAX_NICKNAME_CHARS, key=NICKNAME_KEY)
        if not class_store.valid_nickname(text.strip()):
            st.error(t("classe.join.bad_nickname"), icon=":material/error:")
        st.caption(t("classe.join.nickname_help"))


# --- before the reveal ----------------------------------------------------------------


def _question(join_code: str, poll: Poll, student: str) -> None:
    display.show_prompt(poll)
    answer = _exercise_answer(poll) if poll.kind == "exercise" else _answer_form(poll)
    if answer is not None:
        text, correct = answer
        status = class_store.submit_answer(
            engine(), join_code, poll.poll_id, student, text, correct=correct, nickname=_nickname()
        )
        _status_message(status)
    current = class_store.student_answer(engine(), poll.poll_id, student)
    if current is not None:
        st.caption(t("classe.student.current", answer=display.answer_text(poll, current)))


def _status_message(status: str) -> None:
    if status in (class_store.ANSWER_SAVED, class_store.ANSWER_CHANGED):
        st.success(t(f"classe.status.{status}"), icon=":material/send:")
    else:
        st.warning(t(f"classe.status.{status}"), icon=":material/warning:")


def _question_of(poll: Poll) -> Question | None:
    """The lesson question a number or choice poll was, to judge an answer as the lesson does."""
    if poll.kind == "number":
        return NumberQuestion("", poll.prompt, float(poll.expected), "", poll.tolerance, poll.relative)
    if poll.kind == "choice":
        return ChoiceQuestion("", poll.prompt, poll.choices, poll.expected, "")
    return None


def _answer_form(poll: Poll) -> tuple[str, bool | None] | None:
    """The answer sent, as the store keeps it, and whether it is right; None until sent."""
    key = f"classe.answer.{poll.poll_id}"
    with st.form(f"classe.form.{poll.poll_id}"):
        if poll.kind == "number":
            if not isinstance(st.session_state.get(key), (int, float, type(None))):
                del st.session_state[key]  # no browser sends one: any client can
            answer = st.number_input(t("quiz.your_answer"), value=None, format="%g", key=key)
        else:
            if st.session_state.get(key) not in (None, *poll.choices):
                del st.session_state[key]
            literal = markdown_literal if poll.kind == "vote" else str  # a vote's options are the teacher's text
            answer = st.radio(t("quiz.your_answer"), poll.choices, index=None, key=key, format_func=literal)
        sent = st.form_submit_button(t("classe.student.send"), type="primary", icon=":material/send:")
    if not sent:
        return None
    if answer is None:
        st.info(t("quiz.no_answer"))
        return None
    question = _question_of(poll)
    correct = None if question is None else is_correct(question, answer)
    return (repr(float(answer)) if poll.kind == "number" else answer), correct


def _exercise_answer(poll: Poll) -> tuple[str, bool] | None:
    exercise = display.poll_exercise(poll)
    if exercise is None:
        st.warning(t("classe.student.exercise_missing"), icon=":material/warning:")
        return None
    editor_support()
    with st.expander(t("exercise.given_title"), expanded=exercise.kind != "block"):
        st.code(exercise.setup.strip(), language="python", line_numbers=True)
    if exercise.kind != "block":
        st.code(exercise.template, language="python", line_numbers=True)
    grade_key = f"classe.grade.{poll.poll_id}"
    answer = exercise_editor(exercise)
    sent = None
    if answer is not None and not answer.strip():
        st.info(t("exercise.empty_answer"))
    elif answer is not None:
        result = grade(exercise, answer)
        st.session_state[grade_key] = result
        sent = exercise_outcome(result), result.passed
    result = st.session_state.get(grade_key)
    if result is not None and result.passed:
        st.success(t("exercise.solved"), icon=":material/task_alt:")
    elif result is not None:
        st.error(feedback_text(result.feedback[0]), icon=":material/error:")
    return sent


# --- after the reveal -----------------------------------------------------------------


def _after_reveal(poll: Poll, student: str) -> None:
    display.show_prompt(poll)
    mine = class_store.student_answer(engine(), poll.poll_id, student)
    if mine is None:
        st.info(t("classe.student.no_answer"), icon=":material/do_not_disturb_on:")
    elif poll.kind == "vote":
        st.info(t("classe.student.your_vote", answer=display.answer_text(poll, mine)), icon=":material/how_to_vote:")
    elif _was_right(poll, mine):
        st.success(t("classe.student.right", answer=display.answer_text(poll, mine)), icon=":material/task_alt:")
    else:
        st.error(t("classe.student.wrong", answer=display.answer_text(poll, mine)), icon=":material/close:")
    display.show_reveal(poll)
    st.subheader(t("classe.student.class_answers"), divider="gray")
    tally = class_push.shared_tally(poll)
    display.show_count(poll, tally)
    display.show_tally(poll, tally)


def _was_right(poll: Poll, answer: str) -> bool:
    if poll.kind == "exercise":
        return answer == SOLVED
    question = _question_of(poll)
    return is_correct(question, float(answer) if poll.kind == "number" else answer)
