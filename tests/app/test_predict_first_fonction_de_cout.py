"""Predict first on the loss page: each question comes before the result that answers it.

Before the learner answers, the answer (as the page would show it) is nowhere in the
page's text; after an answer, right or wrong, or "Voir le résultat sans répondre", it
is there with an explanation built from the run's numbers. The expected values come
from the core, computed here independently of the page. Then the page's structure:
the core (regression with its outlier, landscape) outside the "Pour aller plus loin"
folds, each other topic in a fold of its own, before the code twin.
"""

import dataclasses

import pytest

from components.i18n import translate as translate_in
from components.regression import DataSettings, make_dataset
from lessons.fonction_de_cout import core
from tests.app.prediction import (
    answer,
    hidden_notice,
    pending_notice,
    readable_text,
    show_from_pending,
    show_without_answering,
)

PAGE = "lessons/fonction_de_cout/page.py"
PAGE_ID = "fonction_de_cout"
DEFAULTS = DataSettings(0.5, 1, 8.0, 0)  # the page's widgets' defaults
W, B = 1.0, 0.0
LOGITS, TRUE_CLASS = (2.0, 0.5, -1.0), 0  # three classes by default


def translate(key: str, lang: str = "fr", **values: object) -> str:
    return translate_in(key, lang, **values)


@pytest.fixture
def loss_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def doubling(settings: DataSettings = DEFAULTS, w: float = W, b: float = B) -> core.OutlierDoubling:
    doubled = make_dataset(dataclasses.replace(settings, outlier_size=settings.outlier_size * 2))
    return core.outlier_doubling(make_dataset(settings), doubled, w, b)


def growth_by_hand(settings: DataSettings, w: float, b: float) -> dict[str, float]:
    """The oracle for the outlier question: the nn losses on both data sets, no helper."""
    doubled = dataclasses.replace(settings, outlier_size=settings.outlier_size * 2)
    before = core.regression_losses(make_dataset(settings), w, b, 1.0)
    after = core.regression_losses(make_dataset(doubled), w, b, 1.0)
    return {name: after[name] - before[name] for name in ("mse", "mae")}


def expectations() -> dict[str, dict]:
    """Per question: a right answer, the answer as the page shows it, and a piece of the
    explanation that carries the run's numbers."""
    growth = growth_by_hand(DEFAULTS, W, B)
    after = doubling().after
    winner = max(growth, key=growth.get)
    reductions = core.reductions(make_dataset(DEFAULTS), W, B)
    other = (TRUE_CLASS + 1) % len(LOGITS)
    other_result = core.classification(LOGITS, other)
    return {
        "outlier_doubles": {
            "right": core.MODULE_NAMES[winner],
            "wrong": core.MODULE_NAMES["mae" if winner == "mse" else "mse"],
            "shown": [f"{after['mse']:.4f}", f"{after['mae']:.4f}"],
            "why": [
                f"({growth['mse']:+.4f})",
                f"({growth['mae']:+.4f})",
                translate(f"{PAGE_ID}.quiz.verdict_{winner}"),
            ],
        },
        "sum": {
            "right": reductions.sum,
            "wrong": reductions.mean,  # the classic mistake: the mean
            "shown": [f'reduction="sum" {reductions.sum:.4f}'],
            "why": [f"`12 × {reductions.mean:.6f} = {reductions.sum:.4f}`"],
        },
        "other_class": {
            "right": other_result.cross_entropy,
            "wrong": 0.0,
            "shown": [f"{other_result.cross_entropy:.4f}"],
            "why": [f"`p = {other_result.probabilities[other]:.4f}`"],
        },
    }


CASES = [
    ("outlier_doubles", "right"),
    ("outlier_doubles", "reveal"),
    ("sum", "wrong"),
    ("sum", "reveal"),
    ("other_class", "right"),  # in the final quiz: its answer is nowhere on the page
]


