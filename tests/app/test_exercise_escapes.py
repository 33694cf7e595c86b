"""The hostile sweep of the exercises: every string of the sandbox-escape corpus
(tests/escape_corpus.py) goes to every exercise's grader, the code the panel runs on
"Exécuter", and is typed into the editors through the panel itself (a line and a block
exercise: the panel is the same for every exercise of a kind, and AppTest's rerun costs
more than the grading). Nothing may run (no file appears), crash, show an exception or a
traceback, be graded as solved, or go past the time budget; each gets a message. The
counts are printed at the end of the run."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from components.exercise import grade
from components.learner_code import TIME_BUDGET_SECONDS
from lessons.exercise_catalog import ALL_EXERCISES
from tests.escape_corpus import ESCAPES

from .conftest import RUN_TIMEOUT, SWEEP_COUNTS
from .exercises import single_exercise_page, submit

MARGIN_SECONDS = 3.0  # the setup, the check and (in AppTest) the panel's rerun around the interpreter's budget
TYPED_IN_THE_PANEL = ("tenseurs.zeros", "autograd.two_variables")


def assert_nothing_ran(folder, name: str) -> None:
    created = list(folder.iterdir())
    assert created == [], f"{name}: created {created}"


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=lambda e: e.exercise_id)
def test_the_escape_corpus_graded_in_every_exercise_runs_nothing(exercise, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "CANARY_FILE"
    for name, source in ESCAPES:
        started = time.perf_counter()
        result = grade(exercise, source.replace("CANARY", str(canary)))
        seconds = time.perf_counter() - started
        assert not result.passed, f"{name}: graded as solved"
        assert result.feedback, f"{name}: no message"
        assert seconds < TIME_BUDGET_SECONDS + MARGIN_SECONDS, f"{name}: {seconds:.1f} s"
        assert_nothing_ran(tmp_path, name)
    SWEEP_COUNTS[f"exercise {exercise.exercise_id} (graded)"] = len(ESCAPES)


@pytest.mark.parametrize("exercise_id", TYPED_IN_THE_PANEL)
def test_the_escape_corpus_typed_into_the_editor_runs_nothing(exercise_id, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "CANARY_FILE"
    exercise = next(exercise for exercise in ALL_EXERCISES if exercise.exercise_id == exercise_id)
    app = AppTest.from_function(single_exercise_page, args=(exercise_id,), default_timeout=RUN_TIMEOUT)
    app.run()
    for name, source in ESCAPES:  # the autouse crash guard fails the test on any exception or logged crash
        started = time.perf_counter()
        submit(app, exercise, source.replace("CANARY", str(canary)))
        seconds = time.perf_counter() - started
        shown = [element.value for kind in ("error", "info") for element in getattr(app, kind)]
        assert shown, f"{name}: no message"
        assert "Traceback" not in "\n".join(shown), name
        assert not app.success, f"{name}: graded as solved"
        assert seconds < TIME_BUDGET_SECONDS + MARGIN_SECONDS, f"{name}: {seconds:.1f} s"
        assert_nothing_ran(tmp_path, name)
    SWEEP_COUNTS[f"exercise {exercise_id} (typed in the panel)"] = len(ESCAPES)
