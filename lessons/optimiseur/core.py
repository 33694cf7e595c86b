"""Optimizer lesson: real torch.optim optimizers descending 2-D loss surfaces.

Pure PyTorch; never imports streamlit. Every surface is a PyTorch formula of a
parameter tensor whose last dimension is 2, so the same code draws the surface on a
grid and computes the loss inside the optimization loop; the code twin shows each
formula's own source. Optimizers and schedulers come from components.optimizers,
the regression data from components.regression (the loss lesson uses them too).
"""

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch.optim.lr_scheduler import LRScheduler

from components.optimizers import OptimizerSpec, make_optimizer, make_scheduler
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, least_squares, make_dataset

MAX_STEPS = 500
GRID_STEPS = 41
REGRESSION = "regression"  # the surface with a data set, drawn with its fitted line
REGRESSION_SETTINGS = DataSettings(noise=0.5)  # the loss lesson's line, without its outlier
OUTSIDE, NOT_FINITE = "outside", "not_finite"  # why a trajectory stopped


@functools.cache
def regression_data() -> Dataset:
    """The regression surface's data, built on first use (importing the lesson computes nothing)."""
    return make_dataset(REGRESSION_SETTINGS)


# --- Surfaces ------------------------------------------------------------------------
# Each formula takes p of shape (..., 2) and returns the loss, of shape (...). No
# docstrings: the code twin shows these sources as they are.


# The mean squared error of y ≈ w·x + b over the data (x, y); p[..., 0] = w, p[..., 1] = b.
def regression_mse(p, x, y):
    prediction = p[..., 0:1] * x + p[..., 1:2]
    return ((prediction - y) ** 2).mean(dim=-1)


def bowl(p, condition):
    return 0.5 * (p[..., 0] ** 2 + condition * p[..., 1] ** 2)


def rosenbrock(p):
    return (1 - p[..., 0]) ** 2 + 100 * (p[..., 1] - p[..., 0] ** 2) ** 2


