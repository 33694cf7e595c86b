"""Code twin of the training-loop page: the complete training script for the settings.

Written from what the page runs: the data functions' and the initialisation's own
sources, the model's layers read from the built model, the optimizer line from the
table that builds it (components.optimizers), and the loop as `mistakes.Loop` describes it,
so the bug-lab switches that are on appear as the mistakes they are.
"""

from torch import nn

from components.i18n import translate
from components.optimizers import optimizer_line
from components.twin_sources import function_source
from lessons.boucle_entrainement import core, mistakes


def data_lines(data: core.DataSpec, loop: mistakes.Loop, mistake: str) -> str:
    """The data functions, then the calls that build the training and validation sets."""
    make_points = core.POINTS[data.kind]
    sorting = ""
    if loop.sorted_unshuffled:
        call = f"x_train, y_train = sorted_by_target(x_train, y_train){mistake}"
        sorting = f"\n\n{function_source(core.sorted_by_target)}\n\n{call}\n"
    return (
        f"{function_source(make_points)}\n\n{function_source(core.split_train_val)}\n\n"
        f"generator = torch.Generator().manual_seed({data.seed})\n"
        f"x, y = {make_points.__name__}({data.n}, {data.noise!r}, generator)\n"
        f"x_train, y_train, x_val, y_val = split_train_val(x, y, generator)\n{sorting}"
    )


def layer_code(layer: nn.Module) -> str:
    if isinstance(layer, nn.Linear):
        return f"nn.Linear({layer.in_features}, {layer.out_features})"
    if isinstance(layer, nn.Dropout):
        return f"nn.Dropout({layer.p!r})"
    return f"nn.{type(layer).__name__}()"


def model_lines(model: nn.Module) -> str:
    """The code that builds `model`, read from its layers."""
    if not isinstance(model, nn.Sequential):
        return f"model = {layer_code(model)}"
    return "model = nn.Sequential(\n" + "".join(f"    {layer_code(layer)},\n" for layer in model) + ")"


def zero_grad_lines(loop: mistakes.Loop, mistake: str) -> tuple[str, str]:
    """optimizer.zero_grad() as the loop has it: (before the forward pass, after backward())."""
    if loop.zero_grad is mistakes.ZeroGrad.AFTER_BACKWARD:
        return "", f"        optimizer.zero_grad(){mistake}\n"
    if loop.zero_grad is mistakes.ZeroGrad.NEVER:
        return f"        # optimizer.zero_grad(){mistake}\n", ""
    return "        optimizer.zero_grad()\n", ""


def validation_lines(loop: mistakes.Loop, mistake: str) -> str:
    if loop.validates_without_graph:
        return "    with torch.no_grad():\n        output = model(x_val)\n        val_loss = criterion(output, y_val)\n"
    return f"    output = model(x_val){mistake}\n    val_loss = criterion(output, y_val)\n"


def training_script(setup: core.Setup, lang: str) -> str:
    def comment(key: str) -> str:
        return "# " + translate(f"boucle.twin.{key}", lang)

    def mistake_if(changed: bool) -> str:
        return "  # " + translate("boucle.twin.mistake", lang) if changed else ""

    spec, loop, correct = setup.train, setup.train.loop, mistakes.CORRECT_LOOP
    classification = setup.data.kind == core.CLASSIFICATION
    model = core.make_model(setup.model, classification, spec.seed)
    criterion = type(core.loss_function(spec, classification)).__name__
    modes = mistake_if(loop.switches_modes != correct.switches_modes)
    switch = "" if loop.switches_modes else "# "  # the forgotten calls stay, commented out
    zero_before, zero_after = zero_grad_lines(loop, mistake_if(loop.zero_grad != correct.zero_grad))
    validation = validation_lines(loop, mistake_if(loop.validates_without_graph != correct.validates_without_graph))
    accuracy = (
        '    print(epoch, "accuracy =", (output.argmax(dim=1) == y_val).float().mean().item())\n'
        if classification
        else ""
    )
    global_seed = f"torch.manual_seed({spec.seed})  {comment('dropout_seed')}\n" if setup.model.dropout else ""
    data = data_lines(setup.data, loop, mistake_if(loop.sorted_unshuffled != correct.sorted_unshuffled))
    return f'''"""{translate("boucle.twin.docstring", lang)}"""
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = {setup.device!r}

{comment("data")}
{data}
{comment("model")}
{model_lines(model)}


{function_source(core.initialise)}

initialise(model, torch.Generator().manual_seed({spec.seed}))
model = model.to(device)
print(model)
{global_seed}
{comment("loop")}
criterion = nn.{criterion}()
optimizer = {optimizer_line(spec.used_optimizer, "model.parameters()")}{mistake_if(loop.lr_factor != correct.lr_factor)}
loader = DataLoader(
    TensorDataset(x_train, y_train), batch_size={spec.batch_size}, shuffle={spec.shuffled},
    generator=torch.Generator().manual_seed({spec.seed}),
)
x_val, y_val = x_val.to(device), y_val.to(device)
for epoch in range(1, {min(spec.epochs, core.MAX_EPOCHS)} + 1):
    {switch}model.train(){modes}
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
{zero_before}        loss = criterion(model(x), y)
        loss.backward()
{zero_after}        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    {switch}model.eval(){modes}
{validation}    print(epoch, "train =", total / count)
    print(epoch, "val =", val_loss.item())
{accuracy}    if not (math.isfinite(total / count) and math.isfinite(val_loss.item())):
        break
'''
