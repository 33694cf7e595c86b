"""Lesson "Tenseurs": create a tensor with widgets, read it, transform it, move it."""

import dataclasses

import streamlit as st
import torch

from components import url_state
from components.chapter_path import chapter_links
from components.code_twin import code_twin
from components.devices import selected_device
from components.exercise_panel import exercise_slides, exercises_section
from components.fragments import partial_rerun
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.slides import lesson_deck
from lessons.catalog import ALL_LESSONS
from lessons.tenseurs import manipulate, memory, questions, sections
from lessons.tenseurs.core import (
    CONSTRUCTORS,
    FLOAT_DTYPES,
    MAX_DIMS,
    MAX_LITERAL_CHARS,
    MAX_SIDE,
    CreateSpec,
    TensorInputError,
    create_tensor,
    dtypes_for,
    tensor_facts,
)
from lessons.tenseurs.display import show_facts, show_tensor
from lessons.tenseurs.exercises import EXERCISES
from lessons.tenseurs.snippets import lesson_script

PAGE_ID = "tenseurs"
LITERAL_KEY = "valeurs"
LAST_GOOD_LITERAL_KEY = "tenseurs.last_good_literal"


def create_controls() -> CreateSpec:
    left, right = st.columns(2, gap="large")
    with left:
        constructor = url_state.selectbox(
            t("tenseurs.create.constructor"), CONSTRUCTORS, key="ctor", format_func=lambda name: f"torch.{name}"
        )
        dtype = url_state.selectbox(t("tenseurs.create.dtype"), dtypes_for(constructor), key="dtype")
        requires_grad = url_state.toggle(
            "requires_grad",
            key="grad",
            disabled=dtype not in FLOAT_DTYPES,
            help=t("tenseurs.create.requires_grad_help"),
        )
    with right:
        literal = CreateSpec.literal
        shape: tuple[int, ...] = CreateSpec.shape
        if constructor == "tensor":
            url_state.forget_non_text(LITERAL_KEY)
            literal = st.text_area(
                t("tenseurs.create.literal"),
                value=CreateSpec.literal,
                key=LITERAL_KEY,
                max_chars=MAX_LITERAL_CHARS,
                persist_state="session",
                help=t("tenseurs.create.literal_help"),
            )
        else:
            shape = shape_controls(fixed_dims=2 if constructor == "eye" else None)
        extras = constructor_extras(constructor)
    return CreateSpec(
        constructor=constructor,
        literal=literal,
        shape=shape,
        dtype=dtype,
        requires_grad=requires_grad and dtype in FLOAT_DTYPES,
        device=str(selected_device()),
        **extras,
    )


def shape_controls(fixed_dims: int | None) -> tuple[int, ...]:
    dims = fixed_dims or url_state.slider(
        t("tenseurs.create.dims"), key="dims", min_value=1, max_value=MAX_DIMS, value=2
    )
    columns = st.columns(MAX_DIMS)
    sides = []
    for dim in range(dims):
        with columns[dim]:
            sides.append(
                url_state.slider(
                    t("tenseurs.create.side", dim=dim),
                    key=f"d{dim}",
                    min_value=1,
                    max_value=MAX_SIDE,
                    value=(2, 3, 2)[dim],
                )
            )
    return tuple(sides)


def constructor_extras(constructor: str) -> dict:
    if constructor == "full":
        return {
            "fill_value": url_state.number_input(
                "fill_value", key="fill", min_value=-1000.0, max_value=1000.0, value=7.0
            )
        }
    if constructor == "linspace":
        start, end = st.columns(2)
        with start:
            low = url_state.number_input("start", key="start", min_value=-1000.0, max_value=1000.0, value=0.0)
        with end:
            high = url_state.number_input("end", key="end", min_value=-1000.0, max_value=1000.0, value=1.0)
        return {"start": low, "end": high}
    if constructor in ("rand", "randn"):
        return {
            "seed": url_state.number_input(
                t("tenseurs.create.seed"), key="seed", min_value=0, max_value=1_000_000, value=0
            )
        }
    return {}


def create_section() -> tuple[CreateSpec, torch.Tensor]:
    """The learner's tensor `t`. A refused typed list keeps the previous tensor."""
    st.header(t("tenseurs.create.title"), divider="gray")
    st.markdown(t("tenseurs.create.intro"))
    spec = create_controls()
    try:
        tensor = create_tensor(spec)
        if spec.constructor == "tensor":
            st.session_state[LAST_GOOD_LITERAL_KEY] = spec.literal
    except TensorInputError as error:
        st.error(t(error.key, **error.values), icon=":material/error:")
        previous = st.session_state.get(LAST_GOOD_LITERAL_KEY, CreateSpec.literal)
        st.caption(t("tenseurs.error.kept_previous"))
        spec = dataclasses.replace(spec, literal=previous)
        try:
            tensor = create_tensor(spec)
        except TensorInputError:  # the dtype changed since: back to the default list
            spec = dataclasses.replace(spec, literal=CreateSpec.literal, dtype="float32")
            tensor = create_tensor(spec)
    show_tensor(tensor, "t")
    return spec, tensor


def memory_section(tensor) -> None:
    """How many bytes `t` takes, asked before the facts table that answers it."""
    st.subheader(t("tenseurs.facts.title"))
    question, facts = st.columns([3, 2], gap="large")
    with question:
        predicted = questions.bytes_question(tensor)
    with facts:
        show_facts(tensor_facts(tensor), show_bytes=predicted)


deck = lesson_deck(
    PAGE_ID,
    "tenseurs",
    [
        ("creer", "tenseurs.create.title"),
        ("memoire", "tenseurs.facts.title"),
        *manipulate.MANIPULATE_SLIDES,
        ("numpy", "tenseurs.numpy.title"),
        ("numpy_resultat", "tenseurs.numpy.result_title"),
        ("appareils", "tenseurs.devices.title"),
        ("melange", "tenseurs.devices.mix_title"),
        ("chrono", "tenseurs.devices.timing_title"),
    ],
    exercise_slides(EXERCISES),
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
@partial_rerun(PAGE_ID)
def tensors_experiment() -> None:
    with deck.slide("creer"):
        spec, tensor = create_section()
    with deck.slide("memoire"):
        memory_section(tensor)
    choices = manipulate.manipulate_section(tensor, deck)  # its own slides
    with deck.slide("numpy"):
        bridge_spec, bridge = memory.numpy_section()
    with deck.slide("numpy_resultat"):
        if deck.active:  # on the page, the pictures follow the code
            st.subheader(t("tenseurs.numpy.result_title"))
        memory.numpy_result(bridge)
    choices = dataclasses.replace(choices, bridge=bridge_spec)
    with deck.slide("appareils"):
        memory.devices_section(tensor)
    with deck.slide("melange"):
        memory.mix_section()
    with deck.slide("chrono"):
        memory.timing_panel()
    with deck.slide("code"):
        st.header(t("tenseurs.twin_title"), divider="gray")
        code_twin(lesson_script(spec, choices, current_language()), "tenseurs.py")
    with deck.slide("quiz"):
        st.header(t("tenseurs.quiz_title"), divider="gray")
        sections.quiz_section(tensor, choices)


tensors_experiment()
exercises_section(deck, EXERCISES)
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
