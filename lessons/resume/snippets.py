"""The chapter's recap: the key code of each objective, as short runnable scripts.

The comments come from the catalogues; tests run every script in a subprocess.
"""

from components.i18n import translate

OBJECTIVE_IDS = ("tenseurs", "autograd", "fonction_de_cout", "optimiseur", "boucle_entrainement")
# A script too long for one slide, and the comment (a key of `resume.code`) that opens
# its second slide in presentation mode; the page shows it whole otherwise.
SLIDE_BREAKS = {"boucle_entrainement": "boucle_entrainement.loop"}


def _comment(key: str, lang: str) -> str:  # key: "<objective>.<name>"
    return "# " + translate(f"resume.code.{key}", lang)


def key_code_slides(objective: str, lang: str) -> list[str]:
    """The key script in the parts its slides show: one part, or two cut before the
    comment `SLIDE_BREAKS` names. Put back together, the parts are the whole script."""
    script = key_code(objective, lang)
    if objective not in SLIDE_BREAKS:
        return [script]
    first, cut, rest = script.partition(f"\n{_comment(SLIDE_BREAKS[objective], lang)}\n")
    return [first + "\n", cut[1:] + rest]


def key_code(objective: str, lang: str) -> str:
    def comment(key: str) -> str:
        return _comment(key, lang)

    scripts = {
        "tenseurs": f"""import torch

{comment("tenseurs.create")}
t = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print("t.shape =", tuple(t.shape), "| t.dtype =", t.dtype, "| t.device =", t.device)
{comment("tenseurs.transform")}
print("t.T @ t =", (t.T @ t).tolist())
print("t.reshape(3, 2) =", t.reshape(3, 2).tolist())
print("t.sum(dim=0) =", t.sum(dim=0).tolist())
{comment("tenseurs.device")}
device = "cuda" if torch.cuda.is_available() else "cpu"
print("t.to(device).device =", t.to(device).device)
""",
        "autograd": f"""import torch

{comment("autograd.leaf")}
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2 + 3 * x
{comment("autograd.backward")}
y.backward()
print("x.grad =", x.grad.item())  # 2x + 3 = 7
print("y.grad_fn =", y.grad_fn.name())
""",
        "fonction_de_cout": f"""import torch
from torch import nn

{comment("fonction_de_cout.regression")}
prediction = torch.tensor([2.5, 0.0, 2.0])
target = torch.tensor([3.0, -0.5, 2.0])
print("nn.MSELoss =", nn.MSELoss()(prediction, target).item())
{comment("fonction_de_cout.classification")}
logits = torch.tensor([[2.0, 0.5, -1.0]])
print("nn.CrossEntropyLoss =", nn.CrossEntropyLoss()(logits, torch.tensor([0])).item())
""",
        "optimiseur": f"""import torch

{comment("optimiseur.parameter")}
p = torch.tensor([0.0], requires_grad=True)
optimizer = torch.optim.SGD([p], lr=0.1)
for step in range(50):
    {comment("optimiseur.ritual")}
    optimizer.zero_grad()
    loss = ((p - 3) ** 2).sum()
    loss.backward()
    optimizer.step()
print("p =", p.item())  # close to 3
""",
        "boucle_entrainement": f"""import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

{comment("boucle_entrainement.data")}
generator = torch.Generator().manual_seed(0)
x = torch.rand(100, 1, generator=generator) * 4 - 2
y = 2 * x + 1 + 0.1 * torch.randn(100, 1, generator=generator)
loader = DataLoader(TensorDataset(x[:80], y[:80]), batch_size=16, shuffle=True, generator=generator)
model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
{comment("boucle_entrainement.loop")}
for epoch in range(30):
    model.train()
    for batch_x, batch_y in loader:
        optimizer.zero_grad()
        loss = criterion(model(batch_x), batch_y)
        loss.backward()
        optimizer.step()
{comment("boucle_entrainement.validate")}
model.eval()
with torch.no_grad():
    print("validation =", criterion(model(x[80:]), y[80:]).item())
print("w =", model.weight.item(), "| b =", model.bias.item())
""",
    }
    return scripts[objective]
