"""Predict-then-check questions whose expected answer PyTorch computed from the page's state.

`is_correct` is pure; `quiz` draws the question in a form (nothing reruns while the
learner types) and records the result per page for the home page's summary.
`predict_first` puts a question before the result that answers it: the page keeps
that result off screen until the learner answers or asks to see it without answering.
"""

import hashlib
import math
from dataclasses import dataclass

import streamlit as st

from components import persisted_progress
from components.class_push import offer_to_class
from components.i18n import t

_PROGRESS_KEY = "quiz.progress"  # {page_id: {question_id: answered correctly}}


@dataclass(frozen=True)
class NumberQuestion:
    question_id: str
    prompt: str
    expected: float  # computed by PyTorch, never typed in
    explanation: str
    tolerance: float = 0.01  # absolute: enough for a value read to two decimals
    relative: float = 0.001  # for large values; 0 for counts, which must be exact


@dataclass(frozen=True)
class ChoiceQuestion:
    question_id: str
    prompt: str
    choices: tuple[str, ...]
    expected: str  # one of `choices`, computed by PyTorch
    explanation: str


Question = NumberQuestion | ChoiceQuestion


def is_correct(question: Question, answer: float | str | None) -> bool:
    if answer is None:
        return False
    if isinstance(question, ChoiceQuestion):
        return answer == question.expected
    if not isinstance(answer, (int, float)) or not math.isfinite(answer):
        return False
    return math.isclose(answer, question.expected, rel_tol=question.relative, abs_tol=question.tolerance)


def expected_text(question: Question) -> str:
    if isinstance(question, ChoiceQuestion):
        return question.expected
    return number_text(question.expected)


def _answer_text(question: Question) -> str:
    """The expected answer inside a sentence: a choice in quotes (it may be a phrase)."""
    if isinstance(question, ChoiceQuestion):
        return t("quiz.quoted", text=question.expected)
    return expected_text(question)


def number_text(value: float) -> str:
    """A number as precise as the pages show theirs: 118.9593, not 119 (which the check
    itself would refuse); whole numbers without decimals, tiny ones in 4 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 0.01:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def _state_key(page_id: str, question: Question) -> str:
    """A key that changes with the question's state, so a new state gets a fresh form."""
    digest = hashlib.sha1(f"{question.prompt}|{question.expected}".encode()).hexdigest()[:10]
    return f"quiz.{page_id}.{question.question_id}.{digest}"


def quiz(page_id: str, question: Question, *, refresh_page: bool = False) -> None:
    """`refresh_page`: the quiz sits in a fragment and the rest of the page shows the
    progress (home), so an answer reruns the whole page."""
    form_key = _state_key(page_id, question)
    result_key = f"{form_key}.result"
    answer_key = f"{form_key}.answer"
    with st.form(form_key, border=True):
        st.markdown(question.prompt)
        if isinstance(question, ChoiceQuestion):
            _forget_foreign_answer(answer_key, question.choices)
            answer = st.radio(t("quiz.your_answer"), question.choices, index=None, key=answer_key)
        else:
            # "%g": a count reads 48, not 48.0000; a value keeps the digits typed (0.28163)
            answer = st.number_input(t("quiz.your_answer"), value=None, format="%g", key=answer_key)
        submitted = st.form_submit_button(t("quiz.check"), icon=":material/check:")
    offer_to_class(page_id, question, form_key)  # a teacher puts it to the class as it stands
    if submitted:
        if answer is None:
            st.session_state.pop(result_key, None)
            st.info(t("quiz.no_answer"))
            return
        st.session_state[result_key] = is_correct(question, answer)
        st.session_state.setdefault(_PROGRESS_KEY, {}).setdefault(page_id, {})[question.question_id] = st.session_state[
            result_key
        ]
        persisted_progress.save()
        if refresh_page:
            st.rerun(scope="app")
    if result_key in st.session_state:
        _feedback(question, st.session_state[result_key])


def _forget_foreign_answer(key: str, choices: tuple[str, ...]) -> None:
    """Drop an answer that is none of the choices before the radio meets it.

    No browser sends one, but any client can (99, NaN): Streamlit would keep it and
    fail writing it back into the field it came in."""
    if st.session_state.get(key) not in (None, *choices):
        del st.session_state[key]


def _feedback(question: Question, correct: bool) -> None:
    if correct:
        st.success(t("quiz.correct"), icon=":material/task_alt:")
    else:
        st.error(t("quiz.wrong", expected=_answer_text(question)), icon=":material/close:")
    st.markdown(question.explanation)


def _reveal_key(page_id: str, question_id: str) -> str:
    return f"quiz.revealed.{page_id}.{question_id}"


def _reveal(key: str) -> None:
    """Button callback: runs before the page, so the result shows in this very rerun."""
    st.session_state[key] = True


def predict_first(page_id: str, question: Question, *, refresh_page: bool = False) -> bool:
    """The question, then True once the learner has answered it (right or wrong) or
    asked to see the result; until then the caller leaves the result out of the page.

    Once shown, the result stays shown for this question (by its id): the learner
    explores the settings after predicting, and each new state still asks its question.
    """
    quiz(page_id, question, refresh_page=refresh_page)
    key = _reveal_key(page_id, question.question_id)
    if question.question_id in quiz_progress().get(page_id, {}):
        return True
    if st.session_state.get(key):
        if not _answered_in_this_state(page_id, question):
            st.info(t("quiz.shown_without_answer", expected=_answer_text(question)), icon=":material/visibility:")
            st.markdown(question.explanation)
        return True
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(t("quiz.hidden_until_answer"))
        st.button(
            t("quiz.show_result"), key=f"{key}.button", icon=":material/visibility:", on_click=_reveal, args=(key,)
        )
    return False


def result_pending(page_id: str, question_id: str) -> None:
    """Where a result waits for a question asked further up (on the previous slide in
    presentation mode): says so, with the same "show the result" button."""
    key = _reveal_key(page_id, question_id)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(t("quiz.result_pending"), icon=":material/hourglass_empty:")
        st.button(
            t("quiz.show_result"), key=f"{key}.pending", icon=":material/visibility:", on_click=_reveal, args=(key,)
        )


def _answered_in_this_state(page_id: str, question: Question) -> bool:
    return f"{_state_key(page_id, question)}.result" in st.session_state


def result_revealed(page_id: str, question_id: str) -> bool:
    """Whether `predict_first` lets the result of this question show (answered or asked for)."""
    return question_id in quiz_progress().get(page_id, {}) or bool(
        st.session_state.get(_reveal_key(page_id, question_id))
    )


def explanation_shown(page_id: str, question: Question) -> bool:
    """Whether `predict_first` has just drawn this question's explanation: answered in
    this very state, or shown without an answer (then it always explains)."""
    answered = question.question_id in quiz_progress().get(page_id, {})
    return _answered_in_this_state(page_id, question) or not answered


def quiz_progress() -> dict[str, dict[str, bool]]:
    """Per page, each answered question and whether the last answer was right."""
    return st.session_state.get(_PROGRESS_KEY, {})
