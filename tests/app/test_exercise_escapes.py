"""The hostile sweep of the exercises: every string of the sandbox-escape corpus is typed
into every exercise that has an editor, through the panel the learner uses. Nothing may
run (no file appears), crash, show an exception or a traceback, or go past the time
budget; each gets a message. The counts are printed at the end of the run.
(Parsons exercises offer fixed lines only: the corpus reaches their grader in
tests/unit/test_escape_corpus.py.)"""

import time

import pytest
from streamlit.testing.v1 import AppTest

from components.learner_code import TIME_BUDGET_SECONDS
from lessons.exercise_catalog import ALL_EXERCISES
from tests.escape_corpus import ESCAPES

from .conftest import RUN_TIMEOUT, SWEEP_COUNTS
from .exercises import single_exercise_page, submit

TYPED = [exercise for exercise in ALL_EXERCISES if exercise.kind != "parsons"]
RERUN_MARGIN_SECONDS = 3.0  # the panel's own work around the interpreter's budget


@pytest.mark.parametrize("exercise", TYPED, ids=lambda e: e.exercise_id)
def test_the_escape_corpus_typed_into_an_exercise_runs_nothing(exercise, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    canary = tmp_path / "CANARY_FILE"
    app = AppTest.from_function(single_exercise_page, args=(exercise.exercise_id,), default_timeout=RUN_TIMEOUT)
    app.run()
    for name, source in ESCAPES:  # the autouse crash guard fails the test on any exception or logged crash
        started = time.perf_counter()
        submit(app, exercise, source.replace("CANARY", str(canary)))
        seconds = time.perf_counter() - started
        assert app.error, f"{name}: no message"
        assert "Traceback" not in "\n".join(error.value for error in app.error), name
        assert not app.success, f"{name}: graded as solved"
        assert seconds < TIME_BUDGET_SECONDS + RERUN_MARGIN_SECONDS, f"{name}: {seconds:.1f} s"
        assert list(tmp_path.iterdir()) == [], f"{name}: created {list(tmp_path.iterdir())}"
    SWEEP_COUNTS[f"exercise {exercise.exercise_id}"] = len(ESCAPES)
