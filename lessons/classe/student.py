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

from components import class_push, class_rules, class_store, url_state
from components.browser_storage import browser_id
from components.class_polls import SOLVED, exercise_outcome, markdown_literal
from components.class_store import Poll
from components.code_editor import editor_support
from components.database import engine
from components.exercise import grade
from components.exercise_panel import exercise_editor, show_feedback
from components.fragments import partial_rerun
from components.i18n import t
from components.quiz import ChoiceQuestion, NumberQuestion, Question, is_correct
from lessons.classe import display

STUDENT_SECONDS = 2
NICKNAME_KEY = "classe.nickname"
SESSION_ID_KEY = "classe.session_only_id"  # when the browser keeps nothing (storage refused)
JOINED_KEY = "classe.joined"  # the session this browser session was in: its end is told as such
ENDED = "ended"  # what the watch sees once the session is closed or expired
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


def join_form(problem: str | None = None) -> None:
    """`problem`: what was wrong with the link's code, told until the student sends the
    form (then only what the form's code gives: one message, never two)."""
    st.subheader(t("classe.join.title"), divider="gray")
    message = st.empty()  # above the form: the first thing read on a phone
    for key in ("classe.join_code", "classe.join_nickname"):
        url_state.forget_non_text(key)
    with st.form("classe.join"):
        code = st.text_input(
            t("classe.join.code"), max_chars=12, key="classe.join_code", placeholder=t("classe.join.code_placeholder")
        )
        nickname = st.text_input(
            t("classe.join.nickname"),
            max_chars=MAX_NICKNAME_CHARS,
            key="classe.join_nickname",
            help=t("classe.join.nickname_help"),
        )
        submitted = st.form_submit_button(t("classe.join.submit"), type="primary", icon=":material/login:")
    if not submitted:
        if problem is not None:
            message.warning(problem, icon=":material/error:")
        return
    normalised = class_store.normalise_join_code(code)
    if normalised is None or class_store.open_session(engine(), normalised) is None:
        message.error(t("classe.join.unknown"), icon=":material/error:")
    elif not class_store.valid_nickname(nickname.strip()):
        message.error(t("classe.join.bad_nickname"), icon=":material/error:")
    else:
        st.session_state[NICKNAME_KEY] = nickname.strip()
        st.query_params[class_push.CODE_PARAM] = normalised
        st.rerun()


def student_view(join_code: str) -> None:
    if class_store.open_session(engine(), join_code) is None:
        _no_session(join_code)
        return
    st.session_state[JOINED_KEY] = join_code
    st.caption(f"{t('classe.student.session', code=join_code)} · {_identity_text()}")
    student = class_rules.student_key(student_identity(), join_code)
    class_push.count_student(join_code, student)
    poll = class_push.shared_current_poll(join_code)
    if poll is None:
        st.info(t("classe.student.waiting"), icon=":material/hourglass_empty:")
    elif poll.revealed:
        _after_reveal(poll, student)
    else:
        _question(join_code, poll, student)
    _nickname_field()
    _watch(join_code, _shown(poll))


def _no_session(join_code: str) -> None:
    """The end, for a student who was in the session; for a link's code that opens
    nothing, the same message as a wrong code typed in the form."""
    if st.session_state.get(JOINED_KEY) != join_code:
        join_form(t("classe.join.unknown"))
        return
    st.warning(t("classe.student.no_session"), icon=":material/event_busy:")
    if st.button(t("classe.student.other_code"), key="classe.other_code"):
        st.query_params.pop(class_push.CODE_PARAM, None)
        st.rerun()


def _identity_text() -> str:
    """Told to the student alone: under which name the teacher's results show them."""
    nickname = _nickname()
    if not nickname:
        return t("classe.student.anonymous")
    return t("classe.student.nickname_as", nickname=markdown_literal(nickname))


def _shown(poll: Poll | None) -> tuple[int, bool] | None:
    return None if poll is None else (poll.poll_id, poll.revealed)


def watched_state(join_code: str) -> tuple[int, bool] | str | None:
    """What the phone watches: the current poll and whether it is revealed, None while
    the first is awaited, ENDED once the session is over (however long it was waited)."""
    poll = class_push.shared_current_poll(join_code)
    if poll is None and not class_push.shared_session_open(join_code):
        return ENDED
    return _shown(poll)


@partial_rerun("classe", run_every=STUDENT_SECONDS)
def _watch(join_code: str, shown: tuple[int, bool] | None) -> None:
    """Redraws the page when the teacher pushed, revealed or closed; else draws nothing."""
    if watched_state(join_code) != shown:
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
    if poll.kind == "exercise":
        _exercise_result(poll, current)
    elif current is not None:
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
    # Long lines wrap: a phone shows the whole line, with no box to scroll sideways.
    with st.expander(t("exercise.given_title"), expanded=exercise.kind != "block"):
        st.code(exercise.setup.strip(), language="python", line_numbers=True, wrap_lines=True)
    if exercise.kind != "block":
        st.code(exercise.template, language="python", line_numbers=True, wrap_lines=True)
    answer = exercise_editor(
        exercise,
        submit_label=t("classe.student.run_and_send"),
        line_label=t("classe.student.line_label"),
        help_text=t("classe.student.exercise_help"),
    )
    if answer is None:
        return None
    if not answer.strip():
        st.info(t("classe.student.empty_answer"))
        return None
    result = grade(exercise, answer)
    st.session_state[_grade_key(poll)] = (answer, result)
    return exercise_outcome(result), result.passed


def _grade_key(poll: Poll) -> str:
    return f"classe.grade.{poll.poll_id}"


def _exercise_result(poll: Poll, current: str | None) -> None:
    """The student's last run as the lesson shows it, its real values in it; after a
    reload only its outcome is known (the store keeps no code)."""
    exercise = display.poll_exercise(poll)
    last = st.session_state.get(_grade_key(poll))
    if exercise is not None and last is not None:
        show_feedback(exercise, *last)
    elif current is not None:
        st.caption(t("classe.student.current_outcome", outcome=display.outcome_label(current)))


# --- after the reveal -----------------------------------------------------------------


def _after_reveal(poll: Poll, student: str) -> None:
    display.show_prompt(poll)
    mine = class_store.student_answer(engine(), poll.poll_id, student)
    if mine is None:
        st.info(t("classe.student.no_answer"), icon=":material/do_not_disturb_on:")
    elif poll.kind == "vote":
        st.info(t("classe.student.your_vote", answer=display.answer_text(poll, mine)), icon=":material/how_to_vote:")
    elif poll.kind == "exercise" and mine == SOLVED:
        st.success(t("classe.student.exercise_right"), icon=":material/task_alt:")
    elif poll.kind == "exercise":
        st.error(t("classe.student.exercise_wrong", outcome=display.outcome_label(mine)), icon=":material/close:")
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
    question = _question_of(poll)
    return is_correct(question, float(answer) if poll.kind == "number" else answer)
