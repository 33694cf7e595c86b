"""Code twin of the autograd page: the script that redoes its computations.

The function is written back from the parsed tree (components.expressions.to_source),
never from the learner's raw text.
"""

from components.expressions import parse_expression, to_source
from components.i18n import translate
from lessons.autograd.core import OneVariableSpec, TwoVariableSpec


def autograd_script(function: OneVariableSpec, function_2d: TwoVariableSpec, lang: str) -> str:
    def comment(key: str) -> str:
        return "# " + translate(f"autograd.twin.{key}", lang)

    f = to_source(parse_expression(function.text))
    g = to_source(parse_expression(function_2d.text, ("x", "y")))
    return f'''"""{translate("autograd.twin.docstring", lang)}"""
import torch

{comment("function")}
def f(x):
    return {f}


x = torch.tensor({function.x!r}, dtype=torch.float64, requires_grad=True)
y = f(x)
y.backward()
print("f(x) =", y.item())
print("x.grad =", x.grad.item())

{comment("finite_difference")}
h = 1e-5
with torch.no_grad():
    print("(f(x + h) - f(x - h)) / 2h =", ((f(x + h) - f(x - h)) / (2 * h)).item())

{comment("graph")}
print("y.grad_fn =", y.grad_fn.name())
print("y.grad_fn.next_functions =", [node.name() for node, _ in y.grad_fn.next_functions if node is not None])

{comment("accumulate")}
y = f(x)
y.backward()
print("x.grad (2 backward) =", x.grad.item())
x.grad.zero_()

{comment("two_variables")}
def g(x, y):
    return {g}


a = torch.tensor({function_2d.x!r}, dtype=torch.float64, requires_grad=True)
b = torch.tensor({function_2d.y!r}, dtype=torch.float64, requires_grad=True)
z = g(a, b)
z.backward()
print("df/dx =", 0.0 if a.grad is None else a.grad.item())
print("df/dy =", 0.0 if b.grad is None else b.grad.item())
'''
