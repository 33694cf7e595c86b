"""Code twin of the loss page: the script that rebuilds the data and recomputes each loss.

The data comes from the source of the page's own builder (components.regression), the
custom loss from the source of the page's own function.
"""

from components.i18n import translate
from components.regression import DataSettings, points_call, regression_points
from components.twin_sources import function_source
from lessons.fonction_de_cout import core


def loss_script(
    settings: DataSettings,
    w: float,
    b: float,
    delta: float,
    logits: tuple[float, ...],
    true_class: int,
    custom: str,
    lang: str,
) -> str:
    def comment(key: str) -> str:
        return "# " + translate(f"fonction_de_cout.twin.{key}", lang)

    return f'''"""{translate("fonction_de_cout.twin.docstring", lang)}"""
import math

import torch
from torch import nn

{comment("data")}
{function_source(regression_points)}

x, y, outlier = {points_call(settings)}

{comment("model")}
w, b = {w!r}, {b!r}
prediction = w * x + b
print("nn.MSELoss =", nn.MSELoss()(prediction, y).item())
print("nn.L1Loss =", nn.L1Loss()(prediction, y).item())
print("nn.HuberLoss =", nn.HuberLoss(delta={delta!r})(prediction, y).item())
print("nn.SmoothL1Loss =", nn.SmoothL1Loss(beta={delta!r})(prediction, y).item())

{comment("reduction")}
print("sum =", nn.MSELoss(reduction="sum")(prediction, y).item())
print("by hand =", ((prediction - y) ** 2).mean().item())

{comment("best")}
design = torch.stack([x, torch.ones_like(x)], dim=1)
best = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
print("best w =", best[0].item())
print("best b =", best[1].item())

{comment("classification")}
logits = torch.tensor([{list(logits)!r}])
print("softmax =", torch.softmax(logits, dim=1)[0].tolist())
print("nn.CrossEntropyLoss =", nn.CrossEntropyLoss()(logits, torch.tensor([{true_class}])).item())

{comment("custom")}
{core.custom_loss_source(custom)}

parameters = torch.tensor([w, b], dtype=torch.float64, requires_grad=True)
loss = {custom}_loss(parameters[0] * x + parameters[1], y)
loss.backward()
print("{custom} =", loss.item())
print("dL/dw =", parameters.grad[0].item())
print("dL/db =", parameters.grad[1].item())
'''
