"""Training-loop lesson: data, model, loss, optimizer, and the real loop, bugs included.

Pure PyTorch; never imports streamlit. The loop reports every epoch through a
callback, so the page can draw it live. Data, initial weights and batch order come
from per-call generators seeded by the learner's seed. The bug lab's mistakes are one
table (mistakes.py): the loop and its code twin both read how each one changes the loop.
Dropout, which a bug-lab switch adds, can only draw from torch's global generator
(nn.Dropout takes no generator): such a training borrows that generator one epoch at a
time, under a lock, with its own seeded state put in and taken back out
(`GlobalDraws`): sessions training at once never share its draws, and others may run
between two epochs.
"""

import dataclasses
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import nn
from torch.nn.utils import skip_init
from torch.utils.data import DataLoader, TensorDataset

from components.optimizers import OptimizerSpec, make_optimizer
from lessons.boucle_entrainement.mistakes import Bug, Loop, ZeroGrad, loop_with

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
REGRESSION_LOSSES = {"mse": nn.MSELoss, "mae": nn.L1Loss, "huber": nn.HuberLoss}
TRUE_W, TRUE_B = 2.0, 1.0
MAX_EPOCHS = 200
MAX_WIDTH = 64
GRID_POINTS = 80  # points of the prediction curve (1-D)
MAP_SIDE, MAP_X, MAP_Y = 40, (-1.6, 2.6), (-1.2, 1.7)  # the 40 x 40 decision map (2-D)


def map_cell() -> tuple[float, float]:
    return ((MAP_X[1] - MAP_X[0]) / (MAP_SIDE - 1), (MAP_Y[1] - MAP_Y[0]) / (MAP_SIDE - 1))


# --- Data ------------------------------------------------------------------------------
# The code twin shows these functions' sources as they are: no docstrings.


# x uniform in [-2, 2], y = TRUE_W·x + TRUE_B + noise.
def line_points(n, noise, generator):
    x = torch.rand(n, 1, generator=generator) * 4 - 2
    return x, TRUE_W * x + TRUE_B + noise * torch.randn(n, 1, generator=generator)


# x uniform in [-2, 2], y = 2·sin(2x) + noise.
def sine_points(n, noise, generator):
    x = torch.rand(n, 1, generator=generator) * 4 - 2
    return x, torch.sin(2 * x) * 2 + noise * torch.randn(n, 1, generator=generator)


# Two interleaving half circles, labels 0 and 1.
def moons_points(n, noise, generator):
    half = n // 2
    angles = torch.rand(n, generator=generator) * math.pi
    upper = torch.stack([torch.cos(angles[:half]), torch.sin(angles[:half])], dim=1)
    lower = torch.stack([1 - torch.cos(angles[half:]), 0.5 - torch.sin(angles[half:])], dim=1)
    x = torch.cat([upper, lower]) + noise * torch.randn(n, 2, generator=generator)
    y = torch.cat([torch.zeros(half, dtype=torch.long), torch.ones(n - half, dtype=torch.long)])
    return x, y


# A random 80 % of the points for training, the other 20 % for validation.
def split_train_val(x, y, generator):
    order = torch.randperm(len(x), generator=generator)
    cut = int(0.8 * len(x))
    train, val = order[:cut], order[cut:]
    return x[train], y[train], x[val], y[val]


# The training set in target order: every batch then holds similar examples.
def sorted_by_target(x, y):
    order = torch.argsort(y.reshape(len(y), -1)[:, 0].float(), stable=True)
    return x[order], y[order]


POINTS = {"line": line_points, "sine": sine_points, "moons": moons_points}
DATASETS = tuple(POINTS)
CLASSIFICATION = "moons"  # the only data set with classes


@dataclass(frozen=True)
class DataSpec:
    """The data widgets' values."""

    kind: str = "line"
    n: int = 200
    noise: float = 0.2
    seed: int = 0


@dataclass(frozen=True)
class Data:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    classification: bool


def make_data(kind: str, n: int, noise: float, seed: int) -> Data:
    """A seeded data set split 80 / 20."""
    generator = torch.Generator().manual_seed(seed)
    x, y = POINTS[kind](n, noise, generator)
    return Data(*split_train_val(x, y, generator), kind == CLASSIFICATION)


# --- Model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    kind: str = "linear"  # "linear" or "mlp"
    hidden_layers: int = 1
    width: int = 16
    activation: str = "relu"
    dropout: float = 0.0


def linear(inputs: int, outputs: int) -> nn.Linear:
    """An nn.Linear left uninitialised (`skip_init`): its default initialisation would
    draw from torch's global generator, which another session's dropout may be using."""
    return skip_init(nn.Linear, inputs, outputs)


