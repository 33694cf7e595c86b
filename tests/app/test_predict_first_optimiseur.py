"""Predict, then observe, on the optimizer page: each question comes before the result
that answers it, and that result stays off the page until the learner answers or asks
to see it. The evidence looked for is computed here by running PyTorch (the oracle),
formatted as the page shows it."""

import math

import pytest
import torch
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from components.i18n import translate
from components.optimizers import OptimizerSpec
from components.quiz import number_text
from lessons.optimiseur import core
from tests.app.prediction import answer, hidden_notice, question_form, readable_text, show_without_answering

PAGE = "lessons/optimiseur/page.py"
PAGE_ID = "optimiseur"
BEFORE_THE_RUN = ("converge", "best")  # the animation and the results table answer both


def experiment(surface: str = core.REGRESSION, lr: float = 0.1, second: str | None = "momentum", steps: int = 150):
    specs = (OptimizerSpec("sgd", lr=lr), *((OptimizerSpec(second, lr=0.1),) if second else ()))
    return core.Experiment(surface, 10.0, specs, core.surface(surface).start, steps)


def run(settings: core.Experiment) -> tuple[core.Trajectory, ...]:
    return core.trajectories(settings.surface, 10.0, settings.specs, settings.start, settings.steps)


def outcome_evidence(settings: core.Experiment, result: core.Trajectory) -> tuple[str, str]:
    """(the expected choice, the number that shows it): the distance to the nearest
    minimum, or the step at which the optimizer stopped."""
    outcome = core.outcome(settings.surface, 10.0, result)
    if result.diverged:
        return outcome, f"u pas {result.stopped_at}"  # "au pas 1" in the notice, "Au pas 1" in the explanation
    distance = core.distance_to_minimum(core.surface(settings.surface), result.points[-1])
    return outcome, format(distance, core.DISTANCE_SHOWN)


def expected(question_id: str, settings: core.Experiment) -> tuple[float | str, str]:
    """The right answer (a value or a French choice) and the text that gives it away."""
    results = run(settings)
    if question_id == "converge":
        outcome, evidence = outcome_evidence(settings, results[0])
        return translate(f"optimiseur.quiz.outcome_{outcome}", "fr"), evidence
    if question_id == "best":
        lowest = core.lowest_final_loss(results)
        assert len(lowest) == 1, "a tie is not asked"
        return settings.specs[lowest[0]].label, format(results[lowest[0]].losses[-1], core.LOSS_SHOWN)
    if question_id == "one_step":
        x, y = settings.start
        lr = settings.specs[0].lr
        value = core.trajectory(settings.surface, 10.0, OptimizerSpec("sgd", lr=lr), settings.start, 1).points[1][0]
        # the oracle by hand: p ← p − lr·∂f/∂x, the derivative by central difference
        h, f = 1e-6, core.surface(settings.surface).function
        slope = (
            (f(torch.tensor([x + h, y], dtype=torch.float64)) - f(torch.tensor([x - h, y], dtype=torch.float64)))
            / 2
            / h
        )
        assert math.isclose(value, x - lr * slope.item(), rel_tol=1e-6, abs_tol=1e-6)
        return value, format(value, ".6g")
    assert question_id == "what_if"
    other = OptimizerSpec("sgd", lr=settings.specs[0].lr * 2)
    alone = core.Experiment(settings.surface, 10.0, (other,), settings.start, settings.steps)
    outcome, evidence = outcome_evidence(alone, run(alone)[0])
    return translate(f"optimiseur.quiz.outcome_{outcome}", "fr"), evidence


CASES = [
    # question, page settings (URL), the same as an Experiment, answer or show without answering
    ("converge", {"surface": "bowl", "pas": "500"}, experiment("bowl", steps=500), "answer"),
    ("converge", {"surface": "bowl", "lr": "0.01"}, experiment("bowl", lr=0.01), "show"),  # too slow
    ("converge", {"surface": "bowl", "lr": "2"}, experiment("bowl", lr=2.0), "answer"),  # leaves the map
    ("best", {"surface": "bowl", "opt2": "adam"}, experiment("bowl", second="adam"), "answer"),
    ("best", {"surface": "bowl", "lr": "0.03", "opt2": "adam"}, experiment("bowl", lr=0.03, second="adam"), "show"),
    ("one_step", {}, experiment(), "answer"),
    ("one_step", {"surface": "bowl", "lr": "0.03"}, experiment("bowl", lr=0.03), "show"),
    ("what_if", {"surface": "bowl", "lr": "0.01"}, experiment("bowl", lr=0.01), "answer"),
    ("what_if", {}, experiment(), "answer"),  # in the final quiz: no result to show, only the answer
]


