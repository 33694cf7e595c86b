"""The bug lab's outcome and explanations: the sentence says what the run did, and the
"why" shown for each mistake and each optimizer the page offers is true of a real run at
the page's default settings. Also: one colour per run in every chart of the page."""

import dataclasses
import functools
import json
import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from components.optimizers import OptimizerSpec
from lessons.boucle_entrainement import charts, core, outcomes
from lessons.boucle_entrainement.mistakes import BUGS, Bug
from lessons.boucle_entrainement.outcomes import Course

LOCALES = Path(__file__).resolve().parents[2] / "locales"

# --- The classification, on curves written by hand --------------------------------------

CORRECT = [4.0, 2.0, 1.0, 0.5, 0.25]


@pytest.mark.parametrize(
    ("buggy", "diverged", "kind"),
    [
        ([5.7, 5.7 * (1 + 1e-7), 5.7, 5.7, 5.7], False, Course.FLAT),
        ([3.0, 2.0, 4.0, 6.0, 8.0], False, Course.WENT_UP),
        ([3.0, 50.0, 1e30, float("inf")], True, Course.DIVERGED),
        ([4.0, 0.1, 0.3, 0.2, 0.5], False, Course.ROSE_AGAIN),
        ([4.0, 3.0, 2.0, 1.5, 1.0], False, Course.HIGHER),
        ([4.0, 2.1, 1.1, 0.52, 0.26], False, Course.LIKE_CORRECT),
        ([4.0, 1.0, 0.5, 0.2, 0.1], False, Course.LOWER),
        (list(CORRECT), False, Course.IDENTICAL),
    ],
)
def test_each_curve_gets_its_kind(buggy, diverged, kind):
    assert outcomes.outcome(buggy, CORRECT, diverged).kind is kind


def test_the_outcome_carries_the_runs_numbers():
    result = outcomes.outcome([4.0, 0.1, 0.3, 0.2, 0.5], CORRECT, False)
    assert (result.first, result.last, result.lowest, result.lowest_epoch) == (4.0, 0.5, 0.1, 2)
    assert (result.correct_first, result.correct_last, result.ratio) == (4.0, 0.25, 2.0)
    stopped = outcomes.outcome([3.0, 50.0, float("inf")], CORRECT, True)  # compared at the same epoch
    assert (stopped.epochs, stopped.correct_last, stopped.correct_epoch) == (3, 1.0, 3)
    assert (stopped.lowest, stopped.lowest_epoch) == (3.0, 1)
    longer = outcomes.outcome([*CORRECT, 0.2, 0.1], CORRECT, False)  # the correct loop stopped sooner
    assert (longer.correct_last, longer.correct_epoch) == (0.25, 5)


def test_every_kind_and_every_explanation_has_its_text_in_both_languages():
    for language in ("fr", "en"):
        catalogue = tomllib.loads((LOCALES / f"{language}.toml").read_text(encoding="utf-8"))
        assert set(catalogue["boucle"]["outcome"]) == {kind.value for kind in Course}
        for bug in BUGS:
            for kind in core.PAGE_OPTIMIZERS:
                section, key = outcomes.why_key(bug, kind).rsplit(".", 1)
                assert section == "boucle.bugs" and key in catalogue["boucle"]["bugs"], (language, bug, kind)
        for bug in outcomes.RECOMMENDED:
            assert f"{bug}_adaptive" in catalogue["boucle"]["bugs"]


def test_the_texts_say_step_runs_once_per_batch_not_once_per_epoch():
    """A sentence that runs `step()` "at every epoch" must say: for each batch."""
    for language, every_epoch, batch_word in (
        ("fr", "chaque époque", "chaque lot"),
        ("en", "every epoch", "each batch"),
    ):
        catalogue = tomllib.loads((LOCALES / f"{language}.toml").read_text(encoding="utf-8"))
        texts = [*catalogue["boucle_entrainement"].values(), *flat_texts(catalogue["boucle"])]
        sentences = [sentence for text in texts for sentence in text.split(". ") if "step()" in sentence]
        assert sentences
        for sentence in sentences:
            if every_epoch in sentence:
                assert batch_word in sentence, sentence


def flat_texts(section: dict) -> list[str]:
    return [text for value in section.values() for text in (flat_texts(value) if isinstance(value, dict) else [value])]


# --- Each explanation against a real run at the page's defaults -------------------------