def make_model(spec: ModelSpec, classification: bool, seed: int) -> nn.Module:
    inputs, outputs = (2, 2) if classification else (1, 1)
    if spec.kind == "linear":
        model: nn.Module = linear(inputs, outputs)
    else:
        layers: list[nn.Module] = []
        size = inputs
        for _ in range(spec.hidden_layers):
            layers += [linear(size, min(spec.width, MAX_WIDTH)), ACTIVATIONS[spec.activation]()]
            if spec.dropout:
                layers.append(nn.Dropout(spec.dropout))
            size = min(spec.width, MAX_WIDTH)
        layers.append(linear(size, outputs))
        model = nn.Sequential(*layers)
    initialise(model, torch.Generator().manual_seed(seed))
    return model


# nn.Linear's own initialisation, drawn from a per-call generator. (No docstring: the
# code twin shows this source as it is.)
def initialise(model, generator):
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            bound = 1 / math.sqrt(layer.in_features)
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)


def parameter_count(model: nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def lab_model(model_spec: ModelSpec, bugs: frozenset[Bug]) -> ModelSpec:
    """The model the bug lab trains: forgetting train()/eval() only shows with dropout on,
    so that mistake trains an MLP with dropout."""
    if Bug.NO_TRAIN_EVAL in bugs:
        return dataclasses.replace(model_spec, kind="mlp", dropout=0.5)
    return model_spec


# --- The loop ----------------------------------------------------------------------------


# The core's default: plain SGD at a rate that converges on every data set.
DEFAULT_OPTIMIZER = OptimizerSpec("sgd", lr=0.05)
# The optimizers the page offers, and the one it starts with.
PAGE_OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
PAGE_DEFAULT_OPTIMIZER = OptimizerSpec("adam", lr=0.01)


@dataclass(frozen=True)
class TrainSpec:
    epochs: int = 60
    batch_size: int = 16
    loss: str = "mse"
    optimizer: OptimizerSpec = DEFAULT_OPTIMIZER
    shuffle: bool = True
    seed: int = 0
    bugs: frozenset[Bug] = frozenset()
    snapshot_every: int = 5

    @property
    def loop(self) -> Loop:
        return loop_with(self.bugs)

    @property
    def used_optimizer(self) -> OptimizerSpec:
        """The optimizer the loop builds: the chosen one, at the rate the loop really uses."""
        return dataclasses.replace(self.optimizer, lr=self.optimizer.lr * self.loop.lr_factor)

    @property
    def shuffled(self) -> bool:
        """Whether the batches come in a new random order every epoch."""
        return self.shuffle and not self.loop.sorted_unshuffled


@dataclass(frozen=True)
class Setup:
    """Everything one training depends on: the page's settings."""

    data: DataSpec
    model: ModelSpec
    train: TrainSpec
    device: str = "cpu"


@dataclass(frozen=True)
class Epoch:
    epoch: int
    train_loss: float
    val_loss: float
    val_accuracy: float | None  # classification only
    kept_graph_bytes: int  # bytes autograd saved during validation (0 under no_grad)


@dataclass
class TrainResult:
    epochs: list[Epoch] = field(default_factory=list)
    snapshots: list[tuple[int, list[float]]] = field(default_factory=list)  # (epoch, predictions on the grid)
    model: nn.Module | None = None
    diverged: bool = False


def loss_function(spec: TrainSpec, classification: bool) -> nn.Module:
    return nn.CrossEntropyLoss() if classification else REGRESSION_LOSSES[spec.loss]()


def prediction_grid(data: Data) -> torch.Tensor:
    """Where snapshots are taken: 80 x values (1-D) or a 40 x 40 grid (2-D)."""
    if not data.classification:
        return torch.linspace(-2.2, 2.2, GRID_POINTS).reshape(-1, 1)
    axis_x, axis_y = torch.linspace(*MAP_X, MAP_SIDE), torch.linspace(*MAP_Y, MAP_SIDE)
    grid_x, grid_y = torch.meshgrid(axis_x, axis_y, indexing="xy")
    return torch.stack([grid_x.reshape(-1), grid_y.reshape(-1)], dim=1)


def training_batches(data: Data, spec: TrainSpec) -> DataLoader:
    """The training set in batches, shuffled by a generator seeded with the learner's seed."""
    x_train, y_train = data.x_train, data.y_train
    if spec.loop.sorted_unshuffled:
        x_train, y_train = sorted_by_target(x_train, y_train)
    return DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=spec.batch_size,
        shuffle=spec.shuffled,
        generator=torch.Generator().manual_seed(spec.seed),
    )


_GLOBAL_GENERATOR_LOCK = threading.Lock()


class GlobalDraws:
    """Torch's global generator, lent to one training an epoch at a time.

    Each `lent()` block takes the lock, puts this training's state into the generator,
    and takes the state back out at the end: the draws are those of one uninterrupted
    run seeded once with `torch.manual_seed(seed)` (the code twin's), while between two
    epochs the lock is free for other sessions' trainings.
    """

    def __init__(self, seed: int, needed: bool):
        self.needed = needed
        self.state = torch.Generator().manual_seed(seed).get_state() if needed else None

    @contextmanager
    def lent(self) -> Iterator[None]:
        if not self.needed:
            yield
            return
        with _GLOBAL_GENERATOR_LOCK, torch.random.fork_rng(devices=[]):
            torch.set_rng_state(self.state)
            yield
            self.state = torch.get_rng_state()


