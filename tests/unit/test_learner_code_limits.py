"""The learner-code interpreter's limits: time budget, step counter, memory budget, tensor
sizes checked before any large allocation, torch's first-use costs paid before the budget;
torch errors keep their message and get their hint."""

import subprocess
import sys
import textwrap
import time

import pytest

from components import learner_code, learner_limits, learner_run, learner_statements
from components.learner_code import run_program, torch_error_hint


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


# --- Errors: messages, hints ----------------------------------------------------------


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
