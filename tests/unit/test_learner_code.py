"""The learner-code interpreter (components/learner_code.py): accepted programs give the
values real Python gives, every refusal has its key, and every limit holds before any
large allocation. Real Python runs the same programs in a subprocess (never in this
process, and never through the interpreter), with the same seed."""

import ast
import json
import math
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from torch import nn, optim

from components import learner_code, learner_limits, learner_run, learner_statements
from components.learner_code import (
    MAX_OUTPUT_CHARS,
    OUTPUT_CUT,
    LearnerCodeError,
    run_program,
    standard_names,
    torch_error_hint,
)

PRELUDE = """\
import torch
from torch import nn, optim
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
torch.manual_seed(0)
"""

# (name, source, names compared with Python's); what the programs print is compared too.
PROGRAMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "arithmetic",
        """\
a = 7 // 2
b = 7 % 3
c = 2 ** 10
d = -3.5 / 2
e = (1 + 2) * 3 - 4
f = 2 ** -1
""",
        ("a", "b", "c", "d", "e", "f"),
    ),
    (
        "comparisons",
        """\
a = 1 < 2 <= 2
b = not (3 == 4) and 5 or 6
c = 1 if a else 2
d = None is None
e = 3 != 3
""",
        ("a", "b", "c", "d", "e"),
    ),
    (
        "strings",
        """\
s = f"{3.14159:.2f}|{42:5d}|{'x'!r}|{7:<4}|"
t = 'ab' + 'cd'
u = 'ab' * 3
print(s, t, u)
""",
        ("s", "t", "u"),
    ),
    (
        "lists",
        """\
a = [1, 2, 3]
a.append(4)
b = a[1:3]
c = len(a)
d = a[-1]
e = list(range(5))
f = tuple(e)
g = sum(e)
h = min(e), max(e)
a[0] = 10
i = [0] * 3 + [1]
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i"),
    ),
    (
        "loops",
        """\
total = 0
for i in range(10):
    if i == 7:
        break
    if i % 2:
        continue
    total += i
last = i
""",
        ("total", "last"),
    ),
    (
        "enumerate and zip",
        """\
pairs = []
for i, (a, b) in enumerate(zip([1, 2, 3], [4, 5, 6])):
    pairs.append(i * a + b)
""",
        ("pairs",),
    ),
    (
        "function",
        """\
def fact(n, step=1):
    if n <= 1:
        return 1
    return n * fact(n - step, step=step)
a = fact(10)
b = fact(9, 2)
""",
        ("a", "b"),
    ),
    (
        "creation",
        """\
a = torch.zeros(2, 3)
b = torch.ones((2, 2), dtype=torch.float64)
c = torch.full((2,), 7.0)
d = torch.arange(0, 10, 2)
e = torch.linspace(0, 1, 5)
f = torch.eye(3)
g = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
h = torch.randn(3)
i = torch.rand(2)
j = torch.randint(0, 10, (4,))
k = torch.zeros_like(g)
l = torch.ones_like(g)
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
    ),
    (
        "tensor operations",
        """\
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b = a + a
c = a * 2 - 1
d = a @ a
e = a.T
f = a.sum(dim=0)
g = a.mean()
h = a.max()
i = a.argmax()
j = a.reshape(4)
k = a.view(-1)
l = a[0, 1]
m = a[:, 0]
n = a[None].shape
o = a[..., 1]
p = a / 2 + a ** 2
q = -a
r = a[a > 2]
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r"),
    ),
    (
        "in place",
        """\
x = torch.zeros(3)
x[0] = 5.0
x[1:] += 1
x.add_(1)
x.mul_(2)
y = x.clone()
y.zero_()
y.fill_(3)
""",
        ("x", "y"),
    ),
    (
        "autograd",
        """\
w = torch.tensor([1.0, 2.0], requires_grad=True)
y = (w ** 2).sum()
y.backward()
g = w.grad
name = y.grad_fn.name()
leaf = w.is_leaf
needs = y.requires_grad
print(y.grad_fn is None)
""",
        ("g", "name", "leaf", "needs"),
    ),
    (
        "no_grad step",
        """\
w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w * 3).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
w.grad = None
after = w.grad is None
with torch.enable_grad():
    z = w * 2
d = w.detach().requires_grad
""",
        ("w", "after", "z", "d"),
    ),
    (
        "linear",
        """\
