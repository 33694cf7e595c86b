"""Loss lesson: a data set fitted by hand, judged by torch.nn losses.

Pure PyTorch; never imports streamlit. The data set (components.regression) is shared
with the optimizer lesson; its tensors are float64 so the landscape and the optimum
are exact enough to compare.
"""

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from components.regression import B_RANGE, W_RANGE, Dataset, least_squares

LOSSES = ("mse", "mae", "huber", "smooth_l1")
CORE_LOSSES = ("mse", "mae")  # the page's core; the other losses are "pour aller plus loin"
MODULE_NAMES = {"mse": "nn.MSELoss", "mae": "nn.L1Loss", "huber": "nn.HuberLoss", "smooth_l1": "nn.SmoothL1Loss"}


# --- Custom losses: small Python functions, shown to the learner as they are -----


# Like MSE near zero, like MAE far away: log(cosh(r)), averaged; written with
# softplus because cosh overflows for large residuals. (No docstring: the page
# shows these two functions' source, and describes them from the catalogues.)
def log_cosh_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    residual = prediction - target
    return torch.mean(residual + nn.functional.softplus(-2 * residual) - math.log(2))


# MSE where over-estimates (prediction above the target) cost three times more.
def weighted_mse_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    residual = prediction - target
    weight = torch.where(residual > 0, 3.0, 1.0)
    return torch.mean(weight * residual**2)


CUSTOM_LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "log_cosh": log_cosh_loss,
    "weighted_mse": weighted_mse_loss,
}


def custom_loss_source(name: str) -> str:
    return inspect.getsource(CUSTOM_LOSSES[name])


def loss_module(name: str, delta: float, reduction: str = "mean") -> nn.Module:
    """The torch.nn module for one of LOSSES."""
    if name == "mse":
        return nn.MSELoss(reduction=reduction)
    if name == "mae":
        return nn.L1Loss(reduction=reduction)
    if name == "huber":
        return nn.HuberLoss(reduction=reduction, delta=delta)
    return nn.SmoothL1Loss(reduction=reduction, beta=delta)


