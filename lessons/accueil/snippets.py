"""Code twin of the home page: the script that reproduces the two-pillars demo."""

from components.i18n import translate
from lessons.accueil.core import DEMO_FUNCTIONS, PillarsSpec


def pillars_script(spec: PillarsSpec, lang: str) -> str:
    def comment(key: str) -> str:
        return translate(f"home.twin.{key}", lang)

    return f'''"""{comment("docstring")}"""
import torch

# {comment("tensor")}
x = torch.tensor({spec.x!r}, requires_grad=True)
# {comment("forward")}
y = {DEMO_FUNCTIONS[spec.function_id].source}
# {comment("backward")}
y.backward()

print("y =", y.item())
print("x.grad =", x.grad.item())
print("y.grad_fn =", y.grad_fn.name())
'''
