"""Training-loop core: the loop learns, each bug lab mistake has its documented effect."""

import pytest
import torch
from torch import nn

from components.i18n import LANGUAGES, translate
from components.optimizers import OptimizerSpec
from lessons.boucle_entrainement import core, mistakes
from lessons.boucle_entrainement.mistakes import Bug
from lessons.boucle_entrainement.snippets import training_script

DEFAULTS = {
    "line": core.ModelSpec("linear"),
    "sine": core.ModelSpec("mlp", 2, 32),
    "moons": core.ModelSpec("mlp", 2, 32),
}


def spec(**changes) -> core.TrainSpec:
    values = {"epochs": 40, "optimizer": OptimizerSpec("adam", lr=0.01)}
    values.update(changes)
    return core.TrainSpec(**values)


@pytest.mark.parametrize("kind", core.DATASETS)
def test_the_loop_lowers_the_loss_on_every_data_set(kind):
    data = core.make_data(kind, 200, 0.1 if kind == "moons" else 0.2, 0)
    result = core.train(data, DEFAULTS[kind], spec(loss="mse"))
    assert result.epochs[-1].train_loss < 0.5 * result.epochs[0].train_loss
    assert result.epochs[-1].val_loss < result.epochs[0].val_loss
    if kind == "moons":
        assert result.epochs[-1].val_accuracy >= 0.9


def test_the_learned_line_approaches_the_true_one():
    result = core.train(core.make_data("line", 200, 0.2, 0), core.ModelSpec("linear"), spec(epochs=60))
    w, b = core.learned_line(result.model)
    assert w == pytest.approx(core.TRUE_W, abs=0.1) and b == pytest.approx(core.TRUE_B, abs=0.1)


def test_the_same_seed_gives_the_same_curve_twice():
    data = core.make_data("sine", 120, 0.3, 7)
    first = core.train(data, DEFAULTS["sine"], spec(seed=7, epochs=10))
    again = core.train(core.make_data("sine", 120, 0.3, 7), DEFAULTS["sine"], spec(seed=7, epochs=10))
    assert [e.train_loss for e in first.epochs] == [e.train_loss for e in again.epochs]
    other = core.train(data, DEFAULTS["sine"], spec(seed=8, epochs=10))
    assert [e.train_loss for e in first.epochs] != [e.train_loss for e in other.epochs]


def test_the_model_is_printed_and_counted_as_pytorch_does():
    model = core.make_model(core.ModelSpec("mlp", 2, 8, "tanh"), classification=True, seed=0)
    assert core.parameter_count(model) == (2 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2)
    assert "Linear(in_features=2, out_features=8, bias=True)" in str(model) and "Tanh()" in str(model)


def test_initial_weights_follow_the_seed_not_the_global_generator():
    torch.manual_seed(123)
    first = core.make_model(core.ModelSpec("linear"), False, seed=5)
    torch.manual_seed(999)
    again = core.make_model(core.ModelSpec("linear"), False, seed=5)
    assert torch.equal(first.weight, again.weight)


