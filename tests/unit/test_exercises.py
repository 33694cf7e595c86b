"""Every exercise of every lesson: its reference solution passes, each wrong solution
fails with the feedback it was written for, its texts exist in both languages, and
Python itself (a subprocess running the downloadable script) agrees with the
interpreter on every one of those answers."""

import subprocess
import sys

import pytest

from components.exercise import KINDS, grade, static_feedback
from components.i18n import LANGUAGES, catalogue
from lessons.exercise_catalog import ALL_EXERCISES
from tests.exercise_python import run_with_python

EXERCISES = {exercise.exercise_id: exercise for exercise in ALL_EXERCISES}
ANSWERS = [(exercise.exercise_id, "reference", exercise.solution) for exercise in ALL_EXERCISES] + [
    (exercise.exercise_id, f"wrong-{number}", wrong.answer)
    for exercise in ALL_EXERCISES
    for number, wrong in enumerate(exercise.wrong, start=1)
]


def test_at_least_three_exercises_per_lesson_and_fifteen_in_all():
    per_page = {}
    for exercise in ALL_EXERCISES:
        per_page[exercise.page_id] = per_page.get(exercise.page_id, 0) + 1
    assert len(ALL_EXERCISES) >= 15
    assert len(per_page) == 5 and min(per_page.values()) >= 3, per_page
    assert len(EXERCISES) == len(ALL_EXERCISES), "exercise ids must be unique"


@pytest.mark.parametrize("exercise_id", [e.exercise_id for e in ALL_EXERCISES if e.kind == "parsons"])
def test_a_parsons_problem_offers_its_solution_lines_and_two_mistakes_a_learner_can_make(exercise_id):
    exercise = EXERCISES[exercise_id]
    offered = set(exercise.lines)
    assert set(exercise.solution.splitlines()) <= offered
    assert set(exercise.distractors) <= offered and exercise.distractors
    reachable = [wrong for wrong in exercise.wrong if set(wrong.answer.splitlines()) <= offered]
    assert len(reachable) >= 2, "wrong answers made of the lines offered"


def test_every_kind_is_used():
    assert {exercise.kind for exercise in ALL_EXERCISES} == set(KINDS)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_key_line_hint_is_not_the_solution(exercise_id):
    """The second hint leaves something to find: the solution itself waits for a first try."""
    exercise = EXERCISES[exercise_id]
    assert exercise.key_line.strip() != exercise.solution.strip()
    assert not grade(exercise, exercise.key_line).passed


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_solution_passes(exercise_id):
    result = grade(EXERCISES[exercise_id], EXERCISES[exercise_id].solution)
    assert result.passed, result.feedback


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_each_exercise_has_two_wrong_solutions_with_their_feedback(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert len(exercise.wrong) >= 2
    for wrong in exercise.wrong:
        result = grade(exercise, wrong.answer)
        keys = [feedback.key for feedback in result.feedback]
        assert not result.passed, wrong.answer
        assert wrong.expected_key in keys, (wrong.answer, keys)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_texts_and_feedback_exist_in_both_languages(exercise_id, lang):
    strings = catalogue(lang)
    exercise = EXERCISES[exercise_id]
    for part in ("title", "statement", "hint"):
        assert f"exercises.{exercise_id}.{part}" in strings
    keys = {wrong.expected_key for wrong in exercise.wrong} | set(exercise.distractors.values())
    keys |= set(exercise.forbidden.values())
    for answer in [exercise.solution] + [wrong.answer for wrong in exercise.wrong]:
        keys |= {feedback.key for feedback in grade(exercise, answer).feedback}
    missing = sorted(key for key in keys if key not in strings)
    assert not missing, missing


@pytest.mark.parametrize(("exercise_id", "which", "answer"), ANSWERS, ids=[f"{e}-{w}" for e, w, _ in ANSWERS])
def test_python_agrees_with_the_interpreter(exercise_id, which, answer):
    exercise = EXERCISES[exercise_id]
    interpreted = grade(exercise, answer)
    python = run_with_python(exercise, answer)
    error = next((f for f in interpreted.feedback if f.key in ("code.torch_error", "code.python_error")), None)
    if error is not None:
        assert python.exception == error.values["exception"], python.stderr
        return
    assert not any(f.key.startswith("code.") for f in interpreted.feedback), interpreted.feedback
    assert python.exception is None, python.stderr
    by_python = static_feedback(exercise, answer) + exercise.check(python.names, interpreted.program)
    assert [f.key for f in by_python] == [f.key for f in interpreted.feedback]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_downloaded_script_runs_and_prints_what_was_checked(exercise_id):
    exercise = EXERCISES[exercise_id]
    result = subprocess.run(
        [sys.executable, "-c", exercise.solved_script(exercise.solution)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for name in exercise.outputs:
        assert f"{name} =" in result.stdout
