"""Sections of the autograd page after the first: the graph, two variables, the rules, the quiz.

A question whose answer a section shows comes before it (`predict_first`): the section
leaves that result out until the learner has predicted it or asked to see it.
"""

import hashlib
import math
from contextlib import AbstractContextManager, nullcontext

import pandas as pd
import streamlit as st

from components import url_state
from components.charts import show_chart_with_data
from components.expressions import ExpressionError
from components.i18n import t
from components.quiz import ChoiceQuestion, NumberQuestion, is_correct, predict_first, quiz, result_pending
from components.slides import Deck, presentation_mode
from lessons.autograd import core
from lessons.autograd.charts import contour_chart, contour_chart_data, graph_dot, surface_only

PAGE_ID = "autograd"
GRID_STEPS = 41


@st.cache_data(max_entries=256, show_spinner=False)
def cached_graph(text: str, x: float) -> core.Graph:
    return core.recorded_graph(text, x)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_surface(text: str) -> pd.DataFrame:
    return core.surface(text, GRID_STEPS)


@st.cache_data(max_entries=512, show_spinner=False)
def cached_gradient(text: str, x: float, y: float) -> core.Gradient2D:
    return core.gradient_2d(text, x, y)


def graph_section(function: core.OneVariableSpec) -> tuple[core.Graph, bool]:
    """The graph's question; True once its drawing may show (`graph_drawing`)."""
    st.header(t("autograd.graph.title"), divider="gray")
    if not presentation_mode():  # on a slide, it comes with the drawing it describes
        st.markdown(t("autograd.graph.intro"))
    graph = cached_graph(function.text, function.x)
    return graph, grad_fn_question(function, graph)  # every node of the drawing is named


def graph_drawing(graph: core.Graph, predicted: bool) -> None:
    """The recorded graph, with the step slider beside it; neither before the prediction
    (the slider's value from the URL, ?etape=4, waits for it)."""
    if presentation_mode():
        st.subheader(t("autograd.graph.drawing_title"))
        if not predicted:  # its question is on the slide before
            result_pending(PAGE_ID, "grad_fn")
            return
        st.markdown(t("autograd.graph.intro"))
    elif not predicted:  # right under its question, which says why nothing follows
        return
    left, right = st.columns([3, 2], gap="large")
    with right:
        revealed = url_state.slider(
            t("autograd.graph.step"),
            key="etape",
            min_value=0,
            max_value=len(graph.nodes),
            value=0,
            help=t("autograd.graph.step_help"),
        )
    with left:
        labels = {"value": t("autograd.graph.value"), "grad": t("autograd.graph.grad")}
        dot = graph_dot(graph, revealed, labels)
        # A new graph gets a new container, so the browser draws it afresh: redrawn in
        # place, d3-graphviz first computes a costly tween from the old graph's paths, for
        # no visible animation.
        with st.container(key=f"graphe_{hashlib.sha1(dot.encode()).hexdigest()[:12]}"):
            st.graphviz_chart(dot)
    with right:
        if revealed == 0:
            st.info(t("autograd.graph.start"), icon=":material/play_arrow:")
        else:
            node = graph.nodes[revealed - 1]
            st.markdown(t("autograd.graph.current", step=revealed, name=node.name, grad=f"{node.gradient:.6g}"))
            if revealed == len(graph.nodes):
                st.success(t("autograd.graph.done", grad=f"{node.gradient:.6g}", x_grad=f"{graph.x_grad:.6g}"))
        st.caption(t("autograd.graph.how"))


def two_variables_section(chosen_function) -> tuple[core.TwoVariableSpec, core.Gradient2D, AbstractContextManager]:
    """The point and the function; returns where the question goes: beside them on the
    page, on the next slide in presentation mode (then `gradient_map` shows the answer)."""
    st.header(t("autograd.two.title"), divider="gray")
    st.markdown(t("autograd.two.intro"))
    if presentation_mode():
        controls, question = st.container(), nullcontext()
    else:
        controls, question = st.columns([2, 3], gap="large")
    with controls:
        px = url_state.slider("x", key="px", min_value=core.X_MIN, max_value=core.X_MAX, value=1.0, step=0.1)
        py = url_state.slider("y", key="py", min_value=core.X_MIN, max_value=core.X_MAX, value=0.5, step=0.1)
        text = chosen_function(
            core.PRESETS_2D,
            preset_key="fonction2",
            text_key="expr2",
            last_good_key="autograd.last_good_2d",
            check=lambda typed: cached_gradient(typed, px, py),
        )
        try:
            gradient = cached_gradient(text, px, py)
        except ExpressionError:
            text = core.PRESETS_2D[0]
            gradient = cached_gradient(text, px, py)
    return core.TwoVariableSpec(text, px, py), gradient, question