def himmelblau(p):
    x, y = p[..., 0], p[..., 1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def beale(p):
    x, y = p[..., 0], p[..., 1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def saddle(p):
    return p[..., 0] ** 2 - p[..., 1] ** 2


# Four wells of different depths: (x² − 1)² + (y² − 1)² + 0.25x + 0.1y.
def wells(p):
    x, y = p[..., 0], p[..., 1]
    return (x**2 - 1) ** 2 + (y**2 - 1) ** 2 + 0.25 * x + 0.1 * y


def _real_roots(coefficients: list[float]) -> list[float]:
    return sorted(r.real for r in np.roots(coefficients) if abs(r.imag) < 1e-12)


def _wells_minima() -> tuple[tuple[float, float], ...]:
    # d/dx: 4x³ − 4x + 0.25 = 0 and d/dy: 4y³ − 4y + 0.1 = 0; the outer roots are minima.
    xs, ys = _real_roots([4, 0, -4, 0.25]), _real_roots([4, 0, -4, 0.1])
    return tuple((float(x), float(y)) for x in (xs[0], xs[-1]) for y in (ys[0], ys[-1]))


@dataclass(frozen=True)
class Surface:
    formula: Callable[..., torch.Tensor]  # formula(p, *inputs)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minima: tuple[tuple[float, float], ...]  # empty for the saddle, which has none
    start: tuple[float, float]
    log_colour: bool  # spans orders of magnitude: a log colour scale shows the valley
    axis_names: tuple[str, str] = ("x", "y")
    inputs: tuple = ()  # the formula's other arguments: the bowl's condition number, the regression's data

    def function(self, p: torch.Tensor) -> torch.Tensor:
        """The loss at p, of shape (..., 2)."""
        return self.formula(p, *self.inputs)


_SURFACES_WITHOUT_DATA = {
    "bowl": Surface(bowl, (-3.0, 3.0), (-3.0, 3.0), ((0.0, 0.0),), (-2.5, 2.0), False),
    "rosenbrock": Surface(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), (-1.5, 2.5), True),
    "himmelblau": Surface(
        himmelblau,
        (-5.0, 5.0),
        (-5.0, 5.0),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        (0.0, -0.5),
        True,
    ),
    "beale": Surface(beale, (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), (1.0, 1.5), True),
    "saddle": Surface(saddle, (-2.0, 2.0), (-2.0, 2.0), (), (-1.5, 0.05), False),
    "wells": Surface(wells, (-2.0, 2.0), (-2.0, 2.0), _wells_minima(), (0.1, 1.6), False),
}
SURFACE_NAMES = (REGRESSION, *_SURFACES_WITHOUT_DATA)


@functools.cache
def _regression_surface() -> Surface:
    data = regression_data()
    return Surface(
        regression_mse, W_RANGE, B_RANGE, (least_squares(data),), (-0.5, 4.0), True, ("w", "b"), (data.x, data.y)
    )


def surface(name: str, condition: float = 10.0) -> Surface:
    """The surface `name`; `condition` is the bowl's condition number (no other surface has one)."""
    if name == REGRESSION:
        return _regression_surface()
    if name == "bowl":
        return dataclasses.replace(_SURFACES_WITHOUT_DATA[name], inputs=(condition,))
    return _SURFACES_WITHOUT_DATA[name]


def surface_grid(name: str, condition: float, steps: int = GRID_STEPS) -> pd.DataFrame:
    """f on a steps x steps grid covering the surface's drawn area: columns x, y, z."""
    chosen = surface(name, condition)
    xs = torch.linspace(*chosen.x_range, steps, dtype=torch.float64)
    ys = torch.linspace(*chosen.y_range, steps, dtype=torch.float64)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = chosen.function(torch.stack([grid_x, grid_y], dim=-1))
    return pd.DataFrame(
        {"x": grid_x.reshape(-1).tolist(), "y": grid_y.reshape(-1).tolist(), "z": z.reshape(-1).tolist()}
    )


# --- Trajectories ------------------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    """The page's settings: a surface, the optimizers compared, their start, the steps."""

    surface: str
    condition: float
    specs: tuple[OptimizerSpec, ...]
    start: tuple[float, float]
    steps: int


@dataclass(frozen=True)
class Trajectory:
    points: tuple[tuple[float, float], ...]  # the start, then p after each step
    losses: tuple[float, ...]  # f at each point
    stopped_at: int | None  # the step at which it left the area or stopped being finite
    reason: str | None  # OUTSIDE or NOT_FINITE

    @property
    def diverged(self) -> bool:
        return self.stopped_at is not None


@dataclass
class _Run:
    """One optimizer's run in progress: its parameter, optimizer, and what it went through."""

    p: torch.Tensor
    optimizer: torch.optim.Optimizer
    scheduler: LRScheduler | None
    points: list[tuple[float, float]]
    losses: list[float] = dataclasses.field(default_factory=list)
    stop: tuple[int, str] | None = None  # (step, OUTSIDE or NOT_FINITE)


def _start_run(spec: OptimizerSpec, start: tuple[float, float], steps: int) -> _Run:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(spec, [p])
    return _Run(p, optimizer, make_scheduler(spec, optimizer, steps), [tuple(start)])


def _step_together(chosen: Surface, running: list[_Run], step: int) -> None:
    """One step of every running optimizer: each zero_grad(), one loss summing each
    optimizer's own f(p), one backward() (each p only receives the gradient of its own
    term), then each step(). One graph for all keeps four optimizers cheap."""
    for run in running:
        run.optimizer.zero_grad()
    values = chosen.function(torch.stack([run.p for run in running]))
    values.sum().backward()
    for run, value in zip(running, values.tolist(), strict=True):
        run.losses.append(value)  # f at the point this step starts from
        run.optimizer.step()
        if run.scheduler is not None:
            run.scheduler.step()
        x, y = run.p.detach().tolist()
        if not (math.isfinite(x) and math.isfinite(y)):
            run.stop = (step, NOT_FINITE)
            continue
        run.points.append((x, y))
        if not _inside(chosen, x, y):
            run.stop = (step, OUTSIDE)


def _finished(chosen: Surface, run: _Run) -> Trajectory:
    """The run as a Trajectory: the loss at its last point is computed here, the loop
    never reaches it (none after a non-finite step: that point is not kept)."""
    losses = run.losses
    if run.stop is None or run.stop[1] == OUTSIDE:
        with torch.no_grad():
            losses = [*losses, chosen.function(torch.tensor(run.points[-1], dtype=torch.float64)).item()]
    stopped_at, reason = run.stop or (None, None)
    return Trajectory(tuple(run.points), tuple(losses), stopped_at, reason)


def trajectories(
    name: str,
    condition: float,
    specs: tuple[OptimizerSpec, ...],
    start: tuple[float, float],
    steps: int,
    between_steps: Callable[[], None] | None = None,
) -> tuple[Trajectory, ...]:
    """Run every optimizer from the same start, in lockstep, with the real loop, until
    each has done `steps` steps, left the drawn area, or stopped being finite.

    `between_steps`, when given, is called after every step (the page lets other
    sessions' reruns through there)."""
    chosen = surface(name, condition)
    steps = min(steps, MAX_STEPS)
    runs = [_start_run(spec, start, steps) for spec in specs]
    for step in range(1, steps + 1):
        running = [run for run in runs if run.stop is None]
        if not running:
            break
        _step_together(chosen, running, step)
        if between_steps is not None:
            between_steps()
    return tuple(_finished(chosen, run) for run in runs)


def trajectory(
    name: str,
    condition: float,
    spec: OptimizerSpec,
    start: tuple[float, float],
    steps: int,
    between_steps: Callable[[], None] | None = None,
) -> Trajectory:
    return trajectories(name, condition, (spec,), start, steps, between_steps)[0]


def _inside(chosen: Surface, x: float, y: float) -> bool:
    return chosen.x_range[0] <= x <= chosen.x_range[1] and chosen.y_range[0] <= y <= chosen.y_range[1]


def clicked_start(points: object, chosen: Surface) -> tuple[float, float] | None:
    """The start a click on the map asks for: the first selected point's (x, y), clamped
    to the map and rounded to 2 decimals; None unless both are finite numbers.

    A chart selection is JSON sent by the client: any shape may arrive, not only the
    browser's [{"x": 1.2, "y": -0.5}]."""
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    coordinates = []
    for value, (low, high) in ((points[0].get("x"), chosen.x_range), (points[0].get("y"), chosen.y_range)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float: no point of the map
            return None
        if not math.isfinite(number):
            return None
        coordinates.append(round(min(max(number, low), high), 2))
    return coordinates[0], coordinates[1]


def distance_to_minimum(chosen: Surface, point: tuple[float, float]) -> float:
    if not chosen.minima:
        return math.inf
    return min(math.dist(point, minimum) for minimum in chosen.minima)


CONVERGED_WITHIN = 0.05  # a minimum is reached when the last point is closer than this
DISTANCE_SHOWN = ".3g"  # the precision of the distances in the page's results table


def converged(name: str, condition: float, result: Trajectory, tolerance: float = CONVERGED_WITHIN) -> bool:
    return not result.diverged and distance_to_minimum(surface(name, condition), result.points[-1]) < tolerance


def outcome(name: str, condition: float, result: Trajectory) -> str | None:
    """ "diverges", "converges" or "slow", as the page's table shows it; None when the
    distance, written with DISTANCE_SHOWN, would not tell (it rounds to the threshold,
    or to the other side of it)."""
    if result.diverged:
        return "diverges"
    distance = distance_to_minimum(surface(name, condition), result.points[-1])
    reached = distance < CONVERGED_WITHIN
    if not math.isfinite(distance):
        return "slow"
    shown = float(format(distance, DISTANCE_SHOWN))
    if shown == CONVERGED_WITHIN or (shown < CONVERGED_WITHIN) != reached:
        return None
    return "converges" if reached else "slow"


LOSS_SHOWN = ".4g"  # the precision of the final losses in the page's results table


def lowest_final_loss(results: tuple[Trajectory, ...]) -> tuple[int, ...]:
    """Which optimizers end lowest, as the page shows it: the indices of those that ran
    every step and whose final loss, written with LOSS_SHOWN, is the smallest. More than
    one is a tie at the shown precision; none when every optimizer stopped early."""
    shown = {i: float(format(r.losses[-1], LOSS_SHOWN)) for i, r in enumerate(results) if not r.diverged}
    if not shown:
        return ()
    lowest = min(shown.values())
    return tuple(i for i, value in shown.items() if value == lowest)


def safer_learning_rate(
    name: str,
    condition: float,
    spec: OptimizerSpec,
    start: tuple[float, float],
    steps: int,
    choices: tuple[float, ...],
    between_steps: Callable[[], None] | None = None,
) -> float | None:
    """The largest learning rate among `choices`, below spec.lr, that does not diverge."""
    for lr in sorted((c for c in choices if c < spec.lr), reverse=True):
        if not trajectory(name, condition, dataclasses.replace(spec, lr=lr), start, steps, between_steps).diverged:
            return lr
    return None


# --- Inside the optimizer ------------------------------------------------------------


@dataclass(frozen=True)
class StepDetails:
    step: int
    before: tuple[float, float]
    gradient: tuple[float, float]
    after: tuple[float, float]
    state: dict[str, tuple[float, ...] | float]  # opt.state[p] after the step
    lr: float  # the learning rate used for this step (after the scheduler)

    @property
    def update(self) -> tuple[float, float]:
        return (self.before[0] - self.after[0], self.before[1] - self.after[1])


def inspect_step(
    name: str, condition: float, spec: OptimizerSpec, start: tuple[float, float], steps: int, step: int
) -> StepDetails:
    """Replay the loop up to `step` and read what the optimizer used there."""
    chosen = surface(name, condition)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(spec, [p])
    scheduler = make_scheduler(spec, optimizer, min(steps, MAX_STEPS))
    for current in range(1, step + 1):
        optimizer.zero_grad()
        chosen.function(p).backward()
        before, gradient = tuple(p.detach().tolist()), tuple(p.grad.tolist())
        lr = optimizer.param_groups[0]["lr"]
        optimizer.step()
        if current == step:
            state = {key: _plain(value) for key, value in optimizer.state[p].items()}
            return StepDetails(step, before, gradient, tuple(p.detach().tolist()), state, lr)
        if scheduler is not None:
            scheduler.step()
    raise ValueError("step must be at least 1")


def _plain(value) -> tuple[float, ...] | float:
    if isinstance(value, torch.Tensor):
        return float(value.item()) if value.dim() == 0 else tuple(value.tolist())
    return float(value)
