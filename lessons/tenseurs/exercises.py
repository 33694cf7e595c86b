"""Exercises of the tensors page: create a tensor on a device, reshape and slice it,
multiply two matrices whose shapes and types first have to be made to agree.

The names and data are the page's: `torch.zeros(shape, dtype=..., device=...)`,
`torch.arange(...).reshape(...)`, `view`, `t[début:fin]`, `a @ b`, `b.T`, `.to(device)`.
"""

from collections.abc import Mapping

import torch

from components.exercise import (
    Exercise,
    Feedback,
    WrongSolution,
    compare_tensor,
    mentions,
    reference_names,
    register,
)

DEVICE_SETUP = 'import torch\n\ndevice = "cuda" if torch.cuda.is_available() else "cpu"\n'


def _device_checked(found: list[Feedback], program: str, no_device_key: str) -> list[Feedback]:
    """On a machine without a GPU, a tensor left on the CPU is where `device` says; the
    program's text still shows whether it would follow `device` on a machine with one."""
    if found and found[0].key != "exercise.wrong_device":
        return found
    if not mentions(program, r"\bdevice\s*=|\.to\(|\.cuda\("):
        return [Feedback(no_device_key)]
    return found


# --- 1. Create a tensor of zeros on `device` ----------------------------------------


def check_zeros(names: Mapping[str, object], program: str) -> list[Feedback]:
    expected = reference_names("tenseurs.zeros")["z"]
    return _device_checked(compare_tensor(names, "z", expected), program, "exercises.tenseurs.zeros.no_device")


ZEROS = Exercise(
    exercise_id="tenseurs.zeros",
    kind="line",
    setup=DEVICE_SETUP,
    template="___\nprint(z.shape, z.dtype, z.device)",
    solution="z = torch.zeros(3, 4, dtype=torch.float32, device=device)",
    key_line="z = torch.zeros(…, …, dtype=…, device=…)",
    check=check_zeros,
    outputs=("z",),
    wrong=(
        WrongSolution("z = torch.zeros(4, 3, dtype=torch.float32, device=device)", "exercise.wrong_shape"),
        WrongSolution("z = torch.zeros(3, 4, dtype=torch.int64, device=device)", "exercise.wrong_dtype"),
        WrongSolution("z = torch.zeros(3, 4, dtype=torch.float64, device=device)", "exercise.wrong_dtype"),
        WrongSolution("z = torch.zeros(3, 4, dtype=torch.float32)", "exercises.tenseurs.zeros.no_device"),
    ),
)


# --- 2. Reshape, then take a column -------------------------------------------------


def check_reshape_slice(names: Mapping[str, object], program: str) -> list[Feedback]:
    reference = reference_names("tenseurs.reshape_slice")
    found = compare_tensor(names, "y", reference["y"])
    if found:
        return found
    col = names.get("col")
    row = reference["y"][1]
    if isinstance(col, torch.Tensor) and col.shape == row.shape and torch.equal(col.cpu(), row):
        return [Feedback("exercises.tenseurs.reshape_slice.row_not_column")]
    return compare_tensor(names, "col", reference["col"])


RESHAPE_SLICE = Exercise(
    exercise_id="tenseurs.reshape_slice",
    kind="block",
    setup="import torch\n\nx = torch.arange(12)\n",
    template="print(x)\ny = x\ncol = y\n",
    solution="y = x.view(3, 4)\ncol = y[:, 1]\n",
    key_line="col = y[:, 1]",
    check=check_reshape_slice,
    outputs=("y", "col"),
    wrong=(
        WrongSolution("y = x.reshape(4, 3)\ncol = y[:, 1]\n", "exercise.wrong_shape"),
        WrongSolution("y = x.view(3, 4)\ncol = y[:, 2]\n", "exercise.wrong_values"),
        WrongSolution("y = x.view(3, 4)\ncol = y[1]\n", "exercises.tenseurs.reshape_slice.row_not_column"),
        WrongSolution("y = x.view(3, 5)\ncol = y[:, 1]\n", "code.torch_error"),
    ),
)


# --- 3. A matrix product: shapes, dtype and device to reconcile ---------------------


def check_matmul_device(names: Mapping[str, object], program: str) -> list[Feedback]:
    expected = reference_names("tenseurs.matmul_device")["c"]
    found = compare_tensor(names, "c", expected)
    c = names.get("c")
    if found and found[0].key == "exercise.wrong_shape" and isinstance(c, torch.Tensor) and c.shape == (4, 2):
        return [Feedback("exercises.tenseurs.matmul_device.transposed_result")]
    return _device_checked(found, program, "exercises.tenseurs.matmul_device.no_device")


MATMUL_DEVICE = Exercise(
    exercise_id="tenseurs.matmul_device",
    kind="block",
    setup=DEVICE_SETUP + "\ntorch.manual_seed(0)\na = torch.rand(2, 3)\nb = torch.arange(12).reshape(4, 3)\n",
    template="print(a.shape, a.dtype, a.device)\nprint(b.shape, b.dtype, b.device)\nc = a\n",
    solution="a = a.to(device)\nb = b.to(device).float()\nc = a @ b.T\n",
    key_line="c = a @ b.T",
    check=check_matmul_device,
    outputs=("c",),
    wrong=(
        WrongSolution("a = a.to(device)\nb = b.to(device)\nc = a @ b\n", "code.torch_error"),
        WrongSolution("a = a.to(device)\nb = b.to(device)\nc = a @ b.T\n", "code.torch_error"),
        WrongSolution(
            "a = a.to(device)\nb = b.to(device).float()\nc = b @ a.T\n",
            "exercises.tenseurs.matmul_device.transposed_result",
        ),
        WrongSolution("a = a.double()\nb = b.double()\nc = a @ b.T\n", "exercise.wrong_dtype"),
        WrongSolution("c = a @ b.T.float()\n", "exercises.tenseurs.matmul_device.no_device"),
    ),
)


EXERCISES = register(ZEROS, RESHAPE_SLICE, MATMUL_DEVICE)
