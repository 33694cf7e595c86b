"""Stories on the training-loop page."""

import pytest

from tests.twin_check import run_twin

PAGE = "lessons/boucle_entrainement/page.py"


@pytest.fixture
def training_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def click(app, label: str):
    [button] = [button for button in app.button if button.label == label]
    return button.click().run(timeout=120)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_training_at_default_settings_shows_the_final_loss_and_the_line(training_page):
    app = training_page()
    assert any("cliquez sur" in info.value for info in app.info)
    click(app, "Entraîner")
    assert not app.exception
    shown = metrics(app)
    assert float(shown["Perte d'entraînement (boucle correcte)"]) < 0.1
    assert any("Droite apprise" in block.value and "`w = 2.0`" in block.value for block in app.markdown)


def test_a_bug_switch_changes_the_result(training_page):
    app = training_page(optim="sgd", lr_b="0.05")
    click(app, "Entraîner")
    correct = float(metrics(app)["Perte d'entraînement (boucle correcte)"])
    app.toggle(key="bug_zero_grad_after_backward").set_value(True).run()
    assert any("cliquez sur" in info.value for info in app.info)  # new settings: train again
    click(app, "Entraîner")
    shown = metrics(app)
    buggy = float(shown["Perte d'entraînement (boucle avec erreur)"])
    assert float(shown["Perte d'entraînement (boucle correcte)"]) == pytest.approx(correct)
    assert buggy > 10 * correct
    assert any("efface le gradient" in info.value for info in app.info)


def test_the_moons_are_classified_with_accuracy(training_page):
    app = training_page(donnees="moons", epoques="30")
    click(app, "Entraîner")
    assert metrics(app)["Précision en validation (boucle correcte)"] in {"95%", "96%", "97%", "98%", "99%", "100%"}


def test_the_quiz_counts_optimizer_steps(training_page):
    app = training_page(n="200", lot="32")
    form = app.get("form")[2]
    form.number_input[0].set_value(5.0)  # 160 training examples / 32
    form.button[0].click().run()
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]


def test_the_code_twin_reaches_the_pages_final_loss(training_page):
    app = training_page(
        donnees="sine", modele="mlp", couches="1", largeur="16", epoques="15", bug_huge_lr="true", lr_b="0.003"
    )
    click(app, "Entraîner")
    shown = metrics(app)
    [script] = [block.value for block in app.code if block.value.startswith('"""')]
    assert "← l'erreur du laboratoire" in script
    printed = run_twin(script)
    twin_final = float(printed["15 train"])
    assert twin_final == pytest.approx(float(shown["Perte d'entraînement (boucle avec erreur)"]), rel=1e-3)


def test_bad_url_values_give_notices(training_page):
    app = training_page(donnees="mnist", n="-5", lot="7", bug_huge_lr="peut-être")
    assert not app.exception
    assert sorted(warning.value.split("`")[1] for warning in app.warning) == ["bug_huge_lr", "donnees", "lot", "n"]