DATA = core.DataSpec()  # the page's defaults: a noisy line, 200 points, seed 0
MODEL = core.ModelSpec("linear")
MOONS_MODEL = core.ModelSpec("mlp", 2, 32)  # the page's default model on the moons


@functools.cache
def run(kind: str, lr: float, bug: Bug | None) -> core.TrainResult:
    data = core.make_data("line", DATA.n, DATA.noise, DATA.seed)
    bugs = frozenset({bug}) if bug else frozenset()
    model = core.lab_model(MODEL, bugs)
    spec = core.TrainSpec(optimizer=OptimizerSpec(kind, lr=lr), seed=DATA.seed, bugs=bugs)
    return core.train(data, model, spec)


def outcome_of(kind: str, lr: float, bug: Bug) -> outcomes.Outcome:
    buggy, correct = run(kind, lr, bug), run(kind, lr, None)
    if bug is Bug.NO_TRAIN_EVAL:  # the lab trains both loops on its dropout model
        correct = correct_with_dropout(kind, lr)
    losses = [[epoch.train_loss for epoch in result.epochs] for result in (buggy, correct)]
    return outcomes.outcome(*losses, buggy.diverged)


@functools.cache
def correct_with_dropout(kind: str, lr: float) -> core.TrainResult:
    data = core.make_data("line", DATA.n, DATA.noise, DATA.seed)
    model = core.lab_model(MODEL, frozenset({Bug.NO_TRAIN_EVAL}))
    return core.train(data, model, core.TrainSpec(optimizer=OptimizerSpec(kind, lr=lr), seed=DATA.seed))


# Every optimizer the page offers at its default rate, and the rate the lab recommends.
SETTINGS = [(kind, core.PAGE_DEFAULT_OPTIMIZER.lr) for kind in core.PAGE_OPTIMIZERS]
SETTINGS += sorted({(spec.kind, spec.lr) for spec in outcomes.RECOMMENDED.values()})


@pytest.mark.parametrize(("kind", "lr"), SETTINGS)
def test_zero_grad_after_backward_moves_no_weight_whatever_the_optimizer(kind, lr):
    """The text: `step()` skips every parameter, the loss stays where it started."""
    result = outcome_of(kind, lr, Bug.ZERO_GRAD_AFTER_BACKWARD)
    assert result.kind is Course.FLAT
    assert outcomes.why_key(Bug.ZERO_GRAD_AFTER_BACKWARD, kind) == "boucle.bugs.zero_grad_after_backward_why"


@pytest.mark.parametrize(("kind", "lr"), SETTINGS)
def test_without_zero_grad_the_loss_ends_far_above_and_only_plain_steps_may_explode(kind, lr):
    """sgd text: ends far above the correct loop, or runs off to infinity;
    adaptive text: never runs off to infinity, ends far above the correct loop."""
    result = outcome_of(kind, lr, Bug.NO_ZERO_GRAD)
    family = outcomes.FAMILIES[kind]
    assert outcomes.why_key(Bug.NO_ZERO_GRAD, kind).endswith(f"_why_{family}")
    if family == "sgd":
        assert result.kind is Course.DIVERGED or result.ratio > 5
    else:
        assert result.kind is not Course.DIVERGED and math.isfinite(result.last)
        assert result.ratio > 5


@pytest.mark.parametrize(("kind", "lr"), SETTINGS)
def test_a_huge_rate_sends_plain_steps_up_and_keeps_adaptive_ones_above_the_correct_loop(kind, lr):
    """sgd text: the loss goes up, to infinity; adaptive text: it does not run off to
    infinity, and does not go as low as the correct loop's smaller step."""
    result = outcome_of(kind, lr, Bug.HUGE_LR)
    if outcomes.FAMILIES[kind] == "sgd":
        assert result.kind in {Course.WENT_UP, Course.DIVERGED}
    else:
        assert result.kind is not Course.DIVERGED and result.last > result.correct_last


@pytest.mark.parametrize("kind", core.PAGE_OPTIMIZERS)
def test_validating_without_no_grad_changes_nothing_in_the_learning(kind):
    """The text: memory kept 'for nothing'; the sentence: exactly the same losses."""
    assert outcome_of(kind, core.PAGE_DEFAULT_OPTIMIZER.lr, Bug.NO_NO_GRAD).kind is Course.IDENTICAL