def train(
    data: Data,
    model_spec: ModelSpec,
    spec: TrainSpec,
    device: str = "cpu",
    on_epoch: Callable[[Epoch, TrainResult], bool | None] | None = None,
) -> TrainResult:
    """The real loop: each epoch a pass over the training batches, then a validation pass,
    and every `snapshot_every` epochs the model's predictions on the grid. It stops after
    `spec.epochs` epochs, at a loss that is not finite, or when `on_epoch` (called after
    every epoch) returns False."""
    loop = spec.loop
    model = make_model(model_spec, data.classification, spec.seed).to(device)
    criterion = loss_function(spec, data.classification)
    optimizer = make_optimizer(spec.used_optimizer, list(model.parameters()))
    loader = training_batches(data, spec)
    x_val, y_val = data.x_val.to(device), data.y_val.to(device)
    grid = prediction_grid(data).to(device)
    result = TrainResult(model=model)
    draws = GlobalDraws(spec.seed, model_spec.dropout > 0)
    for epoch in range(1, min(spec.epochs, MAX_EPOCHS) + 1):
        with draws.lent():
            train_loss = train_one_epoch(model, loader, criterion, optimizer, device, loop)
            record = Epoch(epoch, train_loss, *validate(model, criterion, x_val, y_val, data.classification, loop))
            result.epochs.append(record)
            if epoch % spec.snapshot_every == 0 or epoch == 1:
                result.snapshots.append((epoch, predictions(model, grid, data.classification, loop)))
        if not (math.isfinite(record.train_loss) and math.isfinite(record.val_loss)):
            result.diverged = True
            break
        if on_epoch is not None and on_epoch(record, result) is False:  # outside the lock: others may train
            break
    if result.snapshots and result.snapshots[-1][0] != result.epochs[-1].epoch:  # the last epoch's picture too
        with draws.lent():
            result.snapshots.append((result.epochs[-1].epoch, predictions(model, grid, data.classification, loop)))
    return result


def train_one_epoch(model, loader, criterion, optimizer, device: str, loop: Loop) -> float:
    """One pass over the training batches, written as `loop` says; the mean training loss."""
    if loop.switches_modes:
        model.train()
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        if loop.zero_grad is ZeroGrad.BEFORE_FORWARD:
            optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        if loop.zero_grad is ZeroGrad.AFTER_BACKWARD:
            optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count


def validate(model, criterion, x_val, y_val, classification: bool, loop: Loop) -> tuple[float, float | None, int]:
    """The validation pass, written as `loop` says: (loss, accuracy or None, the bytes
    autograd saved for a backward() that never comes, none under torch.no_grad())."""
    if loop.switches_modes:
        model.eval()
    saved_bytes = 0

    def count_saved(tensor: torch.Tensor) -> torch.Tensor:
        nonlocal saved_bytes
        saved_bytes += tensor.numel() * tensor.element_size()
        return tensor

    with (
        torch.autograd.graph.saved_tensors_hooks(count_saved, lambda tensor: tensor),
        torch.no_grad() if loop.validates_without_graph else nullcontext(),
    ):
        output = model(x_val)
        loss = criterion(output, y_val)
    accuracy = (output.argmax(dim=1) == y_val).float().mean().item() if classification else None
    return loss.item(), accuracy, saved_bytes


def predictions(model: nn.Module, grid: torch.Tensor, classification: bool, loop: Loop) -> list[float]:
    """The model's predictions on the grid: the value (1-D) or the probability of class 1 (2-D)."""
    if loop.switches_modes:
        model.eval()
    # A picture for the page, not part of the training: with dropout on (the train/eval
    # bug), its draws come from a throwaway copy of the generator, so the loop's own draws
    # are those of the code twin, which draws no pictures. (Only then: restoring the
    # copy outside the training's lock would rewind another session's draws.)
    dropout = any(isinstance(layer, nn.Dropout) for layer in model.modules())
    with torch.no_grad(), torch.random.fork_rng(devices=[]) if dropout else nullcontext():
        output = model(grid)
    values = torch.softmax(output, dim=1)[:, 1] if classification else output[:, 0]
    return values.cpu().tolist()


def learned_line(model: nn.Module) -> tuple[float, float] | None:
    """(w, b) of an nn.Linear fitted to the line data, else None."""
    if isinstance(model, nn.Linear) and model.in_features == 1:
        return model.weight.item(), model.bias.item()
    return None


def history_frame(result: TrainResult, label: str, names: dict[str, str]) -> pd.DataFrame:
    rows = []
    for record in result.epochs:
        rows.append({"epoch": record.epoch, "loss": record.train_loss, "split": names["train"], "run": label})
        rows.append({"epoch": record.epoch, "loss": record.val_loss, "split": names["val"], "run": label})
    return pd.DataFrame(rows)
