"""Predict, then observe, on the training-loop page: each question comes before the
result that answers it, and that result stays off the page until the learner answers or
asks to see it; then it shows, with an explanation that carries the run's own numbers."""

import pytest

from components.i18n import translate
from lessons.boucle_entrainement import outcomes, questions
from tests.app.prediction import answer, question_form, readable_text, show_without_answering

PAGE = "lessons/boucle_entrainement/page.py"
PAGE_ID = "boucle_entrainement"
BUGGY_LOSS = "Perte d'entraînement (boucle avec erreur)"
CORRECT_LOSS = "Perte d'entraînement (boucle correcte)"
RESULTS_KEY = "boucle_entrainement.results"  # page.py's store (importing page.py would run it)


@pytest.fixture
def training_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def train(app):
    [button] = [button for button in app.button if button.label == "Entraîner"]
    return button.click().run(timeout=120)


def charts(app) -> list:
    return [*app.get("arrow_vega_lite_chart"), *app.get("vega_lite_chart")]


def markdown(app) -> list[str]:
    return [block.value for block in app.markdown]


@pytest.mark.parametrize(
    ("query", "count", "terms", "reveal"),
    [
        ({}, 2, "(1 × 1 + 1)", False),  # nn.Linear(1, 1)
        (
            {"donnees": "sine", "modele": "mlp", "couches": "1", "largeur": "16"},
            49,
            "(1 × 16 + 16) + (16 × 1 + 1)",
            True,
        ),
    ],
)
def test_the_parameter_count_waits_for_the_prediction(training_page, query, count, terms, reveal):
    app = training_page(**query)
    shown = f"Paramètres {count}"  # the metric as the page draws it
    explanation = f"soit {terms} = {count}."
    assert shown not in readable_text(app)
    assert explanation not in readable_text(app)
    if reveal:
        show_without_answering(app, PAGE_ID, "parameters")
        assert f"Réponse de PyTorch\u00a0: {count}" in readable_text(app)
    else:
        answer(app, PAGE_ID, "parameters", float(count))
        assert "Bonne réponse\u00a0!" in [success.value for success in app.success]
    assert shown in readable_text(app)
    assert any(explanation in block for block in markdown(app))


def lab_results(app) -> dict:
    [results] = app.session_state[RESULTS_KEY].values()
    return results


def expected_prediction(app) -> str:
    """The lab's answer, read from the runs the page trained and kept."""
    course = questions.run_outcome(lab_results(app)).kind
    return translate(f"boucle.predict.{outcomes.ANSWER[course]}", "fr")


def test_the_lab_asks_what_the_mistake_did_before_its_curve(training_page):
    app = train(training_page(epoques="10", optim="sgd", lr_b="0.05", bug_no_zero_grad="1"))
    question_id = questions.outcome_question_id(frozenset({"no_zero_grad"}))
    before = readable_text(app)
    assert question_form(app, PAGE_ID, question_id)
    assert BUGGY_LOSS not in before and "Ce qu'a fait cette exécution" not in before
    assert CORRECT_LOSS not in before  # the curves and numbers come after the answer
    assert not charts(app)
    expected = expected_prediction(app)
    choices = [translate(f"boucle.predict.{key}", "fr") for key in outcomes.PREDICTIONS]
    assert choices.count(expected) == 1
    wrong = next(choice for choice in choices if choice != expected)
    answer(app, PAGE_ID, question_id, wrong)
    after = readable_text(app)
    assert f"Réponse de PyTorch\u00a0: «\u00a0{expected}\u00a0»" in after
    assert BUGGY_LOSS in after and charts(app)
    [explanation] = [block for block in markdown(app) if "Ce qu'a fait cette exécution" in block]
    assert "Sans `zero_grad()`" in explanation  # why, after what
    first = lab_results(app)[questions.BUGGY].epochs[0].train_loss
    assert questions.number(first) in explanation  # the run's own numbers
    assert not any("Sans `zero_grad()`" in info.value for info in app.info)  # said once, not twice
    # Predicted once, this mistake's runs show at once; the new run still asks, and the
    # explanations, which its form does not show unanswered, come below the curves.
    app.select_slider(key="lr_b").set_value("0.03").run()
    train(app)
    assert BUGGY_LOSS in readable_text(app) and question_form(app, PAGE_ID, question_id)
    assert any("Sans `zero_grad()`" in info.value for info in app.info)
    assert any("SGD, `lr = 0.03`" in block for block in markdown(app))


