"""Loss lesson core: every nn loss against its formula written with NumPy."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from components.regression import N_POINTS, W_RANGE, DataSettings, least_squares, make_dataset
from lessons.fonction_de_cout import core


def numpy_losses(prediction: np.ndarray, target: np.ndarray, delta: float) -> dict[str, float]:
    """The oracle: each loss's textbook formula, independent of torch.nn."""
    r = prediction - target
    a = np.abs(r)
    huber = np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))
    smooth_l1 = np.where(a < delta, 0.5 * r**2 / delta, a - 0.5 * delta)
    return {"mse": np.mean(r**2), "mae": np.mean(a), "huber": np.mean(huber), "smooth_l1": np.mean(smooth_l1)}


@settings(max_examples=60, deadline=None)
@given(
    noise=st.floats(0.0, 2.0),
    outliers=st.integers(0, 3),
    size=st.floats(0.0, 15.0),
    seed=st.integers(0, 1000),
    w=st.floats(-1.0, 5.0),
    b=st.floats(-3.0, 5.0),
    delta=st.floats(0.2, 3.0),
)
def test_each_nn_loss_equals_its_formula(noise, outliers, size, seed, w, b, delta):
    data = make_dataset(DataSettings(noise, outliers, size, seed))
    oracle = numpy_losses(w * data.x.numpy() + b, data.y.numpy(), delta)
    losses = core.regression_losses(data, w, b, delta)
    for name in core.LOSSES:
        assert losses[name] == pytest.approx(oracle[name], rel=1e-12, abs=1e-12)


def test_the_data_set_is_seeded_and_has_the_asked_outliers():
    first, again = make_dataset(DataSettings(0.5, 2, 8.0, 7)), make_dataset(DataSettings(0.5, 2, 8.0, 7))
    assert torch.equal(first.y, again.y) and int(first.outlier.sum()) == 2
    clean = make_dataset(DataSettings(0.5, 2, 0.0, 7))
    np.testing.assert_allclose((first.y - clean.y).numpy(), 8.0 * first.outlier.numpy())
    exact = make_dataset(DataSettings(0.0, 0, 0.0, 0))
    np.testing.assert_allclose(exact.y.numpy(), 2 * exact.x.numpy() + 1)


def test_contributions_add_up_to_each_loss():
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    share = core.contributions(data, 1.0, 0.0, 1.0)
    losses = core.regression_losses(data, 1.0, 0.0, 1.0)
    for name in core.LOSSES:
        assert share[share["loss"] == name]["value"].sum() == pytest.approx(losses[name])


def test_an_outlier_weighs_more_on_mse_than_on_mae():
    data = make_dataset(DataSettings(0.3, 1, 10.0, 0))
    share = core.contributions(data, 2.0, 1.0, 1.0)
    losses = core.regression_losses(data, 2.0, 1.0, 1.0)
    mse_share = share[(share["loss"] == "mse") & share["outlier"]]["value"].sum() / losses["mse"]
    mae_share = share[(share["loss"] == "mae") & share["outlier"]]["value"].sum() / losses["mae"]
    assert mse_share > 0.9 > mae_share


def test_the_closed_form_optimum_has_zero_gradient():
    data = make_dataset(DataSettings(0.8, 2, 6.0, 3))
    w, b = least_squares(data)
    oracle = np.polyfit(data.x.numpy(), data.y.numpy(), 1)
    assert (w, b) == pytest.approx(tuple(oracle), rel=1e-9)
    assert core.loss_gradient(data, "mse", 1.0, w, b) == pytest.approx((0.0, 0.0), abs=1e-10)


@pytest.mark.parametrize("name", [*core.LOSSES, *core.CUSTOM_LOSSES])
def test_the_landscape_minimum_is_at_the_optimum(name):
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    frame = core.landscape(data, name, 1.0, steps=61)
    best = core.best_parameters(data, name, 1.0)
    best_loss = core.loss_function(name, 1.0)(best[0] * data.x + best[1], data.y).item()
    assert best_loss <= frame["loss"].min() + 1e-9  # no grid point beats the optimum
    grid_best = frame.loc[frame["loss"].idxmin()]
    step = (W_RANGE[1] - W_RANGE[0]) / 60
    if name == "mse":  # a smooth bowl: the grid's best cell surrounds the optimum
        assert abs(grid_best["w"] - best[0]) <= step and abs(grid_best["b"] - best[1]) <= 2 * step


def test_the_landscape_matches_the_loss_at_each_point():
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    frame = core.landscape(data, "huber", 0.7, steps=5)
    for _, row in frame.iterrows():
        assert row["loss"] == pytest.approx(core.regression_losses(data, row["w"], row["b"], 0.7)["huber"])


@pytest.mark.parametrize("name", list(core.CUSTOM_LOSSES))
def test_custom_losses_are_differentiable_and_autograd_agrees_with_finite_differences(name):
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    by_autograd = core.loss_gradient(data, name, 1.0, 1.3, -0.4)
    by_difference = core.finite_difference_gradient(data, name, 1.0, 1.3, -0.4)
    assert by_autograd == pytest.approx(by_difference, rel=1e-6, abs=1e-8)


