"""The regression data set two lessons share: y = 2x + 1 + noise, some points pushed up.

The loss lesson fits a line to it by hand; the optimizer lesson descends its MSE as a
surface over (w, b). `regression_points` is the one builder: the pages call it, and the
code twins show its source (`components.twin_sources.function_source`). Pure PyTorch;
never imports streamlit. Tensors are float64 so the landscape and the optimum are exact
enough to compare.
"""

from dataclasses import dataclass

import torch

TRUE_W, TRUE_B = 2.0, 1.0
N_POINTS = 12
X_RANGE = (-2.0, 2.0)  # the data's x
LINE_X_RANGE = (-2.4, 2.4)  # where a fitted line is drawn: the data's x and a margin
W_RANGE, B_RANGE = (-1.0, 5.0), (-3.0, 5.0)  # the (w, b) area the pages draw


@dataclass(frozen=True)
class DataSettings:
    """The data widgets' values: primitives only, so it keys the cache."""

    noise: float = 0.5
    outliers: int = 0
    outlier_size: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class Dataset:
    x: torch.Tensor  # (n,)
    y: torch.Tensor  # (n,)
    outlier: torch.Tensor  # (n,) bool


# x evenly spread, y = TRUE_W·x + TRUE_B + noise, `outliers` points pushed up by
# `outlier_size`. (No docstring: the code twins show this source as it is.)
def regression_points(noise, outliers, outlier_size, seed):
    generator = torch.Generator().manual_seed(seed)
    x = torch.linspace(*X_RANGE, N_POINTS, dtype=torch.float64)
    y = TRUE_W * x + TRUE_B + noise * torch.randn(N_POINTS, generator=generator, dtype=torch.float64)
    outlier = torch.zeros(N_POINTS, dtype=torch.bool)
    outlier[torch.randperm(N_POINTS, generator=generator)[:outliers]] = True
    return x, y + outlier_size * outlier, outlier


def make_dataset(settings: DataSettings) -> Dataset:
    return Dataset(*regression_points(settings.noise, settings.outliers, settings.outlier_size, settings.seed))


def points_call(settings: DataSettings) -> str:
    """The code twins' call of the builder for `settings`."""
    return f"regression_points({settings.noise!r}, {settings.outliers!r}, {settings.outlier_size!r}, {settings.seed!r})"


def least_squares(data: Dataset) -> tuple[float, float]:
    """The MSE optimum in closed form: solve [x 1] @ [w b] = y in the least-squares sense."""
    design = torch.stack([data.x, torch.ones_like(data.x)], dim=1)
    solution = torch.linalg.lstsq(design, data.y.unsqueeze(1)).solution.squeeze(1)
    return solution[0].item(), solution[1].item()