def test_the_lab_shows_its_result_without_an_answer(training_page):
    app = train(training_page(epoques="10", bug_zero_grad_after_backward="1"))
    question_id = questions.outcome_question_id(frozenset({"zero_grad_after_backward"}))
    expected = translate("boucle.predict.flat", "fr")
    assert expected_prediction(app) == expected
    assert "n'a pas bougé" not in readable_text(app) and BUGGY_LOSS not in readable_text(app)
    show_without_answering(app, PAGE_ID, question_id)
    after = readable_text(app)
    assert f"Réponse de PyTorch\u00a0: «\u00a0{expected}\u00a0»" in after
    assert "n'a pas bougé" in after and "efface les gradients" in after and BUGGY_LOSS in after


def test_without_a_mistake_the_results_show_at_once(training_page):
    app = train(training_page(epoques="5"))
    assert CORRECT_LOSS in readable_text(app)
    assert not any("bug_outcome" in form.proto.form.form_id for form in app.get("form"))


@pytest.mark.parametrize("pick", [0, -1])
def test_the_final_quiz_on_zero_grad(training_page, pick):
    app = training_page(epoques="10", optim="sgd", lr_b="0.05")
    explanation = "PyTorch a entraîné ce modèle sans `zero_grad()`"
    assert explanation not in readable_text(app)
    form = question_form(app, PAGE_ID, "no_zero_grad")
    answer(app, PAGE_ID, "no_zero_grad", list(form.radio[0].options)[pick])
    [shown] = [block for block in markdown(app) if explanation in block]
    assert "SGD, `lr = 0.05`" in shown and "(époque 1)" in shown and "Sans `zero_grad()`" in shown
    right = "Bonne réponse\u00a0!" in [success.value for success in app.success]
    assert right or "Réponse de PyTorch\u00a0: «\u00a0elle" in readable_text(app)


def test_the_steps_question_is_answered_in_the_quiz(training_page):
    app = training_page(n="200", lot="32")
    explanation = "⌈160 / 32⌉ = 5"
    assert explanation not in readable_text(app)
    answer(app, PAGE_ID, "steps", 5.0)
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]
    assert explanation in readable_text(app)


@pytest.mark.parametrize(
    "query",
    [
        {"bug_huge_lr": "1", "optim": "adam", "lr_b": "0.01"},
        {"bug_no_shuffle_sorted": "1", "donnees": "sine", "modele": "mlp", "couches": "1", "largeur": "8"},
        {"bug_no_no_grad": "1", "bug_no_train_eval": "1", "graine_b": "7"},
        {"bug_no_zero_grad": "1", "optim": "rmsprop", "lr_b": "0.03", "donnees": "moons"},
    ],
)
def test_the_lab_asks_only_questions_with_one_clear_answer(training_page, query):
    """Sampled settings: the lab asks when the run's answer is clear-cut (never near the
    line between two choices), and then exactly one choice is PyTorch's answer."""
    app = train(training_page(epoques="10", **query))
    outcome = questions.run_outcome(lab_results(app))
    asked = [form for form in app.get("form") if ".bug_outcome." in form.proto.form.form_id]
    assert bool(asked) == outcomes.clear_cut(outcome)
    if asked:
        options = list(asked[0].radio[0].options)
        assert len(set(options)) == len(outcomes.PREDICTIONS)
        assert options.count(expected_prediction(app)) == 1