def test_custom_losses_match_their_formulas():
    prediction, target = torch.tensor([0.5, -2.0, 3.0], dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    r = prediction.numpy()
    assert core.log_cosh_loss(prediction, target).item() == pytest.approx(np.mean(np.log(np.cosh(r))))
    assert core.weighted_mse_loss(prediction, target).item() == pytest.approx(np.mean(np.where(r > 0, 3, 1) * r**2))
    big = torch.tensor([800.0], dtype=torch.float64)
    assert math.isfinite(core.log_cosh_loss(big, torch.zeros(1, dtype=torch.float64)).item())  # no cosh overflow


def test_loss_shapes_are_the_formulas_of_one_residual():
    frame = core.loss_shapes(1.0, "log_cosh", limit=2.0, points=5)
    residuals = np.linspace(-2, 2, 5)
    for name in core.LOSSES:
        values = frame[frame["loss"] == name]["value"].to_numpy()
        expected = [numpy_losses(np.array([r]), np.zeros(1), 1.0)[name] for r in residuals]
        np.testing.assert_allclose(values, expected)
    np.testing.assert_allclose(frame[frame["loss"] == "log_cosh"]["value"], np.log(np.cosh(residuals)))


def test_cross_entropy_is_minus_log_softmax():
    logits = (2.0, 0.5, -1.0)
    result = core.classification(logits, 2)
    exp = np.exp(logits)
    np.testing.assert_allclose(result.probabilities, exp / exp.sum(), rtol=1e-6)
    assert result.cross_entropy == pytest.approx(-np.log(exp[2] / exp.sum()), rel=1e-6)
    assert result.minus_log_p == pytest.approx(result.cross_entropy, rel=1e-6)


def test_a_confident_wrong_answer_costs_more_than_a_hesitant_one():
    assert (
        core.classification((6.0, 0.0, 0.0), 1).cross_entropy
        > 5
        > core.classification((0.0, 0.0, 0.0), 1).cross_entropy
    )


def test_binary_cross_entropy_with_logits():
    probability, loss = core.binary_cross_entropy(1.5, 1.0)
    assert probability == pytest.approx(1 / (1 + math.exp(-1.5)), rel=1e-6)
    assert loss == pytest.approx(-math.log(probability), rel=1e-6)


def test_an_extreme_logit_breaks_the_hand_written_softmax_but_not_cross_entropy():
    broken = core.stability(10_000.0)
    assert broken.naive_broke and math.isnan(broken.naive_softmax[0])
    assert broken.torch_loss == pytest.approx(10_000.0) and math.isfinite(broken.torch_loss)
    fine = core.stability(10.0)
    assert not fine.naive_broke and fine.naive_loss == pytest.approx(fine.torch_loss, rel=1e-5)


def test_reductions():
    data = make_dataset(DataSettings(0.5, 1, 8.0, 0))
    result = core.reductions(data, 1.0, 0.0)
    assert result.sum == pytest.approx(result.mean * N_POINTS)
    assert result.by_hand == pytest.approx(result.mean, rel=1e-15)
    assert sum(result.none) == pytest.approx(result.sum)


# --- The outlier question: what doubling the outliers' gap does to MSE and MAE --------------


def doubling(settings: DataSettings, w: float, b: float) -> core.OutlierDoubling:
    doubled = DataSettings(settings.noise, settings.outliers, settings.outlier_size * 2, settings.seed)
    return core.outlier_doubling(make_dataset(settings), make_dataset(doubled), w, b)


@settings(max_examples=60, deadline=None)
@given(
    noise=st.floats(0.0, 2.0),
    outliers=st.integers(1, 3),
    size=st.floats(0.0, 15.0),
    seed=st.integers(0, 1000),
    w=st.floats(-1.0, 5.0),
    b=st.floats(-3.0, 5.0),
)
def test_doubling_changes_only_the_outliers_residuals(noise, outliers, size, seed, w, b):
    """The oracle: each loss changes by the change of the outliers' squares (or absolute
    values) divided by n, the other points being the same."""
    result = doubling(DataSettings(noise, outliers, size, seed), w, b)
    before, after = np.array(result.residuals_before), np.array(result.residuals_after)
    assert len(before) == outliers and np.allclose(before - after, size)
    assert result.growth["mse"] == pytest.approx(np.sum(after**2 - before**2) / N_POINTS, abs=1e-9)
    assert result.growth["mae"] == pytest.approx(np.sum(np.abs(after) - np.abs(before)) / N_POINTS, abs=1e-9)
    winner = result.clear_winner()
    shown = {name: round(value, 4) for name, value in result.growth.items()}
    if winner is not None:
        loser = "mae" if winner == "mse" else "mse"
        assert shown[winner] > shown[loser] and shown[winner] > 0
    else:
        assert max(shown.values()) <= 0 or shown["mse"] == shown["mae"]


def test_no_winner_without_a_gap_or_when_both_losses_fall():
    assert doubling(DataSettings(0.5, 1, 0.0, 0), 1.0, 0.0).clear_winner() is None  # nothing moves: a tie
    falling = doubling(DataSettings(0.5, 1, 1.0, 0), 5.0, 5.0)  # the line far above the outlier
    assert max(falling.growth.values()) < 0 and falling.clear_winner() is None


def test_mse_usually_wins_but_small_residuals_let_mae_win():
    assert doubling(DataSettings(0.5, 1, 8.0, 0), 1.0, 0.0).clear_winner() == "mse"
    # Residual 0.1 -> -0.4: squares 0.01 -> 0.16 (+0.15), absolute values 0.1 -> 0.4 (+0.3).
    small = doubling(DataSettings(0.0, 1, 0.5, 0), 2.0, 1.6)
    assert small.residuals_before == pytest.approx((0.1,)) and small.clear_winner() == "mae"
