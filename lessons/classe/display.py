"""What the teacher's and the students' screens draw alike: a poll's question, the
answer at the reveal, the class's count and distribution.

A lesson question's prompt and explanation are the app's own Markdown (the lesson
drew them); a vote is the teacher's text, so it is shown literally.
"""

import streamlit as st

from components.charts import show_chart
from components.class_polls import (
    Bar,
    exercise_id_of,
    markdown_literal,
    outcome_label_key,
    tally_bars,
    tally_chart,
)
from components.class_store import Poll, Tally
from components.exercise import Exercise
from components.i18n import t, tn
from components.quiz import number_text
from lessons.exercise_catalog import ALL_EXERCISES

EXERCISES = {exercise.exercise_id: exercise for exercise in ALL_EXERCISES}


def poll_exercise(poll: Poll) -> Exercise | None:
    """The exercise of an exercise poll; None for one this version of the app lacks."""
    exercise_id = exercise_id_of(poll)
    return None if exercise_id is None else EXERCISES.get(exercise_id)


def show_prompt(poll: Poll, *, with_choices: bool = False) -> None:
    """`with_choices`: the options listed under the question, for the projector (a
    student finds them in the answer form)."""
    exercise = poll_exercise(poll)
    if exercise is not None:  # in this reader's language, whatever the teacher's
        st.subheader(t(f"exercises.{exercise.exercise_id}.title"))
        st.markdown(t(f"exercises.{exercise.exercise_id}.statement"))
        return
    literal = markdown_literal if poll.kind == "vote" else str
    st.markdown(f"**{literal(poll.prompt)}**" if poll.kind == "vote" else poll.prompt)
    if with_choices and poll.choices:
        st.markdown("\n".join(f"- {literal(choice)}" for choice in poll.choices))


def expected_text(poll: Poll) -> str:
    """The right answer inside a sentence, as the lesson pages write it."""
    if poll.kind == "number":
        return number_text(float(poll.expected))
    return t("quiz.quoted", text=poll.expected)


def show_reveal(poll: Poll) -> None:
    """The answer and its explanation; a vote has no right answer, an exercise shows
    the reference solution."""
    if poll.kind in ("number", "choice"):
        st.success(t("classe.reveal.answer", expected=expected_text(poll)), icon=":material/task_alt:")
        if poll.explanation:
            st.markdown(poll.explanation)
    elif poll.kind == "exercise":
        exercise = poll_exercise(poll)
        if exercise is not None:
            st.caption(t("exercise.solution_title"))
            st.code(exercise.solution, language="python")


def answer_text(poll: Poll, answer: str) -> str:
    """A stored answer as the student reads it in a sentence (inert Markdown)."""
    if poll.kind == "number":
        return number_text(float(answer))
    if poll.kind == "exercise":
        return outcome_label(answer)
    return t("quiz.quoted", text=markdown_literal(answer))


def outcome_label(key: str) -> str:
    """An exercise outcome's short, complete name: "Réussi", or its family (a syntax
    error, a wrong shape, …), never a feedback sentence cut short."""
    return t(outcome_label_key(key))


def show_count(poll: Poll, tally: Tally) -> None:
    if poll.kind == "vote" or not poll.revealed:
        st.metric(t("classe.count.answers"), tn("classe.count.students", tally.answers))
        return
    answers, right = st.columns(2)
    answers.metric(t("classe.count.answers"), tn("classe.count.students", tally.answers))
    right.metric(t("classe.count.correct"), tn("classe.count.students", tally.correct))


def show_tally(poll: Poll, tally: Tally, *, projecting: bool = False) -> None:
    """The class's distribution: a bar per choice, value or outcome; `projecting`: its
    text sized for the back of a room."""
    if not tally.answers:
        st.caption(t("classe.count.none_yet"))
        return
    labels = {key: outcome_label(key) for key in tally.counts} if poll.kind == "exercise" else None
    bars = tuple(tally_bars(tally, poll, labels))
    show_chart(tally_chart, bars, t("classe.count.axis"), projecting, alt=_alt_text(bars))


def _alt_text(bars: tuple[Bar, ...]) -> str:
    return t(
        "classe.count.alt", bars="; ".join(t("classe.count.alt_bar", label=bar.label, count=bar.count) for bar in bars)
    )
