"""Code twin of the tensors page: one script that redoes every step the page shows.

Each value the page displays is printed as `name = value`, so tests can run the
script and compare. The typed list is written back from its parsed numbers, never
from the learner's raw text.
"""

from components.i18n import translate
from lessons.tenseurs.core import CreateSpec, parse_tensor_literal
from lessons.tenseurs.manipulations import Steps, slice_text


def creation_line(spec: CreateSpec) -> str:
    dtype, device = f"torch.{spec.dtype}", repr(spec.device)
    shape = spec.shape
    numel = 1
    for side in shape:
        numel *= side
    common = f"dtype={dtype}, device={device}"
    if spec.constructor == "tensor":
        return f"t = torch.tensor({parse_tensor_literal(spec.literal)!r}, {common})"
    if spec.constructor in ("zeros", "ones"):
        return f"t = torch.{spec.constructor}({shape}, {common})"
    if spec.constructor == "full":
        return f"t = torch.full({shape}, {spec.fill_value!r}, {common})"
    if spec.constructor == "arange":
        return f"t = torch.arange({numel}, {common}).reshape{shape}"
    if spec.constructor == "linspace":
        return f"t = torch.linspace({spec.start!r}, {spec.end!r}, {numel}, {common}).reshape{shape}"
    if spec.constructor == "eye":
        return f"t = torch.eye({shape[0]}, {shape[1]}, {common})"
    return (
        f"generator = torch.Generator().manual_seed({spec.seed})\n"
        f"t = torch.{spec.constructor}({shape}, generator=generator, dtype={dtype}).to({device})"
    )


def lesson_script(spec: CreateSpec, steps: Steps, lang: str) -> str:
    def comment(key: str) -> str:
        return "# " + translate(f"tenseurs.twin.{key}", lang)

    grad_line = "t.requires_grad_(True)\n" if spec.requires_grad else ""
    elementwise, matmul, shape, reduction = steps.elementwise, steps.matmul, steps.shape, steps.reduction
    slices = slice_text(steps.indexing.slice_objects())
    reduce_arguments = "" if reduction.dim is None else f"dim={reduction.dim}, keepdim={reduction.keepdim}"
    values = ".values" if reduction.op == "max" and reduction.dim is not None else ""  # max(dim=): (values, indices)
    source = (
        "t"
        + (".transpose(0, 1)" if shape.start_transposed else "")
        + (".contiguous()" if shape.make_contiguous else "")
    )
    shape_argument = {
        "reshape": shape.target,
        "view": shape.target,
        "transpose": shape.dims[:2],
        "permute": shape.dims,
    }[shape.op]
    a_shape, b_shape = steps.broadcast.shape_a, steps.broadcast.shape_b
    bridge = steps.bridge
    return f'''"""{translate("tenseurs.twin.docstring", lang)}"""
import numpy as np
import torch


def attempt(name, operation):
    """{translate("tenseurs.twin.attempt", lang)}"""
    try:
        result = operation()
    except RuntimeError as error:
        print(name, "= RuntimeError:", str(error).splitlines()[0])
        return None
    print(name, "=", result.tolist())
    return result


{comment("create")}
{creation_line(spec)}
{grad_line}print("t.shape =", tuple(t.shape))
print("t.dtype =", t.dtype)
print("t.device =", t.device)
print("t.requires_grad =", t.requires_grad)
print("t.numel() =", t.numel())
print("t.element_size() * t.numel() =", t.element_size() * t.numel())
print("t.stride() =", t.stride())
print("t.is_contiguous() =", t.is_contiguous())
print("t =", t.tolist())

{comment("elementwise")}
attempt("t {elementwise.op} {elementwise.operand!r}", lambda: t {elementwise.op} {elementwise.operand!r})

{comment("matmul")}
a = torch.arange({matmul.m * matmul.k}, dtype=torch.float32).reshape({matmul.m}, {matmul.k})
b = torch.arange({matmul.k_b * matmul.n}, dtype=torch.float32)
b = b.reshape({matmul.k_b}, {matmul.n}){".T" if matmul.transpose_b else ""}
attempt("a @ b", lambda: a @ b)

{comment("broadcast")}
a = torch.arange({a_shape[0] * a_shape[1]}).reshape{a_shape}
b = torch.arange({b_shape[0] * b_shape[1]}).reshape{b_shape} * 10
attempt("a + b", lambda: a + b)

{comment("shape")}
s = {source}.detach()
print("s.stride() =", s.stride())
attempt("s.{shape.op}{shape_argument}", lambda: s.{shape.op}{shape_argument})

{comment("indexing")}
attempt("{slices}", lambda: {slices}.detach())

{comment("reduction")}
attempt("t.{reduction.op}({reduce_arguments})", lambda: t.detach().{reduction.op}({reduce_arguments}){values})

{comment("numpy")}
a = np.arange(6, dtype=np.float32).reshape(2, 3)
shared = torch.from_numpy(a)
copy = torch.tensor(a)
{bridge.written}[{bridge.row}, {bridge.col}] = {bridge.value!r}
print("a =", a.tolist())
print("shared =", shared.tolist())
print("copy =", copy.tolist())
'''
