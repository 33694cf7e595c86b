"""Optimizer lesson: real torch.optim optimizers descending 2-D loss surfaces.

Pure PyTorch; never imports streamlit. Every surface is a PyTorch function of a
parameter tensor whose last dimension is 2, so the same code draws the surface on a
grid and computes the loss inside the training loop.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lessons.fonction_de_cout.core import least_squares, make_dataset

MAX_STEPS = 500
GRID_STEPS = 41
REGRESSION_DATA = make_dataset(noise=0.5, outliers=0, outlier_size=0.0, seed=0)  # the loss lesson's line


def _regression_mse(p: torch.Tensor) -> torch.Tensor:
    """MSE of y ≈ w·x + b over the loss lesson's data; p[..., 0] = w, p[..., 1] = b."""
    x, y = REGRESSION_DATA.x, REGRESSION_DATA.y
    prediction = p[..., 0:1] * x + p[..., 1:2]  # (..., n)
    return ((prediction - y) ** 2).mean(dim=-1)


def _bowl(condition: float) -> Callable[[torch.Tensor], torch.Tensor]:
    return lambda p: 0.5 * (p[..., 0] ** 2 + condition * p[..., 1] ** 2)


def _rosenbrock(p: torch.Tensor) -> torch.Tensor:
    return (1 - p[..., 0]) ** 2 + 100 * (p[..., 1] - p[..., 0] ** 2) ** 2


def _himmelblau(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _beale(p: torch.Tensor) -> torch.Tensor:
    x, y = p[..., 0], p[..., 1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _saddle(p: torch.Tensor) -> torch.Tensor:
    return p[..., 0] ** 2 - p[..., 1] ** 2


def _wells(p: torch.Tensor) -> torch.Tensor:
    """Four wells of different depths: (x² − 1)² + (y² − 1)² + 0.25x + 0.1y."""
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
    function: Callable[[torch.Tensor], torch.Tensor]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minima: tuple[tuple[float, float], ...]  # empty for the saddle, which has none
    start: tuple[float, float]
    log_colour: bool  # spans orders of magnitude: a log colour scale shows the valley
    axis_names: tuple[str, str] = ("x", "y")


SURFACE_NAMES = ("regression", "bowl", "rosenbrock", "himmelblau", "beale", "saddle", "wells")


def surface(name: str, condition: float = 10.0) -> Surface:
    if name == "regression":
        return Surface(
            _regression_mse, (-1.0, 5.0), (-3.0, 5.0), (least_squares(REGRESSION_DATA),), (-0.5, 4.0), True, ("w", "b")
        )
    if name == "bowl":
        return Surface(_bowl(condition), (-3.0, 3.0), (-3.0, 3.0), ((0.0, 0.0),), (-2.5, 2.0), False)
    if name == "rosenbrock":
        return Surface(_rosenbrock, (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), (-1.5, 2.5), True)
    if name == "himmelblau":
        minima = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))
        return Surface(_himmelblau, (-5.0, 5.0), (-5.0, 5.0), minima, (0.0, -0.5), True)
    if name == "beale":
        return Surface(_beale, (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), (1.0, 1.5), True)
    if name == "saddle":
        return Surface(_saddle, (-2.0, 2.0), (-2.0, 2.0), (), (-1.5, 0.05), False)
    return Surface(_wells, (-2.0, 2.0), (-2.0, 2.0), _wells_minima(), (0.1, 1.6), False)


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


# --- Optimizers -------------------------------------------------------------------

OPTIMIZER_KINDS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
SCHEDULERS = ("none", "step", "exponential", "cosine")


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer's widgets: primitives only, so it keys the cache."""

    kind: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    scheduler: str = "none"

    @property
    def label(self) -> str:
        return f"{self.kind} (lr={self.lr:g})"