@pytest.mark.parametrize(("question_id", "path"), CASES)
def test_the_answer_appears_only_after_the_question(loss_page, question_id, path):
    expected = expectations()[question_id]
    app = loss_page()
    before = readable_text(app)
    for shown in expected["shown"]:
        assert shown not in before, f"{shown} is on the page before {question_id} is answered"
    for why in expected["why"]:
        assert why not in before
    if path == "reveal":
        show_without_answering(app, PAGE_ID, question_id)
        assert any(info.value.startswith("Sans réponse de votre part") for info in app.info)
    else:
        answer(app, PAGE_ID, question_id, expected[path])
        alerts = [alert.value for alert in (*app.success, *app.error)]
        assert any(alert.startswith("Bonne réponse" if path == "right" else "Pas tout à fait") for alert in alerts)
    after = readable_text(app)
    for shown in expected["shown"]:
        assert shown in after, f"{shown} missing once {question_id} is answered ({path})"
    explanations = "\n".join(block.value for block in app.markdown)
    for why in expected["why"]:
        assert why in explanations
    assert not app.exception


def test_every_predict_first_question_hides_its_result_with_a_notice(loss_page):
    app = loss_page()
    buttons = {button.key for button in app.button if button.key and button.key.startswith("quiz.revealed.")}
    assert buttons == {f"quiz.revealed.{PAGE_ID}.outlier_doubles.button", f"quiz.revealed.{PAGE_ID}.sum.button"}
    assert sum(caption.value == hidden_notice() for caption in app.caption) == 2
    assert not [metric for metric in app.metric if metric.label == 'reduction="sum"']
    assert not [header for header in app.subheader if "part de chaque point" in header.value]


def test_the_outlier_result_stays_shown_when_the_settings_change(loss_page):
    app = loss_page()
    show_without_answering(app, PAGE_ID, "outlier_doubles")
    app.slider(key="ecart").set_value(5.0).run()
    after = doubling(dataclasses.replace(DEFAULTS, outlier_size=5.0)).after
    assert f"{after['mse']:.4f}" in readable_text(app)
    assert "écart 10.0" in " ".join(metric.label for metric in app.metric)


def test_mae_can_be_the_answer(loss_page):
    """Small residuals: the outlier's goes from 0.1 to -0.4, its square less than its
    absolute value, and MAE grows more. The question follows the run, not a habit."""
    query = {"bruit": "0.0", "aberrants": "1", "ecart": "0.5", "w": "2.0", "b": "1.6"}
    app = loss_page(**query)
    settings = DataSettings(0.0, 1, 0.5, 0)
    growth = growth_by_hand(settings, 2.0, 1.6)
    assert round(growth["mae"], 4) > round(growth["mse"], 4) > 0
    answer(app, PAGE_ID, "outlier_doubles", "nn.L1Loss")
    assert any(success.value.startswith("Bonne réponse") for success in app.success)
    assert translate(f"{PAGE_ID}.quiz.verdict_mae") in "\n".join(block.value for block in app.markdown)


# Settings the page offers, sampled: ties (gap 0), losses that fall, small and large gaps.
SAMPLES = [
    {"ecart": "0.0"},
    {"aberrants": "0"},
    {"ecart": "0.5", "w": "2.0", "b": "1.75"},  # the outlier's residual 0.25 -> -0.25: no change
    {"ecart": "1.0", "w": "5.0", "b": "5.0"},  # the line far above the outlier: both losses fall
    {"ecart": "15.0", "aberrants": "3", "graine": "7"},
    {"ecart": "1.0", "bruit": "0.0", "w": "2.0", "b": "1.5"},
]


@pytest.mark.parametrize("query", SAMPLES, ids=lambda query: "-".join(f"{k}{v}" for k, v in query.items()))
def test_the_outlier_question_is_asked_only_with_one_clear_answer(loss_page, query):
    app = loss_page(**query)
    values = {"bruit": 0.5, "aberrants": 1, "ecart": 8.0, "graine": 0, "w": W, "b": B}
    values.update({key: float(value) for key, value in query.items()})
    settings = DataSettings(values["bruit"], int(values["aberrants"]), values["ecart"], int(values["graine"]))
    growth = growth_by_hand(settings, values["w"], values["b"])
    shown = sorted((round(value, 4) for value in growth.values()), reverse=True)
    asked = any(form.proto.form.form_id.startswith(f"quiz.{PAGE_ID}.outlier_doubles.") for form in app.get("form"))
    clear = settings.outliers > 0 and settings.outlier_size > 0 and shown[0] > 0 and shown[0] != shown[1]
    assert asked == clear
    if not asked:  # no question: the result is on the page at once, and the page says why
        captions = [caption.value for caption in app.caption]
        key = "need_outlier" if not (settings.outliers and settings.outlier_size) else "no_question"
        assert translate(f"{PAGE_ID}.regression.{key}") in captions
        assert translate(f"{PAGE_ID}.regression.contributions_title") in [header.value for header in app.subheader]


