"""Code twin of the training-loop page: the complete training script for the settings.

The bug-lab switches that are on appear in the script as the mistakes they are.
"""

from components.i18n import translate
from lessons.boucle_entrainement import core
from lessons.optimiseur.snippets import optimizer_line


def data_lines(kind: str, n: int, noise: float, seed: int) -> str:
    if kind == "moons":
        body = (
            f"half = {n} // 2\n"
            f"angles = torch.rand({n}, generator=generator) * math.pi\n"
            "upper = torch.stack([torch.cos(angles[:half]), torch.sin(angles[:half])], dim=1)\n"
            "lower = torch.stack([1 - torch.cos(angles[half:]), 0.5 - torch.sin(angles[half:])], dim=1)\n"
            f"x = torch.cat([upper, lower]) + {noise!r} * torch.randn({n}, 2, generator=generator)\n"
            f"y = torch.cat([torch.zeros(half, dtype=torch.long), torch.ones({n} - half, dtype=torch.long)])\n"
        )
    else:
        clean = f"{core.TRUE_W} * x + {core.TRUE_B}" if kind == "line" else "torch.sin(2 * x) * 2"
        body = (
            f"x = torch.rand({n}, 1, generator=generator) * 4 - 2\n"
            f"y = {clean} + {noise!r} * torch.randn({n}, 1, generator=generator)\n"
        )
    return (
        f"generator = torch.Generator().manual_seed({seed})\n{body}"
        f"order = torch.randperm({n}, generator=generator)\n"
        f"train, val = order[:{int(0.8 * n)}], order[{int(0.8 * n)}:]\n"
        "x_train, y_train, x_val, y_val = x[train], y[train], x[val], y[val]\n"
    )


def model_lines(spec: core.ModelSpec, classification: bool) -> str:
    inputs, outputs = (2, 2) if classification else (1, 1)
    if spec.kind == "linear":
        return f"model = nn.Linear({inputs}, {outputs})"
    layers, size = [], inputs
    for _ in range(spec.hidden_layers):
        layers += [f"nn.Linear({size}, {spec.width})", f"nn.{core.ACTIVATIONS[spec.activation].__name__}()"]
        if spec.dropout:
            layers.append(f"nn.Dropout({spec.dropout!r})")
        size = spec.width
    layers.append(f"nn.Linear({size}, {outputs})")
    return "model = nn.Sequential(\n" + "".join(f"    {layer},\n" for layer in layers) + ")"


def training_script(
    kind: str, n: int, noise: float, seed: int, model_spec: core.ModelSpec, spec: core.TrainSpec, device: str, lang: str
) -> str:
    def comment(key: str) -> str:
        return "# " + translate(f"boucle.twin.{key}", lang)

    def mistake(bug: str) -> str:
        return "  # " + translate("boucle.twin.mistake", lang) if bug in spec.bugs else ""

    classification = kind == "moons"
    criterion = "nn.CrossEntropyLoss()" if classification else f"nn.{core.REGRESSION_LOSSES[spec.loss].__name__}()"
    lr = spec.optimizer.lr * (100 if "huge_lr" in spec.bugs else 1)
    optimizer = optimizer_line(type(spec.optimizer)(**{**spec.optimizer.__dict__, "lr": lr})).replace(
        "[p]", "model.parameters()"
    )
    bugs = spec.bugs
    train_mode = (
        f"    # model.train(){mistake('no_train_eval')}\n" if "no_train_eval" in bugs else "    model.train()\n"
    )
    eval_mode = f"    # model.eval(){mistake('no_train_eval')}\n" if "no_train_eval" in bugs else "    model.eval()\n"
    zero_before = "        optimizer.zero_grad()\n"
    if "no_zero_grad" in bugs:
        zero_before = f"        # optimizer.zero_grad(){mistake('no_zero_grad')}\n"
    elif "zero_grad_after_backward" in bugs:
        zero_before = ""
    zero_after = (
        f"        optimizer.zero_grad(){mistake('zero_grad_after_backward')}\n"
        if "zero_grad_after_backward" in bugs
        else ""
    )
    sort = (
        "order = torch.argsort(y_train.reshape(len(y_train), -1)[:, 0].float(), stable=True)"
        f"{mistake('no_shuffle_sorted')}\n"
        "x_train, y_train = x_train[order], y_train[order]\n"
        if "no_shuffle_sorted" in bugs
        else ""
    )
    shuffle = spec.shuffle and "no_shuffle_sorted" not in bugs
    if "no_no_grad" in bugs:
        validation = f"    output = model(x_val){mistake('no_no_grad')}\n    val_loss = criterion(output, y_val)\n"
    else:
        validation = (
            "    with torch.no_grad():\n        output = model(x_val)\n        val_loss = criterion(output, y_val)\n"
        )
    accuracy = (
        '    print(epoch, "accuracy =", (output.argmax(dim=1) == y_val).float().mean().item())\n'
        if classification
        else ""
    )
    global_seed = f"torch.manual_seed({seed})  # nn.Dropout: torch's global generator\n" if model_spec.dropout else ""
    return f'''"""{translate("boucle.twin.docstring", lang)}"""
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = {device!r}

{comment("data")}
{data_lines(kind, n, noise, seed)}{sort}
{comment("model")}
{model_lines(model_spec, classification)}
generator = torch.Generator().manual_seed({seed})
for layer in model.modules():  # nn.Linear's own initialisation, from a seeded generator
    if isinstance(layer, nn.Linear):
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
        bound = 1 / math.sqrt(layer.in_features)
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
model = model.to(device)
print(model)
{global_seed}
{comment("loop")}
criterion = {criterion}
optimizer = {optimizer}{mistake("huge_lr")}
loader = DataLoader(
    TensorDataset(x_train, y_train), batch_size={spec.batch_size}, shuffle={shuffle},
    generator=torch.Generator().manual_seed({seed}),
)
x_val, y_val = x_val.to(device), y_val.to(device)
for epoch in range(1, {min(spec.epochs, core.MAX_EPOCHS)} + 1):
{train_mode}    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
{zero_before}        loss = criterion(model(x), y)
        loss.backward()
{zero_after}        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
{eval_mode}{validation}    print(epoch, "train =", total / count)
    print(epoch, "val =", val_loss.item())
{accuracy}    if not (math.isfinite(total / count) and math.isfinite(val_loss.item())):
        break
'''
