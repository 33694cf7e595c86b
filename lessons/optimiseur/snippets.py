"""Code twin of the optimizer page: the surface, the optimizers, the loop, step by step.

The surface functions are written out again as text; the twin test runs this script
and compares every printed point with core.trajectories, so the two cannot drift.
"""

from components.i18n import translate
from lessons.optimiseur import core

SURFACE_SOURCES = {
    "regression": (
        "generator = torch.Generator().manual_seed(0)\n"
        "data_x = torch.linspace(-2.0, 2.0, 12, dtype=torch.float64)\n"
        "data_y = 2.0 * data_x + 1.0 + 0.5 * torch.randn(12, generator=generator, dtype=torch.float64)\n\n\n"
        "def f(p):\n"
        "    return ((p[0] * data_x + p[1] - data_y) ** 2).mean()\n"
    ),
    "bowl": "def f(p):\n    return 0.5 * (p[0] ** 2 + {condition!r} * p[1] ** 2)\n",
    "rosenbrock": "def f(p):\n    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2\n",
    "himmelblau": "def f(p):\n    return (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2\n",
    "beale": (
        "def f(p):\n    x, y = p[0], p[1]\n"
        "    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2\n"
    ),
    "saddle": "def f(p):\n    return p[0] ** 2 - p[1] ** 2\n",
    "wells": "def f(p):\n    return (p[0] ** 2 - 1) ** 2 + (p[1] ** 2 - 1) ** 2 + 0.25 * p[0] + 0.1 * p[1]\n",
}


def optimizer_line(spec: core.OptimizerSpec) -> str:
    decay = f", weight_decay={spec.weight_decay!r}" if spec.weight_decay else ""
    if spec.kind == "sgd":
        return f"torch.optim.SGD([p], lr={spec.lr!r}{decay})"
    if spec.kind in ("momentum", "nesterov"):
        nesterov = ", nesterov=True" if spec.kind == "nesterov" else ""
        return f"torch.optim.SGD([p], lr={spec.lr!r}, momentum={spec.momentum!r}{nesterov}{decay})"
    if spec.kind == "adagrad":
        return f"torch.optim.Adagrad([p], lr={spec.lr!r}{decay})"
    if spec.kind == "rmsprop":
        return f"torch.optim.RMSprop([p], lr={spec.lr!r}{decay})"
    name = "Adam" if spec.kind == "adam" else "AdamW"
    betas = f"({spec.beta1!r}, {spec.beta2!r})"
    return f"torch.optim.{name}([p], lr={spec.lr!r}, betas={betas}, weight_decay={spec.weight_decay!r})"


def scheduler_line(spec: core.OptimizerSpec, steps: int) -> str:
    if spec.scheduler == "step":
        return f"torch.optim.lr_scheduler.StepLR(optimizer, step_size={max(steps // 4, 1)}, gamma=0.5)"
    if spec.scheduler == "exponential":
        return "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.99)"
    if spec.scheduler == "cosine":
        return f"torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={steps})"
    return "None"


def optimizer_script(
    name: str,
    condition: float,
    specs: tuple[core.OptimizerSpec, ...],
    start: tuple[float, float],
    steps: int,
    lang: str,
) -> str:
    def comment(key: str, **values: object) -> str:
        return "# " + translate(f"optimiseur.twin.{key}", lang, **values)

    chosen = core.surface(name, condition)
    runs = "\n".join(
        f"run({spec.label!r}, lambda p: {optimizer_line(spec)}, lambda optimizer: {scheduler_line(spec, steps)})"
        for spec in specs
    )
    return f'''"""{translate("optimiseur.twin.docstring", lang)}"""
import math

import torch

{comment("surface", name=name)}
{SURFACE_SOURCES[name].format(condition=condition)}

def run(label, make_optimizer, make_scheduler):
    p = torch.tensor({tuple(start)!r}, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(p)
    scheduler = make_scheduler(optimizer)
    for step in range(1, {min(steps, core.MAX_STEPS)} + 1):
        # {translate("optimiseur.twin.loop", lang)}
        optimizer.zero_grad()
        loss = f(p)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        x, y = p.detach().tolist()
        if not (math.isfinite(x) and math.isfinite(y)):
            print(label, "stop =", step)
            return
        print(label, "step", step, "=", [x, y])
        inside_x = {chosen.x_range[0]!r} <= x <= {chosen.x_range[1]!r}
        if not (inside_x and {chosen.y_range[0]!r} <= y <= {chosen.y_range[1]!r}):
            print(label, "stop =", step)
            return


{runs}
'''
