"""The convergence question's answer is never ambiguous at the precision the page shows."""

import itertools

import pytest

from components.optimizers import OptimizerSpec
from lessons.optimiseur import core


def trajectory_ending_at(point: tuple[float, float]) -> core.Trajectory:
    return core.Trajectory(((-2.5, 2.0), point), (23.0, 0.0), None, None)


@pytest.mark.parametrize(
    ("distance", "outcome"),
    [(0.01, "converges"), (0.0499, "converges"), (0.04996, None), (0.05, None), (0.05004, None), (0.0501, "slow")],
)
def test_a_distance_that_rounds_to_the_threshold_asks_nothing(distance, outcome):
    """The table writes 0.04996 as 0.05: "reached" or not cannot be read there."""
    assert core.outcome("bowl", 10.0, trajectory_ending_at((distance, 0.0))) == outcome


def test_a_stopped_run_diverges_and_a_surface_without_minimum_is_never_reached():
    stopped = core.Trajectory(((-2.5, 2.0), (2.5, -38.0)), (23.0, 7000.0), 1, core.OUTSIDE)
    assert core.outcome("bowl", 10.0, stopped) == "diverges"
    assert core.outcome("saddle", 10.0, trajectory_ending_at((0.0, 0.0))) == "slow"


SAMPLED = list(itertools.product(core.SURFACE_NAMES, ("sgd", "momentum", "adam"), (0.001, 0.03, 0.1, 0.5), (10, 150)))[
    ::5
]  # a sample of the page's settings: every surface, kinds, rates and lengths


@pytest.mark.parametrize(("name", "kind", "lr", "steps"), SAMPLED)
def test_the_outcome_agrees_with_the_distance_the_table_shows(name, kind, lr, steps):
    chosen = core.surface(name)
    result = core.trajectory(name, 10.0, OptimizerSpec(kind, lr=lr), chosen.start, steps)
    outcome = core.outcome(name, 10.0, result)
    if outcome is None or result.diverged or not chosen.minima:
        return
    shown = float(format(core.distance_to_minimum(chosen, result.points[-1]), core.DISTANCE_SHOWN))
    assert (shown < core.CONVERGED_WITHIN) == (outcome == "converges")
    assert shown != core.CONVERGED_WITHIN
