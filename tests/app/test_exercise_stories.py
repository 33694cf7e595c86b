"""Stories of a learner writing PyTorch in the exercises: what they type, what the page answers."""

import pytest
from streamlit.testing.v1 import AppTest

from components.exercise import find_exercise
from components.i18n import translate
from lessons.exercise_catalog import ALL_EXERCISES

from .conftest import RUN_TIMEOUT, texts
from .exercises import hint_button, panel_messages, single_exercise_page, submit


def exercise_alone(exercise_id: str, lang: str = "fr") -> AppTest:
    app = AppTest.from_function(single_exercise_page, args=(exercise_id, lang), default_timeout=RUN_TIMEOUT)
    return app.run()


def test_a_learner_writes_the_wrong_shape_then_fixes_it(open_app):
    zeros = find_exercise("tenseurs.zeros")
    app = open_app(page="lessons/tenseurs/page.py")
    submit(app, zeros, "z = torch.zeros(4, 3, dtype=torch.float32, device=device)")
    assert not app.exception
    assert any("a la forme (4, 3), on attend (3, 4)" in message for message in panel_messages(app))
    submit(app, zeros, zeros.solution)
    assert translate("exercise.solved", "fr") in panel_messages(app)
    assert any(button.label == translate("exercise.download", "fr") for button in app.get("download_button"))


def test_a_solved_exercise_counts_on_the_home_page(open_app):
    zeros = find_exercise("tenseurs.zeros")
    app = open_app(page="lessons/tenseurs/page.py")
    submit(app, zeros, zeros.solution)
    app.switch_page("lessons/accueil/page.py").run()
    total = sum(exercise.page_id == "tenseurs" for exercise in ALL_EXERCISES)
    shown = [bar.proto.text for bar in app.get("progress")]
    assert f"Tenseurs sur CPU et GPU · exercices\u00a0: 1 réussi sur {total}" in shown, shown


def test_the_solution_is_offered_only_after_a_first_try():
    exercise = find_exercise("autograd.backward")
    app = exercise_alone(exercise.exercise_id)
    for _ in range(2):
        hint_button(app, exercise).click().run()
    assert exercise.key_line in [code.value for code in app.code]
    assert hint_button(app, exercise).disabled
    assert translate("exercise.solution_after_try", "fr") in texts(app)
    submit(app, exercise, exercise.wrong[0].answer)
    hint_button(app, exercise).click().run()
    assert exercise.solution in [code.value for code in app.code]


def test_a_pytorch_error_keeps_pytorch_s_message_and_explains_it():
    exercise = find_exercise("autograd.requires_grad")
    wrong = next(wrong for wrong in exercise.wrong if wrong.expected_key == "code.torch_error")
    app = exercise_alone(exercise.exercise_id)
    submit(app, exercise, wrong.answer)
    assert not app.exception
    (shown,) = [error.value for error in app.error]
    assert "does not require grad" in shown  # PyTorch's own words, then the explanation
    assert app.info, "a one-line explanation follows PyTorch's message"


@pytest.mark.parametrize("exercise", [e for e in ALL_EXERCISES if e.kind == "parsons"], ids=lambda e: e.exercise_id)
def test_lines_put_in_the_wrong_order_are_graded_by_running_them(exercise):
    app = exercise_alone(exercise.exercise_id)
    wrong = next(w for w in exercise.wrong if set(w.answer.splitlines()) <= set(exercise.lines))  # offered lines only
    submit(app, exercise, wrong.answer)
    assert not app.exception
    assert not app.success
    submit(app, exercise, exercise.solution)
    assert translate("exercise.solved", "fr") in panel_messages(app)


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=lambda e: e.exercise_id)
def test_every_reference_solution_is_solved_in_the_panel(exercise):
    app = exercise_alone(exercise.exercise_id)
    submit(app, exercise, exercise.solution)
    assert not app.exception
    assert translate("exercise.solved", "fr") in panel_messages(app), panel_messages(app)


def test_an_english_learner_reads_english_feedback():
    zeros = find_exercise("tenseurs.zeros")
    app = exercise_alone(zeros.exercise_id, lang="en")
    submit(app, zeros, "z = torch.zeros(4, 3, dtype=torch.float32, device=device)")
    assert any("has shape (4, 3); (3, 4) is expected" in message for message in panel_messages(app))
    assert translate("exercises.tenseurs.zeros.title", "en") in texts(app)


def test_typing_python_that_escapes_is_refused_with_a_message(open_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exercise = find_exercise("autograd.two_variables")
    app = open_app(page="lessons/autograd/page.py")
    submit(app, exercise, "__import__('os').system('touch PWNED')")
    assert not app.exception
    assert app.error, "the refusal is said"
    assert not (tmp_path / "PWNED").exists()