@pytest.mark.parametrize("kind", core.PAGE_OPTIMIZERS)
def test_forgetting_eval_raises_the_validation_loss(kind):
    """The text: dropout left on in validation, the validation loss is higher."""
    lr = core.PAGE_DEFAULT_OPTIMIZER.lr
    assert run(kind, lr, Bug.NO_TRAIN_EVAL).epochs[-1].val_loss > correct_with_dropout(kind, lr).epochs[-1].val_loss


@pytest.mark.parametrize("kind", core.PAGE_OPTIMIZERS)
def test_sorted_batches_learn_less_well_on_the_moons(kind):
    """The text: the loss generally goes down less well (by how much: the sentence says).
    The moons at the page's defaults, on a shorter run."""
    data = core.make_data("moons", DATA.n, DATA.noise, DATA.seed)
    spec = core.TrainSpec(epochs=30, optimizer=OptimizerSpec(kind, lr=core.PAGE_DEFAULT_OPTIMIZER.lr))
    shuffled = core.train(data, MOONS_MODEL, spec)
    ordered = core.train(data, MOONS_MODEL, dataclasses.replace(spec, bugs=frozenset({Bug.NO_SHUFFLE_SORTED})))
    assert ordered.epochs[-1].val_loss > shuffled.epochs[-1].val_loss


# --- One colour per run ----------------------------------------------------------------


def colour_scales(spec) -> list[dict]:
    """Every colour encoding in a Vega-Lite dict, layers included."""
    found = []
    if isinstance(spec, dict):
        colour = spec.get("encoding", {}).get("color")
        if colour:
            found.append(colour)
        mark = spec.get("mark")
        if isinstance(mark, dict) and "color" in mark:
            found.append({"value": mark["color"], "field": None})
        for value in spec.values():
            found += colour_scales(value)
    elif isinstance(spec, list):
        for value in spec:
            found += colour_scales(value)
    return found


def run_colour_map(spec) -> dict[str, str]:
    colours = {}
    for scale in colour_scales(spec):
        if scale.get("field") == "run":
            colours.update(zip(scale["scale"]["domain"], scale["scale"]["range"], strict=True))
    return colours


def test_a_run_has_the_same_colour_in_every_chart_and_no_other_meaning():
    names = {"correct": "boucle correcte", "buggy": "boucle avec erreur"}
    colours = {names[run]: colour for run, colour in charts.RUN_COLOURS.items()}
    history = pd.DataFrame([{"epoch": 1, "loss": 1.0, "split": "train", "run": name} for name in colours])
    loss = charts.loss_chart(history, {"epoch": "e", "loss": "l"}, colours).to_dict()
    live_loss = charts.live_loss_template(colours, {"epoch": "e", "loss": "l"})
    live_fit = charts.live_predictions_template(False, {"probability": "p"}, (0.1, 0.1), colours)
    assert run_colour_map(loss) == run_colour_map(live_loss) == run_colour_map(live_fit) == colours
    titles = {"replay": "r", "probability": "p", "class": "c"}
    points = pd.DataFrame({"x": [0.0], "y": [1.0]})
    curve = pd.DataFrame({"epoch": [1], "x": [0.0], "prediction": [1.0]})
    replay = charts.replay_chart(points, curve, False, [1], titles)
    # The replay shows the correct loop: its curve is the correct loop's colour.
    replay_inks = [scale["value"] for scale in colour_scales(replay.to_dict()) if scale.get("field") is None]
    assert charts.RUN_COLOURS["correct"] in replay_inks and charts.RUN_COLOURS["buggy"] not in replay_inks
    # The classification maps draw probabilities in neither run's colours.
    moons = pd.DataFrame({"x1": [0.0], "x2": [0.0], "label": [1]})
    field = pd.DataFrame({"epoch": [1], "x1": [0.0], "x2": [0.0], "prediction": [0.5]})
    for spec in (
        charts.replay_chart(moons, field, True, [1], titles).to_dict(),
        charts.live_predictions_template(True, {"probability": "p"}, (0.1, 0.1), colours),
    ):
        schemes = [scale["scale"].get("scheme") for scale in colour_scales(spec) if "scale" in scale]
        assert "blueorange" not in schemes and charts.PROBABILITY_SCHEME in schemes
        assert not any(colour in json.dumps(spec) for colour in charts.RUN_COLOURS.values())
