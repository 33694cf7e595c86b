"""Stories on the optimizer page."""

import pytest
import torch

from components.i18n import translate
from components.optimizers import OptimizerSpec
from components.regression import DataSettings, least_squares, make_dataset
from lessons.optimiseur import core
from lessons.optimiseur.snippets import optimizer_script
from tests.app.prediction import show_without_answering
from tests.twin_check import run_twin

PAGE = "lessons/optimiseur/page.py"


def show_results(app, *question_ids: str):
    """The results wait for their questions (predict first): these stories look at the
    results, so they ask to see them without answering."""
    for question_id in question_ids or ("converge", "best"):
        if any(button.key == f"quiz.revealed.optimiseur.{question_id}.button" for button in app.button):
            app = show_without_answering(app, "optimiseur", question_id)  # "best" is not asked on a tie
    return app


@pytest.fixture
def optimizer_page(open_app):
    def open_with(**query: str):
        return open_app(page=PAGE, **query)

    return open_with


def test_raising_the_learning_rate_makes_the_divergence_notice_appear(optimizer_page):
    app = show_results(optimizer_page(surface="bowl"))
    assert not app.warning
    app.select_slider(key="lr").set_value("2").run()
    notices = [warning.value for warning in app.warning]
    assert any("a quitté la zone dessinée" in notice and "Essayez `lr = " in notice for notice in notices), notices
    assert not app.exception


def test_a_shared_url_restores_surface_optimizers_and_start(optimizer_page):
    app = optimizer_page(
        surface="himmelblau",
        x0="-1.0",
        y0="1.5",
        opt="adam",
        lr="0.1",
        opt2="rmsprop",
        lr2="0.03",
        pas="200",
        lang="en",
    )
    app = show_results(app)
    assert app.selectbox(key="surface").value == "himmelblau"
    assert (app.number_input(key="x0").value, app.number_input(key="y0").value) == (-1.0, 1.5)
    assert app.selectbox(key="opt").value == "adam" and app.select_slider(key="lr").value == "0.1"
    assert app.selectbox(key="opt2").value == "rmsprop"
    table = app.table[0].value
    expected = core.trajectories(
        "himmelblau",
        10.0,
        (OptimizerSpec("adam", lr=0.1), OptimizerSpec("rmsprop", lr=0.03)),
        (-1.0, 1.5),
        200,
    )
    assert list(table["Optimizer"]) == ["adam (lr=0.1)", "rmsprop (lr=0.03)"]
    assert table["End point"][0] == f"({expected[0].points[-1][0]:.4f}, {expected[0].points[-1][1]:.4f})"
    assert not app.warning


def test_a_new_surface_brings_its_own_start(optimizer_page):
    app = optimizer_page()
    app.selectbox(key="surface").set_value("rosenbrock").run()
    assert (app.number_input(key="x0").value, app.number_input(key="y0").value) == (-1.5, 2.5)
    assert not app.exception


def test_bad_url_values_give_notices(optimizer_page):
    app = optimizer_page(surface="lava", lr="banana", opt2="sgdd", pas="100000", x0="nan")
    assert not app.exception
    named = sorted(warning.value.split("`")[1] for warning in app.warning)
    assert named == ["lr", "opt2", "pas", "surface", "x0"]


def test_inside_the_optimizer_shows_adams_state(optimizer_page):
    app = show_results(optimizer_page(surface="bowl", opt="adam", opt2="aucun", pas_vu="3"), "one_step")
    rows = dict(zip(app.table[-1].value.iloc[:, 0], app.table[-1].value.iloc[:, 1], strict=True))
    assert "`opt.state[p]['exp_avg']`" in rows and "`opt.state[p]['exp_avg_sq']`" in rows
    assert rows["`opt.state[p]['step']`"] == "3"
    assert any("beta" in block.value for block in app.latex)


def test_the_quiz_on_convergence_is_graded_by_running_the_optimizer(optimizer_page):
    app = optimizer_page(surface="bowl", lr="0.1", pas="500")
    form = app.get("form")[0]
    form.radio[0].set_value("atteindre un minimum")
    form.button[0].click().run()
    assert "Bonne réponse\u00a0!" in [success.value for success in app.success]


def test_every_surface_renders(optimizer_page):
    for name in core.SURFACE_NAMES:
        app = optimizer_page(surface=name, opt2="adam")
        assert not app.exception, name


