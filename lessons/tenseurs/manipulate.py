"""The manipulate section: six steps in tabs on the page, a few slides each in
presentation mode (the steps themselves: sections.py).

On a slide, a step shows its settings and code; its question, when it asks one, comes
on the next slide, and its result on the one after: predict, then "next" to see. On
the page, each tab holds the three parts one under the other, as before.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager

import streamlit as st
import torch

from components.i18n import t
from components.quiz import result_pending
from components.slides import Deck
from lessons.tenseurs import manipulations as ops
from lessons.tenseurs import questions, sections

# Each step: its slide id, and its later parts (question, result) on slides of their own.
STEPS = {
    "elementwise": ("manipuler", ("result",)),
    "matmul": ("matmul", ("question", "result")),
    "broadcast": ("broadcast", ("result",)),
    "shape": ("forme", ("result",)),
    "indexing": ("indexation", ("question", "result")),
    "reduction": ("reductions", ()),
}
PART_SLIDE = {"question": "question", "result": "resultat"}  # slide id suffix


def slide_id(name: str, part: str = "tab") -> str:
    step_slide = STEPS[name][0]
    return step_slide if part == "tab" else f"{step_slide}_{PART_SLIDE[part]}"


def title_key(name: str, part: str = "tab") -> str:
    return f"tenseurs.{name}.{'tab' if part == 'tab' else f'{part}_title'}"


# (slide id, title key) for the deck, in page order.
MANIPULATE_SLIDES = [
    (slide_id(name, part), title_key(name, part)) for name, (_, parts) in STEPS.items() for part in ("tab", *parts)
]


def manipulate_section(tensor: torch.Tensor, deck: Deck) -> ops.Steps:
    """Tabs on the page; in presentation mode, the slides of MANIPULATE_SLIDES."""
    tabs = {}
    if not deck.active:
        st.header(t("tenseurs.manipulate.title"), divider="gray")
        tabs = dict(zip(STEPS, st.tabs([t(title_key(name)) for name in STEPS]), strict=True))

    def place(name: str, part: str = "tab") -> AbstractContextManager:
        """The step's tab, or a slide of its own with a heading."""
        if tabs:
            return tabs[name]
        slide = deck.slide(slide_id(name, part))
        with slide:
            if name == "elementwise" and part == "tab":
                st.header(t("tenseurs.manipulate.title"), divider="gray")
            st.subheader(t(title_key(name, part)))
        return slide

    def step(name: str, settings: Callable, result: Callable, question: Callable | None = None, question_id: str = ""):
        with place(name):
            spec, *drawn = settings()
        shown = True
        if question is not None:
            with place(name, "question"):
                shown = question(*drawn)
        with place(name, "result"):
            if not shown and not tabs:  # on a slide of its own, after its question's
                result_pending(questions.PAGE_ID, question_id)
            result(spec, *drawn, shown)  # not shown: what would answer the question is left out
        return spec

    elementwise = step(
        "elementwise",
        lambda: sections.elementwise_step(tensor),
        lambda _, outcome, __: sections.elementwise_result(outcome),
    )
    matmul = step(
        "matmul",
        sections.matmul_step,
        lambda _, demo, predicted: sections.matmul_result(demo, predicted),
        question=questions.matmul_question,
        question_id="matmul_shape",
    )
    broadcast = step("broadcast", sections.broadcast_step, lambda spec, demo, _: sections.broadcast_result(spec, demo))
    shape = step(
        "shape", lambda: sections.shape_step(tensor), lambda spec, *drawn: sections.shape_result(spec, *drawn[:2])
    )
    selection: dict[str, torch.Tensor] = {}

    def ask_selection(chosen: tuple[slice, ...]) -> bool:
        selection["r"], selection["mask"] = ops.selection(tensor, chosen)
        return questions.selection_question(tensor, chosen, selection["r"])

    def show_selection(_spec: ops.IndexingSpec, _chosen: tuple[slice, ...], predicted: bool) -> None:
        if predicted:  # the highlighted cells would answer the question
            sections.indexing_result(tensor, selection["r"], selection["mask"])

    indexing = step(
        "indexing",
        lambda: sections.indexing_step(tensor),
        show_selection,
        question=ask_selection,
        question_id="selection",
    )
    with place("reduction"):
        reduction = sections.reduction_step(tensor)
    return ops.Steps(elementwise, matmul, broadcast, shape, indexing, reduction)
