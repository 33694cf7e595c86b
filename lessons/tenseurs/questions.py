"""Questions the tensors page asks before showing their answer (`predict_first`): the
bytes of `t`, the shape of a matrix product, the number of elements a slice keeps."""

import torch

from components.i18n import t, tn
from components.quiz import ChoiceQuestion, NumberQuestion, predict_first
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs.core import tensor_facts

PAGE_ID = "tenseurs"


def bytes_question(tensor: torch.Tensor) -> bool:
    """Before the facts table, whose bytes row answers it."""
    facts = tensor_facts(tensor)
    return predict_first(
        PAGE_ID,
        NumberQuestion(
            "bytes",
            t("tenseurs.quiz.bytes", shape=facts.shape, dtype=facts.dtype),
            expected=float(facts.nbytes),
            explanation=tn(
                "tenseurs.quiz.bytes_why",
                facts.nbytes,
                numel=facts.numel,
                size=facts.element_size,
                dtype=facts.dtype,
                bits=8 * facts.element_size,
            ),
            tolerance=0.5,
            relative=0.0,
        ),
    )


def matmul_question(demo: ops.MatmulDemo) -> bool:
    """Before `c = a @ b`: its shape, or PyTorch's refusal."""
    impossible = t("tenseurs.quiz.impossible")
    expected = impossible if demo.product.error else str(tuple(demo.product.result.shape))
    a_rows, a_cols = demo.a.shape
    b_rows, b_cols = demo.b.shape
    choices = dict.fromkeys(
        [str((a_rows, b_cols)), str((a_cols, b_rows)), str((a_rows, a_cols)), str((b_rows, b_cols)), impossible]
    )
    why = "matmul_why_error" if demo.product.error else "matmul_why"
    return predict_first(
        PAGE_ID,
        ChoiceQuestion(
            "matmul_shape",
            t("tenseurs.quiz.matmul", a_shape=(a_rows, a_cols), b_shape=(b_rows, b_cols)),
            choices=tuple(choices),
            expected=expected,
            explanation=t(
                f"tenseurs.quiz.{why}",
                a_shape=(a_rows, a_cols),
                b_shape=(b_rows, b_cols),
                answer=expected,
                a_cols=a_cols,
                b_rows=b_rows,
                a_rows=a_rows,
                b_cols=b_cols,
            ),
        ),
    )


def selection_question(tensor: torch.Tensor, chosen: tuple[slice, ...], selected: torch.Tensor) -> bool:
    """Before the highlighted picture of `t` and `r`: how many elements the slices keep."""
    kept = " × ".join(str(side) for side in selected.shape)
    return predict_first(
        PAGE_ID,
        NumberQuestion(
            "selection",
            t("tenseurs.quiz.selection", expression=ops.slice_text(chosen), shape=tuple(tensor.shape)),
            expected=float(selected.numel()),
            explanation=tn("tenseurs.quiz.selection_why", selected.numel(), shape=tuple(selected.shape), product=kept),
            tolerance=0.5,
            relative=0.0,
        ),
    )
