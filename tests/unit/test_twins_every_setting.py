"""Every setting a page can run, run again by its code twin: the printed numbers must be
the page's (core's) numbers.

Optimizer page: every surface, every optimizer kind, every scheduler, a divergence and
a non-finite stop. Training page: every data set (with every loss, optimizer and
activation the page offers spread over them), every bug-lab mistake, and all at once.
Loss page: both custom losses. Sizes are small (tens of steps, a few epochs).

The scripts all run in one Python process, each in a fresh namespace as `__main__`,
so torch is imported once instead of once per case (about 2 s each here).
"""

import json
import math
import subprocess
import sys

import pytest

from components.optimizers import OPTIMIZER_KINDS, SCHEDULER_NAMES, OptimizerSpec
from components.regression import DataSettings, least_squares, make_dataset
from lessons.boucle_entrainement import core as training
from lessons.boucle_entrainement import mistakes
from lessons.boucle_entrainement.snippets import training_script
from lessons.fonction_de_cout import core as losses
from lessons.fonction_de_cout.snippets import loss_script
from lessons.optimiseur import core as optimizers
from lessons.optimiseur.snippets import optimizer_script
from tests.twin_check import printed_values

# Each script runs in a fresh namespace; its output, or its traceback, comes back as JSON.
DRIVER = """
import contextlib, io, json, sys, traceback
outputs = []
for script in json.load(sys.stdin):
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(script, "<code twin>", "exec"), {"__name__": "__main__"})
        outputs.append({"stdout": printed.getvalue(), "error": None})
    except Exception:
        outputs.append({"stdout": printed.getvalue(), "error": traceback.format_exc()})
json.dump(outputs, sys.__stdout__)
"""


