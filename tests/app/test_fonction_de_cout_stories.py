"""Stories on the loss page."""

import pytest

from components.regression import DataSettings, least_squares, make_dataset
from lessons.fonction_de_cout import core
from tests.app.prediction import answer, show_without_answering
from tests.twin_check import assert_twin_matches

PAGE = "lessons/fonction_de_cout/page.py"
PAGE_ID = "fonction_de_cout"


@pytest.fixture
def loss_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def metrics(app) -> dict[str, float]:
    return {metric.label: float(metric.value) for metric in app.metric}


def test_adding_an_outlier_raises_mse_more_than_mae(loss_page):
    app = loss_page(aberrants="0", w="2.0", b="1.0")
    before = metrics(app)
    app.slider(key="aberrants").set_value(1).run()
    after = metrics(app)
    assert not app.exception
    mse_growth = after["nn.MSELoss"] - before["nn.MSELoss"]
    mae_growth = after["nn.L1Loss"] - before["nn.L1Loss"]
    assert mse_growth > 3 * mae_growth > 0
    # With an outlier, the question about it comes first; its share of each loss after.
    assert not any("pèsent" in block.value for block in app.markdown)
    show_without_answering(app, PAGE_ID, "outlier_doubles")
    assert any("pèsent" in block.value for block in app.markdown)


def test_an_extreme_logit_shows_the_message(loss_page):
    app = loss_page()
    assert not any("inf / inf = nan" in warning.value for warning in app.warning)
    app.selectbox(key="extreme").set_value("10000").run()
    assert any("inf / inf = nan" in warning.value for warning in app.warning)
    stability_table = app.table[-1].value
    assert "nan" in stability_table.iloc[0, 1] and stability_table.iloc[1, 2] == "10000"
    assert not app.exception


def test_the_landscape_marks_the_optimum_of_the_chosen_loss(loss_page):
    app = loss_page()
    best_mse = metrics(app)["Perte minimale"]
    app.selectbox(key="paysage").set_value("mae").run()
    best_mae = metrics(app)["Perte minimale"]
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    assert best_mse == pytest.approx(core.regression_losses(data, *least_squares(data), 1.0)["mse"], abs=1e-4)
    assert best_mae <= core.regression_losses(data, *least_squares(data), 1.0)["mae"]


def test_more_classes_and_a_new_true_class(loss_page):
    app = loss_page(classes="4", vraie="3")
    assert not app.exception
    assert metrics(app)["nn.CrossEntropyLoss"] == pytest.approx(
        core.classification((2.0, 0.5, -1.0, 0.0), 3).cross_entropy, abs=1e-4
    )


def test_the_outlier_quiz_is_graded_by_computing(loss_page):
    app = loss_page()
    answer(app, PAGE_ID, "outlier_doubles", "nn.MSELoss")
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]


def test_the_code_twin_reproduces_the_page_losses(loss_page):
    app = loss_page(
        bruit="0.8",
        aberrants="2",
        ecart="6.0",
        graine="5",
        w="1.5",
        b="0.5",
        delta="0.7",
        perso="weighted_mse",
        z1="3.0",
    )
    show_without_answering(app, PAGE_ID, "sum")  # the sum is the answer to a question
    shown = metrics(app)
    [script] = [block.value for block in app.code if block.value.startswith('"""')]
    data = make_dataset(DataSettings(0.8, 2, 6.0, 5))
    best = least_squares(data)
    assert_twin_matches(
        script,
        {
            "nn.MSELoss": shown["nn.MSELoss"],
            "nn.L1Loss": shown["nn.L1Loss"],
            "nn.HuberLoss": shown["nn.HuberLoss"],
            "nn.SmoothL1Loss": shown["nn.SmoothL1Loss"],
            "sum": shown['reduction="sum"'],
            "best w": best[0],
            "best b": best[1],
            "nn.CrossEntropyLoss": shown["nn.CrossEntropyLoss"],
            "weighted_mse": shown["Perte"],
        },
        rel_tol=1e-4,
        abs_tol=5e-5,  # the page rounds to 4 decimals
    )