def test_each_fold_holds_its_topic_below_the_core_and_above_the_code_twin(loss_page):
    app = loss_page()
    topics = ["shapes", "reduction", "custom", "classification"]
    titles = [translate("further.heading", topic=translate(f"{PAGE_ID}.{topic}.topic")) for topic in topics]
    further = [expander for expander in app.expander if expander.label != translate("exercise.given_title")]
    assert [expander.label for expander in further] == titles  # the exercises' "given code" folds aside
    folds = dict(zip(topics, further, strict=True))
    assert {metric.label for metric in folds["shapes"].metric} == {"nn.HuberLoss", "nn.SmoothL1Loss"}
    assert [slider.key for slider in folds["shapes"].slider] == ["delta"]
    assert folds["reduction"].code and folds["reduction"].get("form")
    assert [selectbox.key for selectbox in folds["custom"].selectbox] == ["perso"]
    assert "nn.CrossEntropyLoss" in {metric.label for metric in folds["classification"].metric}
    assert {slider.key for slider in folds["classification"].slider} >= {"classes", "zb"}
    # The core: outside every fold.
    folded = [node for expander in further for node in expander]
    folded_text = "\n".join(str(getattr(node, "value", "")) for node in folded)
    for key in ("regression.title", "landscape.title"):
        assert translate(f"{PAGE_ID}.{key}") in [header.value for header in app.header]
        assert translate(f"{PAGE_ID}.{key}") not in folded_text
    core_metrics = {"nn.MSELoss", "nn.L1Loss", "Perte minimale", "Perte en votre (w, b)"}
    assert core_metrics <= {metric.label for metric in app.metric}
    assert not core_metrics & {getattr(node, "label", None) for node in folded}
    assert not {"w", "b", "paysage", "aberrants"} & {getattr(node, "key", None) for node in folded}
    # Document order: core headers, then the folds, then the code twin and the quiz.
    order = [node for node in app.main if node.type in ("header", "expander")]
    labels = [node.value if node.type == "header" else node.label for node in order]
    landscape = labels.index(translate(f"{PAGE_ID}.landscape.title"))
    twin = labels.index(translate(f"{PAGE_ID}.twin_title"))
    assert landscape < min(labels.index(title) for title in titles)
    assert max(labels.index(title) for title in titles) < twin < labels.index(translate(f"{PAGE_ID}.quiz_title"))


def test_the_intro_states_the_objective_and_spells_out_mse_and_mae(loss_page):
    app = loss_page()
    assert translate(f"{PAGE_ID}.objective") in [success.value for success in app.success]
    intro = translate(f"{PAGE_ID}.intro")
    assert intro in [block.value for block in app.markdown]
    for words in ("erreur quadratique moyenne (MSE", "erreur absolue moyenne (MAE", "Pour aller plus loin", "(w, b)"):
        assert words in intro
    assert intro.index("erreur quadratique moyenne") < intro.index("MSE")
    english = translate(f"{PAGE_ID}.intro", "en")
    assert "mean squared error (MSE" in english and "mean absolute error (MAE" in english


@pytest.mark.parametrize(("diapo", "question_id"), [("4", "outlier_doubles"), ("8", "sum")])
def test_a_result_slide_says_it_waits_for_its_question_and_can_show_it(loss_page, diapo, question_id):
    """The contributions (slide 4) and the reductions (slide 8) come after their question's
    slide: not an empty place, a notice and its button."""
    shown = expectations()[question_id]["shown"]
    app = loss_page(presentation="1", diapo=diapo)
    assert sum(info.value == pending_notice() for info in app.info) == 2  # both result slides
    assert not any(value in readable_text(app) for value in shown)
    app = show_from_pending(app, PAGE_ID, question_id)
    assert all(value in readable_text(app) for value in shown)
    assert sum(info.value == pending_notice() for info in app.info) == 1  # the other one still waits
    assert not app.exception