def run_scripts(scripts: dict[str, str]) -> dict[str, dict]:
    """{case: script} -> {case: {"stdout", "error"}}, all in one fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", DRIVER], input=json.dumps(list(scripts.values())), capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    return dict(zip(scripts, json.loads(completed.stdout), strict=True))


# --- Optimizer page --------------------------------------------------------------------

ADAM = OptimizerSpec("adam", lr=0.1)
# Arguments off their defaults, so a line that dropped one would print other numbers.
TUNED = {"lr": 0.01, "momentum": 0.8, "beta1": 0.85, "beta2": 0.99, "weight_decay": 0.05}
OPTIMIZER_CASES = {
    **{
        f"surface {name}": optimizers.Experiment(name, 5.0, (ADAM,), optimizers.surface(name).start, 20)
        for name in optimizers.SURFACE_NAMES
    },
    **{
        f"kind {kind}": optimizers.Experiment("rosenbrock", 10.0, (OptimizerSpec(kind, **TUNED),), (-1.5, 2.5), 20)
        for kind in OPTIMIZER_KINDS
    },
    **{
        f"scheduler {name}": optimizers.Experiment(
            "bowl", 10.0, (OptimizerSpec("momentum", lr=0.05, scheduler=name),), (-2.5, 2.0), 20
        )
        for name in SCHEDULER_NAMES
    },
    "leaves the area": optimizers.Experiment("bowl", 10.0, (OptimizerSpec("sgd", lr=2.0),), (-2.5, 2.0), 20),
    "not finite": optimizers.Experiment("rosenbrock", 10.0, (OptimizerSpec("sgd", lr=1e300),), (-1.5, 2.5), 20),
}

# --- Training page ---------------------------------------------------------------------

SMALL_MLP = training.ModelSpec("mlp", 1, 8)
TRAINING_CASES = {
    "data line": training.Setup(
        training.DataSpec("line", 40, 0.2, 1),
        training.ModelSpec("linear"),
        training.TrainSpec(epochs=3, loss="mse", optimizer=OptimizerSpec("sgd", lr=0.05), seed=1),
    ),
    "data sine": training.Setup(
        training.DataSpec("sine", 40, 0.3, 2),
        training.ModelSpec("mlp", 2, 8, "tanh"),
        training.TrainSpec(epochs=3, loss="huber", optimizer=OptimizerSpec("momentum", lr=0.03), seed=2),
    ),
    "data moons": training.Setup(
        training.DataSpec("moons", 40, 0.1, 3),
        training.ModelSpec("mlp", 1, 8, "sigmoid"),
        training.TrainSpec(epochs=3, loss="cross_entropy", optimizer=OptimizerSpec("adam", lr=0.01), seed=3),
    ),
    "loss mae, not shuffled": training.Setup(
        training.DataSpec("line", 40, 0.2, 4),
        SMALL_MLP,
        training.TrainSpec(epochs=3, loss="mae", optimizer=OptimizerSpec("rmsprop", lr=0.01), shuffle=False, seed=4),
    ),
}


def bug_case(bugs: frozenset[mistakes.Bug], kind: str = "line") -> training.Setup:
    """A setting of the bug lab, as the page builds it (the model the lab trains)."""
    model = SMALL_MLP if kind == "moons" else training.ModelSpec("linear")
    return training.Setup(
        training.DataSpec(kind, 40, 0.2, 5),
        training.lab_model(model, bugs),
        training.TrainSpec(epochs=3, optimizer=OptimizerSpec("sgd", lr=0.05), seed=5, bugs=bugs),
    )


TRAINING_CASES.update(
    {
        f"bug {bug}": bug_case(frozenset({bug}), "moons" if bug is mistakes.Bug.NO_SHUFFLE_SORTED else "line")
        for bug in mistakes.BUGS
    }
)
TRAINING_CASES["every bug"] = bug_case(frozenset(mistakes.BUGS))

# --- Loss page -------------------------------------------------------------------------

LOSS_SETTINGS = DataSettings(0.7, 2, 5.0, 9)
LOSS_CASES = {f"custom {name}": name for name in losses.CUSTOM_LOSSES}


@pytest.fixture(scope="module")
def printed() -> dict[str, dict]:
    scripts = {case: optimizer_script(experiment, "fr") for case, experiment in OPTIMIZER_CASES.items()}
    scripts |= {case: training_script(setup, "en") for case, setup in TRAINING_CASES.items()}
    scripts |= {
        case: loss_script(LOSS_SETTINGS, 1.5, 0.5, 0.7, (2.0, 0.5, -1.0), 1, name, "fr")
        for case, name in LOSS_CASES.items()
    }
    return run_scripts(scripts)


def values(printed: dict[str, dict], case: str) -> dict[str, str]:
    output = printed[case]
    assert output["error"] is None, f"the code twin of {case!r} failed:\n{output['error']}"
    return printed_values(output["stdout"])


@pytest.mark.parametrize("case", OPTIMIZER_CASES)
def test_the_optimizer_twin_prints_the_pages_trajectory(printed, case):
    experiment = OPTIMIZER_CASES[case]
    shown = values(printed, case)
    [spec] = experiment.specs
    [result] = optimizers.trajectories(
        experiment.surface, experiment.condition, experiment.specs, experiment.start, experiment.steps
    )
    twin_points = {int(name.split()[-1]): json.loads(value) for name, value in shown.items() if " step " in name}
    assert sorted(twin_points) == list(range(1, len(result.points)))  # every step, none after a stop
    for step, point in twin_points.items():
        assert point == pytest.approx(list(result.points[step]), rel=1e-12, abs=1e-12), (case, step)
    assert shown.get(f"{spec.label} stop") == (str(result.stopped_at) if result.diverged else None)


@pytest.mark.parametrize("case", TRAINING_CASES)
def test_the_training_twin_prints_the_pages_losses(printed, case):
    setup = TRAINING_CASES[case]
    shown = values(printed, case)
    data = training.make_data(setup.data.kind, setup.data.n, setup.data.noise, setup.data.seed)
    result = training.train(data, setup.model, setup.train, setup.device)
    assert {int(name.split()[0]) for name in shown if name.endswith(" train")} == {e.epoch for e in result.epochs}
    for record in result.epochs:
        expected = {"train": record.train_loss, "val": record.val_loss, "accuracy": record.val_accuracy}
        for name, value in expected.items():
            twin = shown.get(f"{record.epoch} {name}")
            if value is None or not math.isfinite(value):
                assert twin is None or not math.isfinite(float(twin)), (case, record.epoch, name)
            else:
                assert float(twin) == pytest.approx(value, rel=1e-6), (case, record.epoch, name)


@pytest.mark.parametrize("case", LOSS_CASES)
def test_the_loss_twin_prints_the_pages_losses(printed, case):
    name = LOSS_CASES[case]
    shown = values(printed, case)
    data = make_dataset(LOSS_SETTINGS)
    expected = {
        losses.MODULE_NAMES[loss]: value for loss, value in losses.regression_losses(data, 1.5, 0.5, 0.7).items()
    }
    expected |= dict(zip(("best w", "best b"), least_squares(data), strict=True))
    expected["nn.CrossEntropyLoss"] = losses.classification((2.0, 0.5, -1.0), 1).cross_entropy
    expected[name] = losses.loss_function(name, 0.7)(1.5 * data.x + 0.5, data.y).item()
    expected |= dict(zip(("dL/dw", "dL/db"), losses.loss_gradient(data, name, 0.7, 1.5, 0.5), strict=True))
    for label, value in expected.items():
        assert float(shown[label]) == pytest.approx(value, rel=1e-9, abs=1e-12), (case, label)


def test_every_setting_of_the_pages_is_a_case():
    """The lists above follow the pages' own tables: a new surface, optimizer, scheduler,
    data set or bug has no twin test until it is added here."""
    assert {e.surface for e in OPTIMIZER_CASES.values()} == set(optimizers.SURFACE_NAMES)
    assert {spec.kind for e in OPTIMIZER_CASES.values() for spec in e.specs} == set(OPTIMIZER_KINDS)
    assert {spec.scheduler for e in OPTIMIZER_CASES.values() for spec in e.specs} == set(SCHEDULER_NAMES)
    assert {s.data.kind for s in TRAINING_CASES.values()} == set(training.DATASETS)
    assert {s.train.loss for s in TRAINING_CASES.values()} >= set(training.REGRESSION_LOSSES)
    assert {s.model.activation for s in TRAINING_CASES.values() if s.model.kind == "mlp"} == set(training.ACTIVATIONS)
    assert {bug for s in TRAINING_CASES.values() for bug in s.train.bugs} == set(mistakes.BUGS)
    assert set(LOSS_CASES.values()) == set(losses.CUSTOM_LOSSES)
