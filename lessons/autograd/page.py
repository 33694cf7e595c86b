"""Lesson "Autograd": derivatives three ways, the real graph, two variables, the rules."""

import threading

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.charts import show_chart_with_data
from components.code_twin import code_twin
from components.exercise_panel import exercise_slides, exercises_section
from components.expressions import ExpressionError
from components.fragments import partial_rerun
from components.i18n import current_language, t, translate
from components.lesson_intro import lesson_intro
from components.run_lock import outside_turn, shared_between_turns
from components.slides import lesson_deck, presentation_mode
from components.symbolic import BUDGET_SECONDS, Formula, SymbolicBusy, SymbolicTimeout
from lessons.autograd import core, sections
from lessons.autograd.charts import function_chart, function_chart_data, function_y_domain
from lessons.autograd.exercises import EXERCISES
from lessons.autograd.snippets import autograd_script
from lessons.catalog import ALL_LESSONS

PAGE_ID = "autograd"
TYPED = "saisie"  # the select box option that reveals the text field


@st.cache_data(max_entries=512, show_spinner=False)
def cached_derivatives(text: str, x: float) -> core.Derivatives:
    return core.derivatives(text, x)


def too_complex_notice(grad: str, lang: str) -> None:
    notice = translate("autograd.one.symbolic_too_complex", lang, milliseconds=round(BUDGET_SECONDS * 1000), grad=grad)
    st.info(notice, icon=":material/hourglass_disabled:")


@shared_between_turns  # its body hands the turn on
@st.cache_data(max_entries=512, show_spinner=False)
def cached_formula(text: str, x: float, grad: str, lang: str) -> Formula | None:
    """SymPy's f'(x), or None when it is too complex to finish within its time budget.

    The work runs in another process, awaited outside the script turn: the class's
    reruns go on meanwhile, and the notice below is drawn before this run queues for
    the turn again (Streamlit replays it on a cache hit, hence the language among the
    arguments). SymbolicBusy is raised, so not cached: the formula may come later.
    """
    with outside_turn():
        try:
            formula = core.formula(text, x)
        except SymbolicTimeout:
            formula = None
        if formula is None:
            too_complex_notice(grad, lang)
        elif formula.latex is None:
            st.info(translate("autograd.one.symbolic_too_long", lang), icon=":material/unfold_more:")
        return formula


class RememberedTexts:
    """Functions whose formula SymPy could not finish. Its printing, the slow part, does
    not depend on x, so moving x does not start it again. Shared by the sessions, bounded."""

    def __init__(self, limit: int = 1_000):
        self.limit = limit
        self._texts: dict[str, None] = {}  # insertion-ordered: the oldest is forgotten first
        self._lock = threading.Lock()

    def __contains__(self, text: str) -> bool:
        return text in self._texts

    def add(self, text: str) -> None:
        with self._lock:
            self._texts[text] = None
            while len(self._texts) > self.limit:
                del self._texts[next(iter(self._texts))]


@st.cache_resource
def too_complex_texts() -> RememberedTexts:
    return RememberedTexts()


def symbolic_formula(text: str, result: core.Derivatives) -> Formula | None:
    """The formula, or None with a message saying why there is none (PyTorch's result stands)."""
    grad = f"{result.autograd:.6g}"
    if text in too_complex_texts():
        too_complex_notice(grad, current_language())
        return None
    try:
        formula = cached_formula(text, result.x, grad, current_language())
    except SymbolicBusy:
        st.info(t("autograd.one.symbolic_busy", grad=grad), icon=":material/hourglass_top:")
        return None
    if formula is None:
        too_complex_texts().add(text)
    return formula


@st.cache_data(max_entries=512, show_spinner=False)
def cached_curve(text: str, x: float, grad: float, value: float):
    return core.curve(text, x, grad, value)


def chosen_function(presets: tuple[str, ...], *, preset_key: str, text_key: str, last_good_key: str, check) -> str:
    """A preset, or the typed text when it parses; else the last good one, with the reason.

    `check(text)` raises ExpressionError for text that cannot be used.
    """
    choice = url_state.selectbox(
        t("autograd.function"),
        (*presets, TYPED),
        key=preset_key,
        format_func=lambda option: t("autograd.typed_option") if option == TYPED else option,
    )
    if choice != TYPED:
        st.session_state[last_good_key] = choice
        return choice
    url_state.forget_non_text(text_key)
    text = st.text_input(
        t("autograd.typed_label"),
        key=text_key,
        value=st.session_state.get(last_good_key, presets[0]),
        max_chars=None,
        help=t("autograd.typed_help"),
        bind="query-params",
    )
    try:
        check(text)
    except ExpressionError as error:
        st.error(t(f"autograd.error.{error.key.removeprefix('expr.')}", **error.values), icon=":material/error:")
        previous = st.session_state.get(last_good_key, presets[0])
        st.caption(t("autograd.kept_previous", previous=previous))
        return previous
    st.session_state[last_good_key] = text
    return text