def test_without_zero_grad_the_gradients_are_the_sum_over_steps():
    """With lr = 0 the weights stay put, so p.grad after k steps is the explicit sum."""
    data = core.make_data("line", 64, 0.2, 0)
    model = core.make_model(core.ModelSpec("linear"), False, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    batches = [(data.x_train[i : i + 16], data.y_train[i : i + 16]) for i in range(0, 48, 16)]
    expected = torch.zeros_like(model.weight)
    for x, y in batches:
        loss = nn.MSELoss()(model(x), y)
        expected += torch.autograd.grad(loss, model.weight, retain_graph=True)[0]
        loss.backward()  # no zero_grad(): the mistake
        optimizer.step()
    assert torch.allclose(model.weight.grad, expected)


def test_each_bug_has_its_documented_effect():
    data = core.make_data("line", 200, 0.2, 0)
    correct = core.train(data, core.ModelSpec("linear"), spec(optimizer=OptimizerSpec("sgd", lr=0.05)))

    def with_bug(bug, model=None, **changes):
        model = model or core.ModelSpec("linear")
        return core.train(data, model, spec(optimizer=OptimizerSpec("sgd", lr=0.05), bugs=frozenset({bug}), **changes))

    # zero_grad after backward: SGD gets zero gradients, the weights never move.
    frozen = with_bug(Bug.ZERO_GRAD_AFTER_BACKWARD)
    assert frozen.epochs[-1].train_loss == pytest.approx(frozen.epochs[0].train_loss)
    # a huge learning rate diverges, and the loop stops there.
    assert with_bug(Bug.HUGE_LR).diverged
    # no zero_grad: the summed gradients overshoot; the loss ends far above the correct loop's.
    summed = with_bug(Bug.NO_ZERO_GRAD)
    assert summed.diverged or summed.epochs[-1].train_loss > 10 * correct.epochs[-1].train_loss
    # validating without no_grad keeps a graph; with it, nothing is saved.
    assert with_bug(Bug.NO_NO_GRAD).epochs[-1].kept_graph_bytes > 0
    assert correct.epochs[-1].kept_graph_bytes == 0
    # sorted data without shuffling learns worse than the shuffled loop, same seed.
    moons = core.make_data("moons", 200, 0.1, 0)
    shuffled = core.train(moons, DEFAULTS["moons"], spec(epochs=15, optimizer=OptimizerSpec("sgd", lr=0.1)))
    ordered = core.train(
        moons,
        DEFAULTS["moons"],
        spec(epochs=15, optimizer=OptimizerSpec("sgd", lr=0.1), bugs=frozenset({Bug.NO_SHUFFLE_SORTED})),
    )
    assert ordered.epochs[-1].val_loss > shuffled.epochs[-1].val_loss


def test_forgetting_eval_leaves_dropout_on_during_validation():
    data = core.make_data("sine", 120, 0.2, 0)
    model = core.ModelSpec("mlp", 2, 32, dropout=0.5)
    buggy = core.train(data, model, spec(epochs=5, bugs=frozenset({Bug.NO_TRAIN_EVAL})))
    clean = core.train(data, model, spec(epochs=5))
    assert buggy.model.training  # never switched to eval mode
    assert not clean.model.training
    grid = core.prediction_grid(data)
    with_dropout = core.predictions(buggy.model, grid, False, mistakes.loop_with(frozenset({Bug.NO_TRAIN_EVAL})))
    buggy.model.eval()
    without = core.predictions(buggy.model, grid, False, mistakes.CORRECT_LOOP)
    assert with_dropout != without  # the same model predicts other values: dropout was still on


def test_the_callback_can_stop_training():
    seen = []
    result = core.train(
        core.make_data("line", 80, 0.2, 0),
        core.ModelSpec("linear"),
        spec(),
        on_epoch=lambda record, partial: seen.append(record.epoch) or record.epoch < 3,
    )
    assert seen == [1, 2, 3] and len(result.epochs) == 3


def test_snapshots_cover_the_first_and_the_last_epoch():
    result = core.train(core.make_data("moons", 80, 0.1, 0), DEFAULTS["moons"], spec(epochs=12, snapshot_every=5))
    assert [epoch for epoch, _ in result.snapshots] == [1, 5, 10, 12]
    assert len(result.snapshots[0][1]) == core.MAP_SIDE**2


def test_live_templates_read_named_datasets_and_validate_once_filled():
    import altair as alt

    from lessons.boucle_entrainement.charts import live_loss_template, live_predictions_template

    loss = live_loss_template({"correct": "#0072B2"}, {"epoch": "epoch", "loss": "loss"})
    assert loss["data"] == {"name": "history"} and "datasets" not in loss
    fit = live_predictions_template(True, {"probability": "p"}, core.map_cell(), {"correct": "#0072B2"})
    layers_data = [layer.get("data", fit.get("data")) for layer in fit["layer"]]
    assert layers_data == [{"name": "live"}] * len(fit["layer"]) and "datasets" not in fit
    filled = {**loss, "datasets": {"history": [{"epoch": 1, "loss": 0.5, "split": "train", "run": "correct"}]}}
    alt.Chart.from_dict(filled)  # a valid Vega-Lite spec once its data is in


def test_dropout_training_is_seeded_and_isolated_from_other_sessions():
    """Two sessions training dropout models at once get exactly what each gets alone."""
    import threading

    data = core.make_data("moons", 120, 0.2, 0)
    model = core.ModelSpec("mlp", 2, 16, dropout=0.5)
    specs = [core.TrainSpec(epochs=8, seed=seed, optimizer=OptimizerSpec("adam", lr=0.01)) for seed in (1, 2)]
    alone = [[epoch.train_loss for epoch in core.train(data, model, spec).epochs] for spec in specs]
    together = [None, None]

    def run(index):  # nothing else in the app draws from the global generator
        together[index] = [epoch.train_loss for epoch in core.train(data, model, specs[index]).epochs]

    threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone
    assert alone[0] != alone[1]


def test_the_code_twin_reproduces_a_dropout_training_exactly():
    from lessons.boucle_entrainement import snippets
    from tests.twin_check import run_twin

    data = core.make_data("moons", 120, 0.2, 3)
    model = core.ModelSpec("mlp", 2, 16, dropout=0.5)
    spec = core.TrainSpec(
        epochs=5, seed=3, optimizer=OptimizerSpec("adam", lr=0.01), bugs=frozenset({Bug.NO_TRAIN_EVAL})
    )
    result = core.train(data, model, spec)
    printed = run_twin(snippets.training_script(core.Setup(core.DataSpec("moons", 120, 0.2, 3), model, spec), "fr"))
    assert float(printed["5 train"]) == pytest.approx(result.epochs[-1].train_loss, rel=1e-6)


def test_each_mistake_changes_one_thing_in_the_loop():
    for bug in mistakes.BUGS:
        loop = mistakes.loop_with(frozenset({bug}))
        changed = [f for f in mistakes.MISTAKES[bug] if getattr(loop, f) != getattr(mistakes.CORRECT_LOOP, f)]
        assert changed == list(mistakes.MISTAKES[bug]) and len(changed) == 1, bug
    both = mistakes.loop_with(frozenset({Bug.NO_ZERO_GRAD, Bug.ZERO_GRAD_AFTER_BACKWARD}))
    assert both.zero_grad is mistakes.ZeroGrad.AFTER_BACKWARD  # the gradients are still gone before step()
    assert mistakes.loop_with(frozenset()) == mistakes.CORRECT_LOOP
    assert (
        core.TrainSpec(optimizer=OptimizerSpec("sgd", lr=0.01), bugs=frozenset({Bug.HUGE_LR})).used_optimizer.lr == 1.0
    )


def test_the_dropout_twin_explains_its_seed_in_the_learners_language():
    setup = core.Setup(core.DataSpec(), core.ModelSpec("mlp", dropout=0.2), core.TrainSpec())
    for lang in LANGUAGES:
        lines = training_script(setup, lang).splitlines()
        seed_line = next(line for line in lines if line.startswith("torch.manual_seed"))
        assert seed_line.endswith("# " + translate("boucle.twin.dropout_seed", lang))
