"""Shared by the learner-code tests (tests/unit/test_learner_code*.py): the later half of
the programs compared with real Python, and the subprocess that runs them in real Python."""

import json
import math
import subprocess
import sys
from pathlib import Path

import torch

from components.learner_code import run_program

PRELUDE = """\
import torch
from torch import nn, optim
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
torch.manual_seed(0)
"""


# The programs after those of tests/unit/test_learner_code.py, in the same form.
MORE_PROGRAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "sequential",
        """\
model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
a = model[0].weight.shape
b = len(model)
names = []
count = 0
for name, p in model.named_parameters():
    names.append(name)
    count += p.numel()
last = model[-1].out_features
model.eval()
training = model.training
model.train()
print(model)
""",
        ("a", "b", "names", "count", "last", "training"),
    ),
    (
        "conversions",
        """\
t = torch.tensor([1.5, 2.5])
a = t[0].item()
b = t.tolist()
c = float(3)
d = int(3.9)
e = round(2.567, 2)
f = bool(0)
g = abs(-4)
h = str(12)
i = t.numel()
j = t.size(0)
k = t.dim()
l = t.ndim
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
    ),
    (
        "seeded inside",
        """\
torch.manual_seed(42)
a = torch.randn(2, 2)
g = torch.Generator().manual_seed(3)
b = torch.randn(2, generator=g)
""",
        ("a", "b"),
    ),
    (
        "imports",
        """\
import torch
import torch.nn as nn2
from torch import nn, optim
import torch.nn.functional as G
from torch.utils.data import DataLoader, TensorDataset
import torch.optim as o
from torch.nn import Linear
a = Linear(2, 1).out_features
b = G.relu(torch.tensor([-1.0, 1.0]))
c = nn2.ReLU()(torch.tensor([-2.0]))
""",
        ("a", "b", "c"),
    ),
    (
        "named results",
        """\
a = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
m = a.max(dim=0)
v = m.values
i = m.indices
top, where = a.max(dim=1)
""",
        ("v", "i", "top", "where"),
    ),
    (
        "iterators",
        """\
loader = DataLoader(TensorDataset(torch.arange(12.0).reshape(6, 2)), batch_size=4)
(xb,) = next(iter(loader))
first = next(nn.Linear(2, 1).parameters())
it = iter([1, 2, 3])
a = next(it)
rest = []
for value in it:
    rest.append(value)
""",
        ("xb", "first", "a", "rest"),
    ),
    (
        "swap",
        """\
a, b = 1, 2
a, b = b, a
[c, d] = [3, 4]
e = f = 5
""",
        ("a", "b", "c", "d", "e", "f"),
    ),
    (
        "branches",
        """\
out = []
for i in range(6):
    if i < 2:
        out.append('low')
    elif i < 4:
        out.append('mid')
    else:
        out.append('high')
""",
        ("out",),
    ),
    (
        "print",
        """\
print('a', 1, sep='-', end='!\\n')
print(torch.tensor([1.0, 2.0]))
print()
print(2.5, None, True)
""",
        (),
    ),
    (
        "shapes",
        """\
a = torch.arange(24.0).reshape(2, 3, 4)
b = a.permute(2, 0, 1).shape
c = a.transpose(0, 1).shape
d = a.flatten().shape
e = a.unsqueeze(0).shape
f = a[:1].squeeze(0).shape
g = a.shape[1]
h = a.std().item()
i = a.var(dim=2)
j = a.norm()
k = a.sum(dim=(0, 1))
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"),
    ),
    (
        "losses",
        """\
logits = torch.tensor([[2.0, 0.5], [0.1, 1.0]])
target = torch.tensor([0, 1])
a = nn.CrossEntropyLoss()(logits, target)
b = nn.BCEWithLogitsLoss()(logits, torch.ones(2, 2))
c = nn.L1Loss()(logits, torch.zeros(2, 2))
d = nn.HuberLoss()(logits, torch.zeros(2, 2))
e = nn.BCELoss()(torch.sigmoid(logits), torch.ones(2, 2))
f = nn.SmoothL1Loss()(logits, logits * 2)
""",
        ("a", "b", "c", "d", "e", "f"),
    ),
    (
        "global read in function",
        """\
scale = 3
def f(x):
    y = x * scale
    return y
a = f(2)
b = f(x=4)
def_result = a + b
""",
        ("a", "b", "def_result"),
    ),
    (
        "matmul shapes",
        """\
a = torch.ones(2, 3)
b = torch.ones(3)
c = a @ b
d = torch.matmul(a, torch.ones(3, 4)).shape
e = torch.mm(a, a.t())
f = torch.dot(b, b)
g = a.matmul(b)
h = a.mm(a.T)
""",
        ("c", "d", "e", "f", "g", "h"),
    ),
)


def plain(value: object) -> object:
    """A JSON form of a value, the same in both processes."""
    if isinstance(value, torch.Tensor):
        return {"tensor": value.detach().tolist(), "dtype": str(value.dtype)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, float | int | bool | str) or value is None:
        return value
    return str(value)


PLAIN_SOURCE = """
def plain(value):
    if isinstance(value, torch.Tensor):
        return {"tensor": value.detach().tolist(), "dtype": str(value.dtype)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (float, int, bool, str)) or value is None:
        return value
    return str(value)
"""


def python_results(programs: tuple, folder: Path, prelude: str = PRELUDE) -> dict:
    """Runs every program as a plain Python script in ONE subprocess (torch imports once):
    each is written to its own file and run with runpy there, seeded by the prelude."""
    driver = [
        "import contextlib, io, json, runpy, sys",
        "import torch",
        "torch.set_num_threads(1)",
        PLAIN_SOURCE,
        "results = {}",
    ]
    for name, source, wanted in programs:
        driver += [
            "output = io.StringIO()",
            "with contextlib.redirect_stdout(output):",
            f"    names = runpy.run_path({json.dumps(str(write_script(folder, name, prelude + source)))})",
            f"results[{name!r}] = {{'names': {{key: plain(names[key]) for key in {list(wanted)!r}}},"
            " 'output': output.getvalue()}",
        ]
    driver.append("print(json.dumps(results))")
    completed = subprocess.run(
        [sys.executable, "-c", "\n".join(driver)], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(completed.stdout)


def write_script(folder: Path, name: str, text: str) -> Path:
    path = folder / (name.replace(" ", "_") + ".py")
    path.write_text(text, encoding="utf-8")
    return path


def assert_same(ours: object, theirs: object, where: str) -> None:
    if isinstance(ours, float) and isinstance(theirs, float):
        assert math.isclose(ours, theirs, rel_tol=1e-5, abs_tol=1e-6) or (math.isnan(ours) and math.isnan(theirs)), (
            where
        )
    elif isinstance(ours, list) and isinstance(theirs, list):
        assert len(ours) == len(theirs), where
        for position, (left, right) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(left, right, f"{where}[{position}]")
    elif isinstance(ours, dict) and isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), where
        for key in ours:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
    else:
        assert ours == theirs, where


def run_seeded(source: str, provided: dict | None = None):
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return run_program(source, provided or {})
    finally:
        torch.set_num_threads(threads)