def test_the_code_twin_prints_the_same_trajectories(optimizer_page):
    specs = (
        OptimizerSpec("sgd", lr=0.001),
        OptimizerSpec("nesterov", lr=0.001, momentum=0.8, scheduler="step"),
        OptimizerSpec("adamw", lr=0.03, weight_decay=0.05, scheduler="cosine"),
        OptimizerSpec("sgd", lr=2.0),
    )
    script = optimizer_script(core.Experiment("rosenbrock", 10.0, specs, (-1.5, 2.5), 120), "fr")
    printed = run_twin(script)
    for spec, result in zip(specs, core.trajectories("rosenbrock", 10.0, specs, (-1.5, 2.5), 120), strict=True):
        for step in (1, len(result.points) - 1):
            assert printed[f"{spec.label} step {step}"] == str(list(result.points[step]))
        if result.diverged:
            assert printed[f"{spec.label} stop"] == str(result.stopped_at)
    app = optimizer_page(surface="regression", opt2="adam", lr2="0.2", pas="60")
    [page_script] = [block.value for block in app.code if block.value.startswith('"""')]
    printed = run_twin(page_script)
    expected = core.trajectories(
        "regression", 10.0, (OptimizerSpec("sgd", lr=0.1), OptimizerSpec("adam", lr=0.2)), (-0.5, 4.0), 60
    )
    assert printed["sgd (lr=0.1) step 60"] == str(list(expected[0].points[60]))
    assert printed["adam (lr=0.2) step 60"] == str(list(expected[1].points[60]))


def test_the_inside_select_names_the_optimizer_it_shows(optimizer_page):
    """Found by a review: after switching "Optimiseur 1" to Adam, the select still read
    "sgd (lr=0.1)" while its table showed Adam's state."""
    app = show_results(optimizer_page(surface="bowl"), "one_step")
    select = app.selectbox(key="voir")
    assert select.options[select.index] == "sgd (lr=0.1)"
    app.selectbox(key="opt").set_value("adam").run()
    select = app.selectbox(key="voir")
    assert select.options == ["adam (lr=0.1)", "momentum (lr=0.1)"]
    assert select.options[select.index] == "adam (lr=0.1)"
    rows = dict(zip(app.table[-1].value.iloc[:, 0], app.table[-1].value.iloc[:, 1], strict=True))
    assert "`opt.state[p]['exp_avg']`" in rows


def test_the_regression_caption_says_how_its_data_differ_from_the_loss_pages(open_app, optimizer_page):
    """Found by a review: "on the previous lesson's data" while the optimum here is
    (1.980, 0.869) and (2.365, 1.536) on the loss page with its defaults."""
    loss_page = open_app(page="lessons/fonction_de_cout/page.py")
    noise, outliers = loss_page.slider(key="bruit").value, loss_page.slider(key="aberrants").value
    size, seed = loss_page.slider(key="ecart").value, loss_page.number_input(key="graine").value
    assert outliers >= 1  # "without its outlier"
    # "set the outliers to 0 on that page to get exactly these data"
    same = make_dataset(DataSettings(noise, 0, size, seed))
    assert torch.equal(same.x, core.regression_data().x) and torch.equal(same.y, core.regression_data().y)
    w, b = least_squares(same)
    loss_w, loss_b = least_squares(make_dataset(DataSettings(noise, outliers, size, seed)))
    assert (f"{w:.3f}", f"{b:.3f}") != (f"{loss_w:.3f}", f"{loss_b:.3f}")
    caption = " ".join(caption.value for caption in optimizer_page(surface="regression").caption)
    assert f"`(w, b) = ({w:.3f}, {b:.3f})`" in caption and "sans sa valeur aberrante" in caption


def test_a_tie_at_the_shown_precision_is_not_asked(optimizer_page):
    """sgd and momentum both end at 0.2447 on the regression by default: no fair answer,
    so no "lowest loss" question; the convergence question still comes first."""
    app = optimizer_page(surface="regression")
    prompts = [form.markdown[0].value for form in app.get("form") if form.markdown]  # exercises' forms: no prompt
    assert not any("la perte la plus basse" in prompt for prompt in prompts)
    assert any(form.proto.form.form_id.startswith("quiz.optimiseur.converge.") for form in app.get("form"))
    app = optimizer_page(surface="bowl", lr="0.03", opt2="adam")  # no tie: asked, the two labels as choices
    [form] = [form for form in app.get("form") if form.markdown and "la perte la plus basse" in form.markdown[0].value]
    assert form.radio[0].options == ["sgd (lr=0.03)", "adam (lr=0.1)"]


def test_in_presentation_mode_predict_then_watch_then_read_on_separate_slides(optimizer_page):
    """The questions on their slides; the results slide waits for them, then shows the table."""
    app = optimizer_page(presentation="1", diapo="8")
    assert not app.exception
    assert translate("optimiseur.slides.after_prediction", "fr") in [caption.value for caption in app.caption]
    assert not app.table
    app = show_results(app)
    assert not app.exception
    assert app.table  # the results table, once both predictions are shown