def gradient_map(function: core.TwoVariableSpec, gradient: core.Gradient2D, predicted: bool) -> None:
    """The three numbers and the map with the gradient's arrow, once predicted."""
    if presentation_mode():
        st.subheader(t("autograd.two.map_title"))
    text, px, py = function.text, function.x, function.y
    slide = presentation_mode()
    numbers, chart = st.columns([2, 3], gap="large")
    if slide and not predicted:  # its question is on the slide before
        result_pending(PAGE_ID, "partial_y")
    with numbers:
        # Before the prediction, none of the three numbers: f or x.grad may equal y.grad.
        for label, value in (
            ("f(x, y)", gradient.value),
            ("∂f/∂x = x.grad", gradient.d_dx),
            ("∂f/∂y = y.grad", gradient.d_dy),
        ):
            st.metric(label, f"{value:.6g}" if predicted else "?")
    with chart:
        step = (core.X_MAX - core.X_MIN) / (GRID_STEPS - 1)
        if predicted:
            data = contour_chart_data(cached_surface(text), gradient)
            alt = t(
                "autograd.two.chart_alt", text=text, x=px, y=py, dx=f"{gradient.d_dx:.4g}", dy=f"{gradient.d_dy:.4g}"
            )
        else:  # the map and the point, without the arrow that gives the gradient's direction
            data = surface_only(cached_surface(text), gradient)
            alt = t("autograd.two.chart_alt_hidden", text=text, x=px, y=py)
        show_chart_with_data(contour_chart, step, 360 if slide else 420, datasets=data, alt=alt)
    with numbers if slide else chart:  # on a slide, under the numbers: the chart takes the height
        st.caption(t("autograd.two.arrow" if predicted else "autograd.two.arrow_hidden"))


# Presentation mode: a slide a rule (tab), the sum's table on the slide after its question.
RULES = {
    "accumulate": "regles",
    "requires_grad": "regles_requires_grad",
    "cut": "regles_detach",
    "twice": "regles_twice",
}
RULES_SLIDES = [
    ("regles", "autograd.rules.accumulate.tab"),
    ("regles_question", "autograd.rules.accumulate.question_title"),
    ("regles_somme", "autograd.rules.accumulate.result_title"),
    *((slide, f"autograd.rules.{name}.tab") for name, slide in RULES.items() if name != "accumulate"),
]


def rules_section(function: core.OneVariableSpec, deck: Deck) -> None:
    """Tabs on the page; in presentation mode, the slides of RULES_SLIDES."""
    text, x = function.text, function.x
    tabs = {}
    if not deck.active:
        st.header(t("autograd.rules.title"), divider="gray")
        tabs = dict(zip(RULES, st.tabs([t(f"autograd.rules.{name}.tab") for name in RULES]), strict=True))

    def place(name: str, slide_id: str | None = None, title: str = "tab") -> AbstractContextManager:
        if tabs:
            return tabs[name]
        slide = deck.slide(slide_id or RULES[name])
        with slide:
            if name == "accumulate" and title == "tab":
                st.header(t("autograd.rules.title"), divider="gray")
            st.subheader(t(f"autograd.rules.{name}.{title}"))
        return slide

    with place("accumulate"):
        calls, zero, grads = accumulate_tab(function)
    with place("accumulate", "regles_question", "question_title"):
        predicted = two_backward_question(function)
    with place("accumulate", "regles_somme", "result_title"):
        if predicted:  # the table's second row answers the question
            accumulate_table(calls, zero, grads)
        elif not tabs:  # on the slide after its question's
            result_pending(PAGE_ID, "two_backward")
    with place("requires_grad"):
        st.code(
            "x = torch.tensor(2.0)          # requires_grad=False\ny = x * 2\nprint(x.grad, y.requires_grad)",
            language="python",
        )
        st.markdown(t("autograd.rules.requires_grad.result", none=core.grad_without_requires_grad(x)))
    with place("cut"):
        cut = core.graph_cuts(x)
        st.code("with torch.no_grad():\n    y = x * 2\nz = (x * 2).detach()", language="python")
        st.markdown(
            t(
                "autograd.rules.cut.result",
                inside=cut.inside_no_grad,
                detached=cut.after_detach,
                grad_fn=cut.detach_grad_fn,
            )
        )
    with place("twice"):
        retain = url_state.toggle("retain_graph=True", key="retain")
        st.code(f"y = f(x)\ny.backward(retain_graph={retain})\ny.backward()", language="python")
        message = core.second_backward_error(text, x, retain)
        if message:
            st.error(t("autograd.rules.twice.error"), icon=":material/block:")
            st.code(f"RuntimeError: {message}", language="text", wrap_lines=True)
        elif retain:
            st.success(t("autograd.rules.twice.retained"))
        else:
            st.info(t("autograd.rules.twice.nothing_saved", text=text))


