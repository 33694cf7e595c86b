"""Predict-then-check questions whose expected answer PyTorch computed from the page's state.

`is_correct` is pure; `quiz` draws the question in a form (nothing reruns while the
learner types) and records the result per page for the home page's summary.
"""

import hashlib
import math
from dataclasses import dataclass

import streamlit as st

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
    return f"{question.expected:.4g}"


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
            answer = st.number_input(t("quiz.your_answer"), value=None, format="%.4f", key=answer_key)
        submitted = st.form_submit_button(t("quiz.check"), icon=":material/check:")
    if submitted:
        if answer is None:
            st.session_state.pop(result_key, None)
            st.info(t("quiz.no_answer"))
            return
        st.session_state[result_key] = is_correct(question, answer)
        st.session_state.setdefault(_PROGRESS_KEY, {}).setdefault(page_id, {})[question.question_id] = st.session_state[
            result_key
        ]
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
        st.error(t("quiz.wrong", expected=expected_text(question)), icon=":material/close:")
    st.markdown(question.explanation)


def quiz_progress() -> dict[str, dict[str, bool]]:
    """Per page, each answered question and whether the last answer was right."""
    return st.session_state.get(_PROGRESS_KEY, {})