lin = nn.Linear(3, 2)
out = lin(torch.ones(1, 3))
shape = lin.weight.shape
b = lin.bias
sizes = lin.in_features, lin.out_features
""",
        ("out", "shape", "b", "sizes"),
    ),
    (
        "training loop",
        """\
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.MSELoss()
x = torch.randn(40, 2)
y = x[:, :1] * 2 - x[:, 1:]
losses = []
for step in range(20):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(f'{losses[-1]:.4f}')
""",
        ("losses",),
    ),
    (
        "dataloader",
        """\
x = torch.arange(20.0).reshape(10, 2)
y = x.sum(dim=1)
loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True)
seen = []
for xb, yb in loader:
    seen.append(yb.tolist())
count = len(loader)
size = loader.batch_size
first = loader.dataset[0]
n = len(loader.dataset)
""",
        ("seen", "count", "size", "first", "n"),
    ),
    (
        "functional",
        """\
a = torch.tensor([[-1.0, 2.0, 0.5]])
b = F.relu(a)
c = F.softmax(a, dim=1)
d = F.mse_loss(a, b)
e = F.cross_entropy(a, torch.tensor([1]))
f = F.sigmoid(a)
g = F.l1_loss(a, b)
h = F.binary_cross_entropy_with_logits(a, torch.ones(1, 3))
i = F.log_softmax(a, dim=1)
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i"),
    ),
    (
        "adam",
        """\
w = torch.tensor([3.0, -2.0], requires_grad=True)
opt = optim.Adam([w], lr=0.1)
for i in range(5):
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    opt.step()
""",
        ("w", "loss"),
    ),
    (
        "joining and choosing",
        """\
a = torch.tensor([1.0, -2.0, 3.0])
b = torch.cat([a, a])
c = torch.stack([a, a], dim=1)
d = torch.where(a > 0, a, torch.zeros(3))
e = torch.clamp(a, min=-1, max=2)
f = torch.maximum(a, -a)
g = torch.allclose(a, a + 1e-9)
h = torch.isclose(a, a)
i = torch.sqrt(torch.abs(a))
j = torch.exp(a).log()
k = torch.square(a).sum().item()
l = torch.softmax(a, dim=0)
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"),
    ),
    (
        "dtypes and devices",
        """\
x = torch.ones(2)
a = x.dtype == torch.float32
b = x.to(torch.float64).dtype
c = str(x.device)
d = x.long().dtype
e = x.device.type
f = torch.tensor([1, 2]).dtype == torch.int64
g = x.double().dtype
h = x.bool().dtype
i = x.int().dtype
""",
        ("a", "b", "c", "d", "e", "f", "g", "h", "i"),
    ),
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


@pytest.fixture(scope="module")
def python_side(tmp_path_factory):
    return python_results(PROGRAMS, tmp_path_factory.mktemp("python_side"))


def run_seeded(source: str, provided: dict | None = None):
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return run_program(source, provided or {})
    finally:
        torch.set_num_threads(threads)


def test_the_programs_have_unique_names():
    assert len({name for name, _, _ in PROGRAMS}) == len(PROGRAMS) >= 30


@pytest.mark.parametrize(("name", "source", "wanted"), PROGRAMS, ids=[program[0] for program in PROGRAMS])
def test_an_accepted_program_gives_what_python_gives(python_side, name, source, wanted):
    outcome = run_seeded(source)
    assert outcome.error is None, f"{name}: {outcome.error!r}"
    expected = python_side[name]
    for key in wanted:
        assert_same(plain(outcome.names[key]), expected["names"][key], f"{name}: {key}")
    assert outcome.output == expected["output"]


# --- Refusals: every key reached -------------------------------------------------------

REFUSALS: tuple[tuple[str, str], ...] = (
    ("", "code.empty"),
    ("   \n\n", "code.empty"),
    ("x = 1\n" * 700, "code.too_long"),
    ("x = 1\n" * 81, "code.too_many_lines"),
    ("x = " + "(" * 41 + "1" + ")" * 41, "code.too_deep"),
    ("x = " + "+".join(["1"] * 60), "code.too_deep"),
    ("x = [" + "1, " * 1300 + "]", "code.too_big"),
    ("x = (", "code.syntax"),
    ("break", "code.syntax"),
    ("lambda: 1", "code.not_allowed"),
    ("x = [i for i in range(3)]", "code.not_allowed"),
    ("class A:\n    pass", "code.not_allowed"),
    ("x = 1 << 2", "code.not_allowed"),
    ("x = 1 in [1]", "code.not_allowed"),
    ("x = {}", "code.not_allowed"),
    ("while True:\n    pass", "code.while_refused"),
    ("import os", "code.import_refused"),
    ("from math import pi", "code.import_refused"),
    ("x = torch.__version__", "code.private_name"),
    ("_secret = 1", "code.private_name"),
    ("y = unknown + 1", "code.unknown_name"),
    ("torch.ones(2).storage()", "code.attribute_refused"),
    ("torch.set_default_dtype(torch.float64)", "code.attribute_refused"),
    ("torch.zeroes(2)", "code.attribute_typo"),
    ("torch.save(torch.ones(1), 'f')", "code.io_refused"),
    ("open('f')", "code.io_refused"),
    ("from torch import load", "code.io_refused"),
    ("x = 3\nx()", "code.not_callable"),
    ("torch.zeros(10**6, 10**6)", "code.tensor_too_large"),
    ("for i in range(10**9):\n    pass", "code.loop_too_long"),
    ("for i in range(20000):\n    for j in range(20000):\n        pass", "code.loop_too_long"),
    ("def f(n):\n    return f(n)\nf(1)", "code.recursion"),
    ("9**9**9", "code.number_too_large"),
    ("x = 10**17 * 100", "code.number_too_large"),
    ("x = [1] * 10**9", "code.list_too_long"),
    ("x = 1 / 0", "code.zero_division"),
    ("x = 5 % 0", "code.zero_division"),
    ("torch.ones(2, 3) @ torch.ones(2, 3)", "code.torch_error"),
    ("int('abc')", "code.python_error"),
    ("[1, 2][5]", "code.python_error"),
    ("def f(a):\n    return a\nf(1, 2)", "code.python_error"),
    ("a, b = [1, 2, 3]", "code.python_error"),
    ("x = torch.ones(2)\nx.shape = (1, 2)", "code.assignment_refused"),
    ("x = (1, 2)\nx[0] = 3", "code.assignment_refused"),
    ("for i in 5:\n    pass", "code.bad_loop"),
    ("for i in torch:\n    pass", "code.bad_loop"),
    ("return 1", "code.return_outside_function"),
    ("def f():\n    pass\ndef g():\n    pass", "code.one_function"),
    ("x = f'{1:{2}}'", "code.format_refused"),
    ("x = f'{1!a}'", "code.format_refused"),
    ("x = '%d' % 3", "code.format_refused"),
    ("x = torch[0]", "code.index_refused"),
    ("next(5)", "code.bad_loop"),
    ("it = iter([1])\nnext(it)\nnext(it)", "code.python_error"),
    ("DataLoader(TensorDataset(torch.ones(2)), batch_size=10**6)", "code.argument_refused"),
    ("DataLoader(TensorDataset(torch.ones(2)), num_workers=2)", "code.argument_refused"),
)


@pytest.mark.parametrize(("source", "key"), REFUSALS, ids=[key for _, key in REFUSALS])
def test_a_refused_program_ends_with_its_key(source, key):
    outcome = run_program(source, {})
    assert outcome.error is not None, source
    assert outcome.error.key == key, (source, outcome.error)


# --- The manual training step ---------------------------------------------------------

MANUAL_STEP = """\
loss = ((model(x) - y) ** 2).mean()
loss.backward()
with torch.no_grad():
    model.weight -= 0.1 * model.weight.grad
    model.bias -= 0.1 * model.bias.grad
"""


def test_an_in_place_parameter_update_steps_like_sgd_and_keeps_the_parameter():
    torch.manual_seed(0)
    model, x, y = nn.Linear(2, 1), torch.randn(8, 2), torch.randn(8, 1)
    twin = nn.Linear(2, 1)
    twin.load_state_dict(model.state_dict())
    optimizer = optim.SGD(twin.parameters(), lr=0.1)
    ((twin(x) - y) ** 2).mean().backward()
    optimizer.step()
    weight = model.weight
    outcome = run_program(MANUAL_STEP, {"model": model, "x": x, "y": y})
    assert outcome.error is None, outcome.error
    assert model.weight is weight
    torch.testing.assert_close(model.weight, twin.weight)
    torch.testing.assert_close(model.bias, twin.bias)


def test_an_in_place_parameter_update_outside_no_grad_fails_like_pytorch():
    source = "model = nn.Linear(2, 1)\nmodel.weight -= 0.1"
    outcome = run_program(source, {})
    assert outcome.error.key == "code.torch_error", outcome.error
    assert outcome.error.line == 2
    assert torch_error_hint(outcome.error.values["message"]) == "code.hint.leaf_inplace"


@pytest.mark.parametrize(
    "source",
    [
        "model = nn.Linear(2, 1)\nmodel.in_features += 1",  # not a tensor
        "x = torch.ones(2, requires_grad=True)\nx.sum().backward()\nx.grad -= 1",  # not a module's
        "a = [1]\na.append += 1",
    ],
)
def test_an_augmented_attribute_other_than_a_module_tensor_is_refused(source):
    outcome = run_program(source, {})
    assert outcome.error.key == "code.assignment_refused", outcome.error


def test_randperm_and_binary_cross_entropy_give_what_torch_gives():
    source = "torch.manual_seed(0)\norder = torch.randperm(6)\nloss = F.binary_cross_entropy(p, t)"
    p, t = torch.tensor([0.2, 0.9, 0.6]), torch.tensor([0.0, 1.0, 1.0])
    outcome = run_program(source, {"p": p, "t": t})
    assert outcome.error is None, outcome.error
    torch.manual_seed(0)
    assert torch.equal(outcome.names["order"], torch.randperm(6))
    torch.testing.assert_close(outcome.names["loss"], torch.nn.functional.binary_cross_entropy(p, t))


# --- Attributes: absent, refused, misspelt --------------------------------------------


def _python_message(owner: object, attribute: str) -> str:
    with pytest.raises(AttributeError) as raised:
        getattr(owner, attribute)
    return str(raised.value)


@pytest.mark.parametrize(
    ("source", "owner", "attribute"),
    [
        ("torch.ones(2).step()", torch.ones(2), "step"),
        ("torch.ones(2).reshap(2)", torch.ones(2), "reshap"),
        ("nn.Linear(2, 1).wieght", nn.Linear(2, 1), "wieght"),
        ("[].push(1)", [], "push"),
        ("optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1).stepp()", optim.SGD([torch.ones(1)], lr=0.1), "stepp"),
        ("torch.foo(2)", torch, "foo"),
        ("nn.Conv9d", nn, "Conv9d"),
    ],
)
def test_an_attribute_the_value_lacks_fails_as_in_python(source, owner, attribute):
    outcome = run_program(source, {})
    assert outcome.error.key == "code.python_error", outcome.error
    assert outcome.error.values == {"message": _python_message(owner, attribute), "exception": "AttributeError"}


@pytest.mark.parametrize(
    ("source", "attribute", "type_shown", "suggestion"),
    [
        ("torch.zeroes(2)", "zeroes", "torch", "zeros"),
        ("nn.Linr(2, 1)", "Linr", "torch.nn", "Linear"),
        ("F.relux(torch.ones(2))", "relux", "torch.nn.functional", "relu"),
        ("torch.ones(2).squeeze_()", "squeeze_", "Tensor", "squeeze"),
    ],
)
def test_a_misspelt_attribute_gets_the_close_allowed_one(source, attribute, type_shown, suggestion):
    outcome = run_program(source, {})
    assert outcome.error.key == "code.attribute_typo", outcome.error
    assert outcome.error.values == {"attribute": attribute, "type": type_shown, "suggestion": suggestion}


@pytest.mark.parametrize(
    "source",
    [
        "torch.ones(2).numpy()",  # numel is not close enough to suggest
        "torch.ones(2).imag",  # a property that would raise on a real tensor: looked up statically
        "nn.Linear(2, 1).forward",
        "print.target",  # our wrappers' slots are neither shown nor suggested
        "print.foo",
        "x = 3\nx.real",
    ],
)
def test_an_attribute_outside_the_allowlist_is_refused(source):
    outcome = run_program(source, {})
    assert outcome.error.key == "code.attribute_refused", outcome.error


def test_every_refusal_key_is_reached():
    reached = {key for _, key in REFUSALS}
    reached |= {"code.time_budget", "code.too_many_steps", "code.memory_budget"}  # their own tests below
    keys = set()
    for path in sorted(Path("components").glob("learner_*.py")):
        keys |= set(re.findall(r"[\"'](code\.[a-z_]+)[\"']", Path(path).read_text(encoding="utf-8")))
    assert len(keys) > 25
    assert keys <= reached, keys - reached


def test_a_busy_program_stops_at_the_time_budget():
    source = "a = torch.randn(300, 300)\nfor i in range(20000):\n    for j in range(10):\n        b = a @ a"
    learner_code.warm_up()  # torch's first-use costs are not the refusal's
    started = time.perf_counter()
    outcome = run_program(source, {})
    assert time.perf_counter() - started <= 2.5
    assert outcome.error.key == "code.time_budget"
    assert outcome.error.values == {"seconds": learner_code.TIME_BUDGET_SECONDS}


def test_the_step_counter_stops_a_program_without_loops(monkeypatch):
    monkeypatch.setattr(learner_statements, "MAX_STEPS", 50)
    source = "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + f(n - 1)\nf(10)"
    outcome = run_program(source, {}, time_budget=30)
    assert outcome.error.key == "code.too_many_steps"
    assert outcome.error.values == {"max": 50}


@pytest.mark.parametrize(
    "source",
    [
        "kept = []\nfor i in range(100):\n    kept.append(torch.zeros(1000, 1000))",
        "w = torch.ones(1000, 1000, requires_grad=True)\ny = w\nfor i in range(100):\n    y = y * w",
        "rows = []\nfor i in range(100):\n    rows.append(torch.zeros(1000, 1000).tolist())",
        "grid = []\nfor i in range(1000):\n    grid.append([0.0] * 10000)",
        # what autograd saves inside an operation is counted too: a Dropout mask, a log-softmax
        "w = torch.ones(1000, 1000, requires_grad=True)\nd = nn.Dropout(0.5)\ntotal = 0\n"
        "for i in range(100):\n    total = total + d(w).sum()",
        "w = torch.ones(1000, 1000, requires_grad=True)\nt = torch.zeros(1000, dtype=torch.long)\ntotal = 0\n"
        "for i in range(100):\n    total = total + F.cross_entropy(w, t)",
        "w = torch.ones(1000, 1000, requires_grad=True)\nt = torch.zeros(1000, dtype=torch.long)\ntotal = 0\n"
        "loss_fn = nn.CrossEntropyLoss()\nfor i in range(100):\n    total = total + loss_fn(w, t)",
    ],
)
def test_the_memory_budget_stops_a_program_that_keeps_what_it_makes(monkeypatch, source):
    monkeypatch.setattr(learner_run, "MAX_ALLOCATED_BYTES", 40 * 2**20)
    outcome = run_program(source, {})
    assert outcome.error.key == "code.memory_budget", outcome.error
    assert outcome.error.values == {"megabytes": 40}


def test_memory_is_given_back_when_a_tensor_dies(monkeypatch):
    monkeypatch.setattr(learner_run, "MAX_ALLOCATED_BYTES", 40 * 2**20)
    source = "a = torch.ones(1000, 1000)\nfor i in range(100):\n    b = a @ a\n    c = b.t()\n    d = b[0]"
    outcome = run_program(source, {}, time_budget=30)
    assert outcome.error is None, outcome.error


def test_the_memory_budget_lets_a_long_training_loop_run():
    source = textwrap.dedent(
        """\
        model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1))
        opt = optim.Adam(model.parameters())
        x = torch.randn(200, 2)
        y = x.sum(dim=1, keepdim=True)
        for step in range(1000):
            opt.zero_grad()
            loss = nn.MSELoss()(model(x), y)
            loss.backward()
            opt.step()
        """
    )
    outcome = run_program(source, {}, time_budget=30)
    assert outcome.error is None, outcome.error


# --- Limits are checked before allocating ---------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "torch.zeros(10**6, 10**6)",
        "torch.ones(size=(10**5, 10**5))",
        "torch.randn((10**4, 10**4))",
        "torch.arange(0.0, 1.0, 1e-9)",
        "a = torch.randn(10**5)\nb = a[:, None] * a[None, :]",
        "a = torch.randn(10**5)\nb = a[:, None] + a",
        "torch.randn(10**4, 100) @ torch.randn(100, 10**4)",
        "nn.Linear(10**4, 10**4)",
        "a = torch.randn(10**6)\ntorch.stack([a, a])",
        "a = torch.randn(10**3, 10**3)\na[torch.zeros(10**4, dtype=torch.long)]",
        "torch.randperm(10**9)",
    ],
)
def test_a_huge_tensor_is_refused_quickly(source):
    learner_code.warm_up()  # torch's first-use costs are not the refusal's
    started = time.perf_counter()
    outcome = run_program(source, {})
    assert outcome.error.key == "code.tensor_too_large", outcome.error
    assert outcome.error.values["max"] == learner_limits.MAX_ELEMENTS
    assert outcome.error.values["elements"] > learner_limits.MAX_ELEMENTS
    assert time.perf_counter() - started < 1.0


def test_the_largest_allowed_tensor_is_made():
    outcome = run_program("a = torch.zeros(1000, 1000)\nb = a + 1", {})
    assert outcome.error is None
    assert outcome.names["b"].shape == (1000, 1000)


# --- Errors: lines, messages, hints ----------------------------------------------------


def test_an_error_names_its_line():
    outcome = run_program("a = 1\nb = 2\nc = a / 0\nd = 4", {})
    assert outcome.error.line == 3
    assert outcome.names["b"] == 2 and "d" not in outcome.names


def test_an_error_inside_the_function_names_the_function_line():
    outcome = run_program("def f(x):\n    return x @ x\n\ny = f(torch.ones(2, 3))", {})
    assert outcome.error.key == "code.torch_error"
    assert outcome.error.line == 2


def test_a_refusal_at_check_time_names_its_line_and_runs_nothing():
    outcome = run_program("print('hi')\nfor i in range(3):\n    x = lambda: 1", {})
    assert outcome.error.key == "code.not_allowed"
    assert outcome.error.line == 3
    assert outcome.output == ""


def test_a_syntax_error_keeps_pythons_message_and_line():
    outcome = run_program("x = 1\ny = (2 +\n", {})
    assert outcome.error.key == "code.syntax"
    assert outcome.error.line == 2
    assert outcome.error.values["message"]


def test_a_torch_error_keeps_the_pytorch_message():
    outcome = run_program("torch.ones(2, 3) @ torch.ones(2, 3)", {})
    assert outcome.error.values["exception"] == "RuntimeError"
    assert "mat1 and mat2 shapes cannot be multiplied" in outcome.error.values["message"]
    assert len(outcome.error.values["message"]) <= learner_limits.MAX_MESSAGE + 1


HINTS = (
    ("torch.ones(2, 3) @ torch.ones(2, 3)", "code.hint.shape_mismatch"),
    ("torch.ones(2).sum().backward()", "code.hint.no_grad_required"),
    ("w = torch.ones(2, requires_grad=True)\n(w * 2).backward()", "code.hint.scalar_backward"),
    (
        "w = torch.ones(2, requires_grad=True)\ny = (w * w).sum()\ny.backward()\ny.backward()",
        "code.hint.backward_twice",
    ),
    ("w = torch.ones(2, requires_grad=True)\nw += 1", "code.hint.leaf_inplace"),
    ("torch.ones(6).view(4, 2)", "code.hint.view_size"),
    ("torch.ones(2, 2) + torch.ones(3, 3)", "code.hint.broadcast"),
    ("nn.Linear(2, 1)(torch.ones(1, 2, dtype=torch.float64))", "code.hint.dtype_mismatch"),
    ("w = torch.tensor([1, 2], requires_grad=True)", "code.hint.float_for_grad"),
    ("w = torch.ones(2, dtype=torch.long).requires_grad_()", "code.hint.float_for_grad"),
    ("nn.CrossEntropyLoss()(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0]))", "code.hint.target_long"),
    ("F.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2], dtype=torch.int32))", "code.hint.target_long"),
)


@pytest.mark.parametrize(("source", "hint"), HINTS, ids=[hint for _, hint in HINTS])
def test_a_torch_error_gets_its_hint(source, hint):
    outcome = run_program(source, {})
    assert outcome.error.key == "code.torch_error", outcome.error
    assert torch_error_hint(outcome.error.values["message"]) == hint


def test_a_device_message_gets_its_hint():
    message = "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
    assert torch_error_hint(message) == "code.hint.device_mismatch"


@pytest.mark.parametrize(
    "message",
    [
        "expected scalar type Long but found Float",
        "Expected target of dtype Long, but got Float",
        "expected target dtype to be Long or Byte, but got Float",
    ],
)
def test_a_long_target_message_gets_its_own_hint_rather_than_the_dtype_one(message):
    assert torch_error_hint(message) == "code.hint.target_long"


def test_an_unknown_message_has_no_hint():
    assert torch_error_hint("something else entirely") is None


# --- Output, names, provided values -----------------------------------------------------


def test_print_is_captured_and_cut():
    outcome = run_program("for i in range(5000):\n    print('ligne', i)", {})
    assert outcome.error is None
    assert outcome.output.startswith("ligne 0\nligne 1\n")
    assert outcome.output.endswith(OUTPUT_CUT)
    assert len(outcome.output) == MAX_OUTPUT_CHARS + len(OUTPUT_CUT)
    assert outcome.output_cut


def test_provided_names_are_used_and_win_over_standard_ones():
    x = torch.arange(4.0)
    outcome = run_program("y = x * 2\nz = len(range(3))", {"x": x, "len": standard_names()["len"]})
    assert torch.equal(outcome.names["y"], x * 2)
    assert outcome.names["z"] == 3


def test_a_provided_training_setup_trains():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 1))
    x = torch.linspace(-1, 1, 20).unsqueeze(1)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, 3 * x), batch_size=5)
    source = (
        "optimizer = optim.SGD(model.parameters(), lr=0.2)\nloss_fn = nn.MSELoss()\nfor epoch in range(30):\n"
        "    for xb, yb in loader:\n        optimizer.zero_grad()\n        loss = loss_fn(model(xb), yb)\n"
        "        loss.backward()\n        optimizer.step()"
    )
    outcome = run_program(source, {"model": model, "loader": loader})
    assert outcome.error is None
    assert outcome.names["loss"].item() < 1e-3
    assert outcome.seconds > 0


def test_a_bug_of_the_interpreter_propagates(monkeypatch):
    def broken(values):
        raise KeyError("interpreter bug")

    monkeypatch.setattr(learner_limits, "check_broadcast", broken)
    with pytest.raises(KeyError, match="interpreter bug"):
        run_program("a = torch.ones(2, 1) + torch.ones(1, 2)", {})


def test_a_learner_function_cannot_be_called_by_torch():
    outcome = run_program("def f():\n    return 1\nw = torch.ones(1, requires_grad=True)\noptim.SGD([w]).step(f)", {})
    assert outcome.error is not None
    assert outcome.error.key in ("code.torch_error", "code.python_error")


def test_the_error_type_is_the_documented_one():
    outcome = run_program("x = 1 / 0", {})
    assert isinstance(outcome.error, LearnerCodeError)
    assert (outcome.error.key, outcome.error.values, outcome.error.line) == ("code.zero_division", {}, 1)


def test_the_interpreter_never_uses_eval_exec_or_compile():
    """Read with ast: no call of eval, exec, compile or __import__, no runpy or code module."""
    forbidden_calls = {"eval", "exec", "compile", "__import__"}
    for path in sorted(Path("components").glob("learner_*.py")):
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                function = node.func
                name = function.id if isinstance(function, ast.Name) else None
                if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
                    name = function.attr if function.value.id == "builtins" else None
                assert name not in forbidden_calls, (path, node.lineno)
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [alias.name for alias in node.names] + [getattr(node, "module", None) or ""]
                assert not {"runpy", "code", "codeop"} & set(modules), (path, node.lineno)


def test_the_interpreter_does_not_import_streamlit():
    script = "import sys, components.learner_code; print('streamlit' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert completed.stdout.strip() == "False"


def test_torch_first_use_costs_are_paid_before_the_budget_and_not_at_import():
    """The first optimizer of a process imports torch._dynamo (seconds): run_program warms
    torch up before its deadline is set, and importing the interpreter does not."""
    script = textwrap.dedent(
        """\
        import sys
        from components.learner_code import run_program
        print("torch._dynamo" in sys.modules)
        outcome = run_program("optimizer = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)", {})
        print(outcome.error, outcome.seconds < 1.0)
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert completed.stdout.split() == ["False", "None", "True"]