@pytest.mark.parametrize(("question_id", "query", "settings", "how"), CASES, ids=lambda value: str(value)[:20])
def test_the_answer_shows_only_after_the_prediction(open_app, question_id, query, settings, how):
    app = open_app(page=PAGE, **query)
    for other in BEFORE_THE_RUN:  # the other question of the pair shown: this one still hides the result
        if other != question_id and question_id in BEFORE_THE_RUN:
            app = show_without_answering(app, PAGE_ID, other)
    right, evidence = expected(question_id, settings)
    assert question_form(app, PAGE_ID, question_id)
    assert evidence not in readable_text(app)
    if question_id != "what_if":  # the page says the result waits for the answer
        assert hidden_notice() in [caption.value for caption in app.caption]
    app = (
        answer(app, PAGE_ID, question_id, right)
        if how == "answer"
        else show_without_answering(app, PAGE_ID, question_id)
    )
    text = readable_text(app)
    assert evidence in text
    if how == "answer":
        assert translate("quiz.correct", "fr") in [success.value for success in app.success]
    else:
        shown = translate("quiz.quoted", "fr", text=right) if isinstance(right, str) else number_text(right)
        assert translate("quiz.shown_without_answer", "fr", expected=shown) in [info.value for info in app.info]
    explanations = [block.value for block in app.markdown if evidence in block.value]
    assert explanations, "the explanation gives the run's own number"
    assert not app.exception


def chart_paths(app):
    """The animated chart's alt text and its `paths` dataset (one row per optimizer and step)."""
    [chart] = [*app.get("arrow_vega_lite_chart"), *app.get("vega_lite_chart")]
    [paths] = [dataset for dataset in chart.proto.datasets if dataset.name == "paths"]
    return chart.proto.alt, convert_arrow_bytes_to_pandas_df(paths.data.data)


def test_before_any_answer_the_map_shows_only_the_starts(open_app):
    app = open_app(page=PAGE, surface="bowl", lr="2")
    alt, paths = chart_paths(app)
    assert set(paths.step) == {0} and len(paths) == 2, "one start per optimizer, no path"
    bowl = translate("optimiseur.surface.bowl", "fr")
    assert alt == translate("optimiseur.animation.preview_alt", "fr", surface=bowl)
    assert translate("optimiseur.animation.preview", "fr") in readable_text(app)
    assert not app.table and not app.warning  # no results table, no divergence notice, no inside table
    for question_id in BEFORE_THE_RUN:
        app = show_without_answering(app, PAGE_ID, question_id)
    alt, paths = chart_paths(app)
    assert paths.step.max() > 0, "the whole paths, once predicted"
    assert translate("optimiseur.animation.preview", "fr") not in readable_text(app)
    assert len(app.table) == 1 and app.warning
    app = show_without_answering(app, PAGE_ID, "one_step")
    assert len(app.table) == 2  # the step seen from inside


def test_once_shown_the_result_stays_for_new_settings(open_app):
    app = open_app(page=PAGE, surface="bowl")
    for question_id in BEFORE_THE_RUN:
        app = show_without_answering(app, PAGE_ID, question_id)
    app.select_slider(key="lr").set_value("0.03").run()
    assert len(app.table) == 1  # the results table of the new run
    assert question_form(app, PAGE_ID, "converge")  # the new state still asks its question


def test_the_advanced_material_is_folded_below_the_core(open_app):
    app = open_app(page=PAGE)
    intro = app.markdown[0].value  # the objective, then what the learner will do, SGD spelled out
    assert "**Ce que vous allez faire**" in intro and "descente de gradient stochastique (`SGD`" in intro
    assert translate("optimiseur.objective", "fr") in [success.value for success in app.success]
    further = translate("further.heading", "fr", topic="")
    folds = {expander.label: expander for expander in app.expander if expander.label.startswith(further)}
    surfaces = translate("further.heading", "fr", topic=translate("optimiseur.further.surfaces", "fr"))
    schedulers = translate("further.heading", "fr", topic=translate("optimiseur.further.schedulers", "fr"))
    assert set(folds) == {surfaces, schedulers}
    # the extra surfaces: their select box is in its fold, the core's choice outside any fold
    assert folds[surfaces].selectbox(key="surface").value == core.REGRESSION
    core_choice = app.radio(key="surface_base")
    assert core_choice.options == [translate(f"optimiseur.surface.{name}", "fr") for name in ("regression", "bowl")]
    assert not [radio for fold in folds.values() for radio in fold.radio if radio.key == "surface_base"]
    # the schedulers: one select per optimizer, in their fold; the core's optimizers outside
    assert [select.key for select in folds[schedulers].selectbox] == ["sched", "sched2"]
    for fold in folds.values():
        assert not [widget for widget in fold.select_slider if widget.key.startswith("lr")]
        assert not [widget for widget in fold.selectbox if widget.key.startswith("opt")]


def test_the_core_radio_and_the_folded_select_are_one_choice(open_app):
    app = open_app(page=PAGE, surface="rosenbrock", sched2="cosine")
    assert app.radio(key="surface_base").value is None  # a surface beyond the core
    assert app.selectbox(key="sched2").value == "cosine"
    app.radio(key="surface_base").set_value("bowl").run()
    assert app.selectbox(key="surface").value == "bowl" and app.query_params["surface"] == "bowl"
    assert app.slider(key="kappa").value == 10.0  # the bowl's own slider, in the core
    app.selectbox(key="surface").set_value("saddle").run()
    assert app.radio(key="surface_base").value is None
    assert (app.number_input(key="x0").value, app.number_input(key="y0").value) == core.surface("saddle").start
    app.selectbox(key="surface").set_value("regression").run()
    assert app.radio(key="surface_base").value == "regression"
    assert not app.exception