def derivative_section() -> tuple[core.OneVariableSpec, core.Derivatives]:
    st.header(t("autograd.one.title"), divider="gray")
    st.markdown(t("autograd.one.intro"))
    left, right = st.columns(2, gap="large")
    with right:
        x = url_state.slider("x", key="ax", min_value=core.X_MIN, max_value=core.X_MAX, value=1.0, step=0.1)
    with left:
        text = chosen_function(
            core.PRESETS,
            preset_key="fonction",
            text_key="expr",
            last_good_key="autograd.last_good",
            check=lambda typed: cached_derivatives(typed, x),
        )
    try:
        result = cached_derivatives(text, x)
    except ExpressionError as error:  # a kept function that is not finite at this new x
        st.error(t(f"autograd.error.{error.key.removeprefix('expr.')}", **error.values), icon=":material/error:")
        text = core.PRESETS[0]
        result = cached_derivatives(text, x)
    columns = st.columns(4)
    columns[0].metric("f(x)", f"{result.value:.6g}")
    columns[1].metric("x.grad", f"{result.autograd:.6g}")
    columns[2].metric(t("autograd.one.finite_difference"), f"{result.finite_difference:.6g}")
    formula = symbolic_formula(text, result)
    symbolic = None if formula is None else formula.value
    columns[3].metric(t("autograd.one.symbolic"), "—" if symbolic is None else f"{symbolic:.6g}")
    if formula is not None and formula.latex is not None:
        st.latex(rf"f'(x) = {formula.latex}")
    if result.kink:
        st.warning(t("autograd.one.kink", x=f"{x:.1f}", grad=f"{result.autograd:.6g}"), icon=":material/warning:")
    elif result.agree(formula):
        agreed = "agree" if formula is not None and formula.value is not None else "agree_two"
        st.success(t(f"autograd.one.{agreed}"), icon=":material/task_alt:")
    else:
        st.info(t("autograd.one.disagree"), icon=":material/info:")
    return core.OneVariableSpec(text, x), result


def curve_section(function: core.OneVariableSpec, result: core.Derivatives) -> None:
    """The curve and its tangent at x, whose slope is x.grad."""
    text, x = function.text, function.x
    if presentation_mode():  # on the page, the chart follows the numbers
        st.subheader(t("autograd.one.curve_title"))
    labels = {"f": "f(x)", "tangent": t("autograd.one.tangent")}
    curve = cached_curve(text, x, result.autograd, result.value)
    show_chart_with_data(
        function_chart,
        function_y_domain(curve),
        labels,
        datasets=function_chart_data(curve, x, result.value),
        alt=t("autograd.one.chart_alt", text=text, x=f"{x:.1f}", grad=f"{result.autograd:.4g}"),
    )


deck = lesson_deck(
    PAGE_ID,
    "autograd",
    [
        ("derivee", "autograd.one.title"),
        ("tangente", "autograd.one.curve_title"),
        ("graphe", "autograd.graph.title"),
        ("graphe_dessin", "autograd.graph.drawing_title"),
        ("deux_variables", "autograd.two.title"),
        ("deux_variables_question", "autograd.two.question_title"),
        ("gradient", "autograd.two.map_title"),
        *sections.RULES_SLIDES,
    ],
    exercise_slides(EXERCISES),
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
@partial_rerun(PAGE_ID)
def autograd_experiment() -> None:
    with deck.slide("derivee"):
        function, result = derivative_section()
    with deck.slide("tangente"):
        curve_section(function, result)
    with deck.slide("graphe"):
        graph, predicted = sections.graph_section(function)
    with deck.slide("graphe_dessin"):
        sections.graph_drawing(graph, predicted)
    with deck.slide("deux_variables"):
        function_2d, gradient, beside = sections.two_variables_section(chosen_function)
    with deck.slide("deux_variables_question"), beside:
        if deck.active:
            st.subheader(t("autograd.two.question_title"))
        # Before the three numbers and the arrow: f or x.grad may equal y.grad.
        predicted = sections.partial_y_question(function_2d.text, gradient)
    with deck.slide("gradient"):
        sections.gradient_map(function_2d, gradient, predicted)
    sections.rules_section(function, deck)  # its own slides
    with deck.slide("code"):
        st.header(t("autograd.twin_title"), divider="gray")
        code_twin(autograd_script(function, function_2d, current_language()), "autograd.py")
    with deck.slide("quiz"):
        st.header(t("autograd.quiz_title"), divider="gray")
        sections.quiz_section(function, result)


autograd_experiment()
exercises_section(deck, EXERCISES)
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