def make_optimizer(spec: OptimizerSpec, parameters: list[torch.Tensor]) -> torch.optim.Optimizer:
    if spec.kind == "sgd":
        return torch.optim.SGD(parameters, lr=spec.lr, weight_decay=spec.weight_decay)
    if spec.kind in ("momentum", "nesterov"):
        return torch.optim.SGD(
            parameters,
            lr=spec.lr,
            momentum=spec.momentum,
            nesterov=spec.kind == "nesterov",
            weight_decay=spec.weight_decay,
        )
    if spec.kind == "adagrad":
        return torch.optim.Adagrad(parameters, lr=spec.lr, weight_decay=spec.weight_decay)
    if spec.kind == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=spec.lr, weight_decay=spec.weight_decay)
    optimizer = torch.optim.Adam if spec.kind == "adam" else torch.optim.AdamW
    return optimizer(parameters, lr=spec.lr, betas=(spec.beta1, spec.beta2), weight_decay=spec.weight_decay)


def make_scheduler(spec: OptimizerSpec, optimizer: torch.optim.Optimizer, steps: int):
    if spec.scheduler == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(steps // 4, 1), gamma=0.5)
    if spec.scheduler == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.99)
    if spec.scheduler == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    return None


# --- Trajectories ------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    points: tuple[tuple[float, float], ...]  # the start, then p after each step
    losses: tuple[float, ...]  # f at each point
    stopped_at: int | None  # the step at which it left the area or stopped being finite
    reason: str | None  # "outside" or "not_finite"

    @property
    def diverged(self) -> bool:
        return self.stopped_at is not None


def trajectories(
    name: str,
    condition: float,
    specs: tuple[OptimizerSpec, ...],
    start: tuple[float, float],
    steps: int,
    between_steps: Callable[[], None] | None = None,
) -> tuple[Trajectory, ...]:
    """Run every optimizer from the same start, in lockstep, with the real loop.

    At each step: every optimizer's zero_grad(), one loss summing each optimizer's own
    f(p), one backward() (each p only receives the gradient of its own term), then
    every optimizer's step(). One graph for all of them keeps four optimizers x 500
    steps cheap enough for a server shared by a class. `between_steps`, when given,
    is called after every step (the page lets other sessions' reruns through there).
    """
    chosen = surface(name, condition)
    steps = min(steps, MAX_STEPS)
    parameters = [torch.tensor(start, dtype=torch.float64, requires_grad=True) for _ in specs]
    optimizers = [make_optimizer(spec, [p]) for spec, p in zip(specs, parameters, strict=True)]
    schedulers = [make_scheduler(spec, optimizer, steps) for spec, optimizer in zip(specs, optimizers, strict=True)]
    points = [[tuple(start)] for _ in specs]
    losses: list[list[float]] = [[] for _ in specs]
    stops: list[tuple[int, str] | None] = [None for _ in specs]
    for step in range(1, steps + 1):
        running = [index for index, stop in enumerate(stops) if stop is None]
        if not running:
            break
        for index in running:
            optimizers[index].zero_grad()
        values = chosen.function(torch.stack([parameters[index] for index in running]))
        values.sum().backward()
        for index, value in zip(running, values.tolist(), strict=True):
            losses[index].append(value)  # f at the point this step starts from
            optimizers[index].step()
            if schedulers[index] is not None:
                schedulers[index].step()
            x, y = parameters[index].detach().tolist()
            if not (math.isfinite(x) and math.isfinite(y)):
                stops[index] = (step, "not_finite")
                continue
            points[index].append((x, y))
            if not _inside(chosen, x, y):
                stops[index] = (step, "outside")
        if between_steps is not None:
            between_steps()
    results = []
    for index, stop in enumerate(stops):
        if stop is None:  # the loss at the final point, never computed inside the loop
            with torch.no_grad():
                losses[index].append(chosen.function(parameters[index].detach()).item())
        elif stop[1] == "outside":
            with torch.no_grad():
                losses[index].append(chosen.function(torch.tensor(points[index][-1], dtype=torch.float64)).item())
        results.append(Trajectory(tuple(points[index]), tuple(losses[index]), *(stop or (None, None))))
    return tuple(results)


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


def converged(name: str, condition: float, result: Trajectory, tolerance: float = 0.05) -> bool:
    return not result.diverged and distance_to_minimum(surface(name, condition), result.points[-1]) < tolerance


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
        candidate = OptimizerSpec(**{**spec.__dict__, "lr": lr})
        if not trajectory(name, condition, candidate, start, steps, between_steps).diverged:
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
