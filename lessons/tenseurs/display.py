"""Drawing a tensor on the tensors page: the heatmap, its text alternative, the facts."""

import streamlit as st
import torch

from components.charts import show_chart_with_data
from components.i18n import t
from lessons.tenseurs.charts import CELL_PX, CELLS, ink_cells, tensor_chart, tensor_shape
from lessons.tenseurs.core import SHOWN_SIDE, TensorFacts, tensor_cells, tensor_facts

MIN_WIDTH_PX = 140  # the chart's toolbar is 119 px wide


def show_tensor(
    tensor: torch.Tensor, name: str, mark: torch.Tensor | None = None, mark_meaning: str | None = None
) -> None:
    """The tensor's picture, with a one-line description for screen readers."""
    cells = tensor_cells(tensor, mark)
    description = t("tenseurs.picture_alt", name=name, shape=tuple(tensor.shape), dtype=str(tensor.dtype))
    rows, cols, slices = tensor_shape(cells.frame)
    show_chart_with_data(
        tensor_chart,
        rows,
        cols,
        slices,
        mark_meaning,
        datasets={CELLS: ink_cells(cells.frame, mark_meaning)},
        # A narrow picture (a scalar) gets room for its hover toolbar, which would stick
        # out of the column on its left.
        width="content" if cols * slices * CELL_PX >= MIN_WIDTH_PX else MIN_WIDTH_PX,
        alt=description,
    )  # up to 14 a page
    if cells.truncated:
        st.caption(t("tenseurs.truncated", side=SHOWN_SIDE))


def show_shape_and_stride(tensor: torch.Tensor, name: str) -> None:
    facts = tensor_facts(tensor)
    st.markdown(
        t(
            "tenseurs.shape_stride_line",
            name=name,
            shape=facts.shape,
            stride=facts.stride,
            contiguous=facts.is_contiguous,
        )
    )


def show_facts(facts: TensorFacts, *, show_bytes: bool = True) -> None:
    """`show_bytes=False` until the learner has predicted the size: the row reads "?"."""
    rows = [
        ("t.shape", str(facts.shape)),
        ("t.dtype", f"torch.{facts.dtype}"),
        ("t.device", facts.device),
        ("t.requires_grad", str(facts.requires_grad)),
        ("t.numel()", str(facts.numel)),
        (
            "t.element_size() * t.numel()",
            t("tenseurs.bytes", bytes=facts.nbytes, size=facts.element_size, numel=facts.numel) if show_bytes else "?",
        ),
        ("t.stride()", str(facts.stride)),
        ("t.is_contiguous()", str(facts.is_contiguous)),
    ]
    st.table(
        {
            t("tenseurs.facts.attribute"): [f"`{code}`" for code, _ in rows],
            t("tenseurs.facts.value"): [value for _, value in rows],
        },
        hide_index=True,
    )
