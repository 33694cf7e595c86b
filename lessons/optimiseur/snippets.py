"""Code twin of the optimizer page: the surface, the optimizers, the loop, step by step.

The surface is the source of the very formula the page uses, each optimizer and
scheduler line is written from the table that builds the page's (components.optimizers).
"""

from components.i18n import translate
from components.optimizers import optimizer_line, scheduler_line
from components.regression import points_call, regression_points
from components.twin_sources import function_source
from lessons.optimiseur import core


def surface_lines(name: str, condition: float) -> tuple[str, str]:
    """(the definitions the script needs, the call that computes the loss at p)."""
    chosen = core.surface(name, condition)
    formula = function_source(chosen.formula)
    if name == core.REGRESSION:  # the data first: the loss lesson's points
        data = f"{function_source(regression_points)}\n\ndata_x, data_y, _ = {points_call(core.REGRESSION_SETTINGS)}\n"
        return f"{data}\n\n{formula}", f"{chosen.formula.__name__}(p, data_x, data_y)"
    inputs = "".join(f", {value!r}" for value in chosen.inputs)
    return formula, f"{chosen.formula.__name__}(p{inputs})"


def optimizer_script(experiment: core.Experiment, lang: str) -> str:
    def comment(key: str, **values: object) -> str:
        return "# " + translate(f"optimiseur.twin.{key}", lang, **values)

    chosen = core.surface(experiment.surface, experiment.condition)
    definitions, loss_call = surface_lines(experiment.surface, experiment.condition)
    steps = min(experiment.steps, core.MAX_STEPS)
    runs = "\n".join(
        f"run({spec.label!r}, lambda p: {optimizer_line(spec, '[p]')}, lambda optimizer: {scheduler_line(spec, steps)})"
        for spec in experiment.specs
    )
    return f'''"""{translate("optimiseur.twin.docstring", lang)}"""
import math

import torch

{comment("surface", name=experiment.surface)}
{definitions}

def run(label, make_optimizer, make_scheduler):
    p = torch.tensor({tuple(experiment.start)!r}, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(p)
    scheduler = make_scheduler(optimizer)
    for step in range(1, {steps} + 1):
        # {translate("optimiseur.twin.loop", lang)}
        optimizer.zero_grad()
        loss = {loss_call}
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
