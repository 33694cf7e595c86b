"""The learner-code interpreter (components/learner_code.py): accepted programs give the
values real Python gives, errors name their line, print is captured and provided names are
used. Real Python runs the same programs in a subprocess (never in this process, and never
through the interpreter), with the same seed: see tests/learner_code_helpers.py."""

import pytest
import torch
from torch import nn

from components.learner_code import (
    MAX_OUTPUT_CHARS,
    OUTPUT_CUT,
    LearnerCodeError,
    run_program,
    standard_names,
)
from tests.learner_code_helpers import MORE_PROGRAMS, assert_same, plain, python_results, run_seeded

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
    *MORE_PROGRAMS,
)


@pytest.fixture(scope="module")
def python_side(tmp_path_factory):
    return python_results(PROGRAMS, tmp_path_factory.mktemp("python_side"))


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


# --- Errors: lines --------------------------------------------------------------------


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


def test_the_error_type_is_the_documented_one():
    outcome = run_program("x = 1 / 0", {})
    assert isinstance(outcome.error, LearnerCodeError)
    assert (outcome.error.key, outcome.error.values, outcome.error.line) == ("code.zero_division", {}, 1)
