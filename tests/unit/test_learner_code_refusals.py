"""The learner-code interpreter refuses: every refusal key is reached, private names, I/O,
attributes outside the allowlist and misspelt ones, augmented assignments other than a
module tensor's; and it never evaluates text nor imports streamlit."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn, optim

from components.learner_code import run_program, torch_error_hint

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
    reached |= {"code.time_budget", "code.too_many_steps", "code.memory_budget"}  # tested in ..._limits.py
    keys = set()
    for path in sorted(Path("components").glob("learner_*.py")):
        keys |= set(re.findall(r"[\"'](code\.[a-z_]+)[\"']", Path(path).read_text(encoding="utf-8")))
    assert len(keys) > 25
    assert keys <= reached, keys - reached


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