def loss_function(name: str, delta: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Any loss of the page, nn module or custom, as f(prediction, target) -> mean loss."""
    return CUSTOM_LOSSES[name] if name in CUSTOM_LOSSES else loss_module(name, delta)


# --- Regression by hand -------------------------------------------------------------


def regression_losses(data: Dataset, w: float, b: float, delta: float) -> dict[str, float]:
    prediction = w * data.x + b
    return {name: loss_module(name, delta)(prediction, data.y).item() for name in LOSSES}


def contributions(data: Dataset, w: float, b: float, delta: float, names: tuple[str, ...] = LOSSES) -> pd.DataFrame:
    """Each point's share of each loss: reduction="none", divided by n as the mean does."""
    prediction = w * data.x + b
    rows = []
    for name in names:
        per_point = loss_module(name, delta, reduction="none")(prediction, data.y) / len(data.x)
        rows += [
            {"point": index, "loss": name, "value": value, "outlier": bool(out)}
            for index, (value, out) in enumerate(zip(per_point.tolist(), data.outlier.tolist(), strict=True))
        ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class OutlierDoubling:
    """The core losses before and after the outliers' gap doubles, w and b unchanged."""

    before: dict[str, float]
    after: dict[str, float]
    residuals_before: tuple[float, ...]  # each outlier's residual (prediction - target)
    residuals_after: tuple[float, ...]
    points: int  # n, which each mean divides by

    @property
    def growth(self) -> dict[str, float]:
        return {name: self.after[name] - self.before[name] for name in self.before}

    def clear_winner(self, decimals: int = 4) -> str | None:
        """The loss that grows most, or None when no loss grows or the largest growths
        are equal at the precision the page shows: then the question has no answer."""
        shown = {name: round(value, decimals) for name, value in self.growth.items()}
        ranked = sorted(shown.values(), reverse=True)
        if ranked[0] <= 0 or ranked[0] == ranked[1]:
            return None
        return max(shown, key=shown.get)


def outlier_doubling(data: Dataset, doubled: Dataset, w: float, b: float) -> OutlierDoubling:
    """`doubled`: the same points with the outliers' gap doubled (same seed)."""

    def residuals(points: Dataset) -> tuple[float, ...]:
        return tuple((w * points.x + b - points.y)[points.outlier].tolist())

    before = regression_losses(data, w, b, 1.0)  # delta only matters to Huber and SmoothL1
    after = regression_losses(doubled, w, b, 1.0)
    return OutlierDoubling(
        {name: before[name] for name in CORE_LOSSES},
        {name: after[name] for name in CORE_LOSSES},
        residuals(data),
        residuals(doubled),
        len(data.x),
    )


def points_frame(data: Dataset, w: float, b: float) -> pd.DataFrame:
    prediction = w * data.x + b
    return pd.DataFrame(
        {
            "point": range(len(data.x)),
            "x": data.x.tolist(),
            "y": data.y.tolist(),
            "prediction": prediction.tolist(),
            "outlier": data.outlier.tolist(),
        }
    )


def loss_shapes(delta: float, custom: str | None, limit: float = 4.0, points: int = 161) -> pd.DataFrame:
    """Each loss of a single residual r (prediction r, target 0), over [-limit, limit]."""
    residual = torch.linspace(-limit, limit, points, dtype=torch.float64)
    target = torch.zeros_like(residual)
    names = [*LOSSES, *([custom] if custom else [])]
    frames = []
    for name in names:
        if name in CUSTOM_LOSSES:  # one value per residual: the mean over a single element
            values = torch.stack(
                [CUSTOM_LOSSES[name](r.reshape(1), t.reshape(1)) for r, t in zip(residual, target, strict=True)]
            )
        else:
            values = loss_module(name, delta, reduction="none")(residual, target)
        frames.append(pd.DataFrame({"residual": residual.tolist(), "value": values.tolist(), "loss": name}))
    return pd.concat(frames, ignore_index=True)


# --- Landscape --------------------------------------------------------------------------


def landscape(data: Dataset, name: str, delta: float, steps: int = 41) -> pd.DataFrame:
    """The loss over a steps x steps grid of (w, b), all grid points at once."""
    ws = torch.linspace(*W_RANGE, steps, dtype=torch.float64)
    bs = torch.linspace(*B_RANGE, steps, dtype=torch.float64)
    grid_w, grid_b = torch.meshgrid(ws, bs, indexing="xy")
    prediction = grid_w.reshape(-1, 1) * data.x + grid_b.reshape(-1, 1)  # (steps², n)
    target = data.y.expand_as(prediction)
    if name in CUSTOM_LOSSES:
        values = torch.stack([CUSTOM_LOSSES[name](p, t) for p, t in zip(prediction, target, strict=True)])
    else:
        values = loss_module(name, delta, reduction="none")(prediction, target).mean(dim=1)
    return pd.DataFrame({"w": grid_w.reshape(-1).tolist(), "b": grid_b.reshape(-1).tolist(), "loss": values.tolist()})


def best_parameters(data: Dataset, name: str, delta: float) -> tuple[float, float]:
    """Closed form for MSE; otherwise L-BFGS from the least-squares start."""
    w0, b0 = least_squares(data)
    if name == "mse":
        return w0, b0
    parameters = torch.tensor([w0, b0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([parameters], max_iter=200, line_search_fn="strong_wolfe")
    loss_of = loss_function(name, delta)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_of(parameters[0] * data.x + parameters[1], data.y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return parameters[0].item(), parameters[1].item()


def loss_gradient(data: Dataset, name: str, delta: float, w: float, b: float) -> tuple[float, float]:
    """(dL/dw, dL/db) by autograd."""
    parameters = torch.tensor([w, b], dtype=torch.float64, requires_grad=True)
    loss_function(name, delta)(parameters[0] * data.x + parameters[1], data.y).backward()
    return parameters.grad[0].item(), parameters.grad[1].item()


def finite_difference_gradient(
    data: Dataset, name: str, delta: float, w: float, b: float, h: float = 1e-6
) -> tuple[float, float]:
    loss_of = loss_function(name, delta)

    def loss_at(w_value: float, b_value: float) -> float:
        with torch.no_grad():
            return loss_of(w_value * data.x + b_value, data.y).item()

    return (
        (loss_at(w + h, b) - loss_at(w - h, b)) / (2 * h),
        (loss_at(w, b + h) - loss_at(w, b - h)) / (2 * h),
    )


# --- Classification -------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    probabilities: tuple[float, ...]  # softmax(logits)
    cross_entropy: float  # nn.CrossEntropyLoss()(logits, true class)
    minus_log_p: float  # -log(p[true class]), the same number by hand


def classification(logits: tuple[float, ...], true_class: int) -> Classification:
    tensor = torch.tensor([logits], dtype=torch.float32)
    probabilities = torch.softmax(tensor, dim=1)[0]
    loss = nn.CrossEntropyLoss()(tensor, torch.tensor([true_class])).item()
    return Classification(tuple(probabilities.tolist()), loss, -math.log(probabilities[true_class].item()))


def binary_cross_entropy(logit: float, target: float) -> tuple[float, float]:
    """(sigmoid(logit), nn.BCEWithLogitsLoss()(logit, target))."""
    tensor = torch.tensor([logit], dtype=torch.float32)
    loss = nn.BCEWithLogitsLoss()(tensor, torch.tensor([target])).item()
    return torch.sigmoid(tensor).item(), loss


@dataclass(frozen=True)
class Stability:
    naive_softmax: tuple[float, ...]  # exp(z) / exp(z).sum(), in float32: may hold nan
    torch_softmax: tuple[float, ...]
    naive_loss: float  # -log of the naive probability of the true class
    torch_loss: float  # nn.CrossEntropyLoss, which works on log-probabilities

    @property
    def naive_broke(self) -> bool:
        return not all(math.isfinite(p) for p in (*self.naive_softmax, self.naive_loss))


def stability(extreme_logit: float, true_class: int = 1) -> Stability:
    """Logits (extreme, 0, 0): a hand-written softmax overflows, CrossEntropyLoss does not."""
    logits = torch.tensor([[extreme_logit, 0.0, 0.0]], dtype=torch.float32)
    exponentials = torch.exp(logits)
    naive = exponentials / exponentials.sum()
    naive_loss = -torch.log(naive[0, true_class]).item()
    loss = nn.CrossEntropyLoss()(logits, torch.tensor([true_class])).item()
    return Stability(tuple(naive[0].tolist()), tuple(torch.softmax(logits, dim=1)[0].tolist()), naive_loss, loss)


# --- reduction ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reductions:
    mean: float
    sum: float
    none: tuple[float, ...]
    by_hand: float  # ((prediction - y) ** 2).mean(), written out


def reductions(data: Dataset, w: float, b: float) -> Reductions:
    prediction = w * data.x + b
    return Reductions(
        nn.MSELoss(reduction="mean")(prediction, data.y).item(),
        nn.MSELoss(reduction="sum")(prediction, data.y).item(),
        tuple(nn.MSELoss(reduction="none")(prediction, data.y).tolist()),
        ((prediction - data.y) ** 2).mean().item(),
    )