def accumulate_tab(function: core.OneVariableSpec) -> tuple[int, bool, list[float]]:
    """The settings; then comes the question, and the table once it may show (`accumulate_table`)."""
    text, x = function.text, function.x
    st.markdown(t("autograd.rules.accumulate.intro"))
    calls = url_state.slider(t("autograd.rules.accumulate.calls"), key="appels", min_value=1, max_value=5, value=2)
    zero = url_state.toggle(t("autograd.rules.accumulate.zero"), key="zero")
    grads = core.accumulated_gradients(text, x, calls, zero)
    return calls, zero, grads


def accumulate_table(calls: int, zero: bool, grads: list[float]) -> None:
    st.table(
        {t("autograd.rules.accumulate.call"): list(range(1, calls + 1)), "x.grad": [f"{g:.6g}" for g in grads]},
        hide_index=True,
    )
    st.markdown(t("autograd.rules.accumulate.zeroed" if zero else "autograd.rules.accumulate.summed"))


# --- Questions asked before their result ------------------------------------------


def grad_fn_question(function: core.OneVariableSpec, graph: core.Graph) -> bool:
    """Before the graph, whose nodes are named."""
    # Only nodes of the grad_fn kind: the leaf x has no grad_fn, so it is no answer.
    names = [node.name for node in graph.nodes if "Backward" in node.name]
    if not names:  # f(x) = x: y is x itself, with no grad_fn to ask about
        return True
    last = graph.nodes[0]  # y's node, first in backward order: names[0]
    choices = tuple(dict.fromkeys([*names, "AddBackward0", "MulBackward0", "PowBackward0"]))
    return predict_first(
        PAGE_ID,
        ChoiceQuestion(
            "grad_fn",
            t("autograd.quiz.grad_fn", text=function.text),
            choices=choices,
            expected=last.name,
            explanation=t(
                "autograd.quiz.grad_fn_why",
                text=function.text,
                name=last.name,
                value=f"{last.value:.4g}",
            ),
        ),
    )


def partial_y_question(text: str, gradient: core.Gradient2D) -> bool:
    """Before the three numbers and the gradient's arrow."""
    return predict_first(
        PAGE_ID,
        NumberQuestion(
            "partial_y",
            t("autograd.quiz.partial_y", text=text, x=gradient.x, y=gradient.y),
            expected=gradient.d_dy,
            explanation=t(
                "autograd.quiz.partial_y_why",
                text=text,
                x=gradient.x,
                y=gradient.y,
                dx=f"{gradient.d_dx:.4g}",
                dy=f"{gradient.d_dy:.4g}",
            ),
        ),
    )


def two_backward_question(function: core.OneVariableSpec) -> bool:
    """Before the table of the accumulate tab. Not asked where forgetting the sum would
    still count as right (a derivative of 0, or too small to tell from its double)."""
    once, twice = core.accumulated_gradients(function.text, function.x, 2, zero_between=False)
    question = NumberQuestion(
        "two_backward",
        t("autograd.quiz.two_backward", text=function.text, x=f"{function.x:.1f}"),
        expected=twice,
        explanation=t("autograd.quiz.two_backward_why", grad=f"{once:.6g}", twice=f"{twice:.6g}"),
    )
    if is_correct(question, once):
        return True
    return predict_first(PAGE_ID, question)


# --- Quiz ---------------------------------------------------------------------------


def other_point(text: str, x: float, grad: float) -> tuple[float, float] | None:
    """A point whose x.grad differs from the shown one at its precision, nearest to x + 1
    first; None for a function whose slope is the same everywhere on the slider."""
    for distance in (1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 4.0, -4.0, 5.0, -5.0, 6.0, -6.0):
        other_x = round(x + distance, 1)
        if not core.X_MIN <= other_x <= core.X_MAX:
            continue
        try:
            other = core.derivatives(text, other_x).autograd
        except ExpressionError:  # not finite there: log(x) at a negative x
            continue
        # The shown x.grad, typed as the answer, must not count as right.
        if not math.isclose(other, grad, rel_tol=NumberQuestion.relative, abs_tol=NumberQuestion.tolerance):
            return other_x, other
    return None


def quiz_section(function: core.OneVariableSpec, result: core.Derivatives) -> None:
    """A point the page does not show: x.grad elsewhere on the same curve."""
    point = other_point(function.text, function.x, result.autograd)
    if point is None:
        st.caption(t("autograd.quiz.same_slope", text=function.text, grad=f"{result.autograd:.6g}"))
        return
    other_x, other_grad = point
    quiz(
        PAGE_ID,
        NumberQuestion(
            "grad_elsewhere",
            t("autograd.quiz.grad_elsewhere", text=function.text, x=f"{other_x:.1f}"),
            expected=other_grad,
            explanation=t(
                "autograd.quiz.grad_elsewhere_why",
                text=function.text,
                x=f"{other_x:.1f}",
                grad=f"{other_grad:.6g}",
                here_x=f"{function.x:.1f}",
                here_grad=f"{result.autograd:.6g}",
            ),
        ),
    )
