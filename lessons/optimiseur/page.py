"""Lesson "Optimiseur": real torch.optim optimizers descending a loss surface, animated."""

import pandas as pd
import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.code_twin import code_twin
from components.errors import guarded_callback
from components.exercise_panel import exercise_slides, exercises_section
from components.fragments import partial_rerun
from components.further import further_reading
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.regression import LINE_X_RANGE
from components.run_lock import let_others_run, shared_between_turns
from components.slides import lesson_deck, presentation_mode
from lessons.catalog import ALL_LESSONS
from lessons.optimiseur import core, questions, sections
from lessons.optimiseur.charts import (
    ANIMATION_KEYS_JS,
    CHART_KEY,
    COMPACT,
    FULL,
    SPEEDS_MS,
    START_SELECTION,
    animated_chart,
    chart_datasets,
)
from lessons.optimiseur.exercises import EXERCISES
from lessons.optimiseur.sections import labels
from lessons.optimiseur.snippets import optimizer_script

PAGE_ID = "optimiseur"
START_KEYS = ("x0", "y0")
SHOWN_SURFACE_KEY = "optimiseur.shown_surface"


@st.cache_data(max_entries=64, show_spinner=False)
def cached_grid(name: str, condition: float) -> pd.DataFrame:
    return core.surface_grid(name, condition)


@shared_between_turns  # its body hands the turn on
@st.cache_data(max_entries=256, show_spinner=False)
def cached_trajectories(experiment: core.Experiment) -> tuple[core.Trajectory, ...]:
    return core.trajectories(
        experiment.surface,
        experiment.condition,
        experiment.specs,
        experiment.start,
        experiment.steps,
        between_steps=let_others_run,
    )


CORE_SURFACES = (core.REGRESSION, "bowl")  # the lesson's core; the others are beyond it, in a fold
CORE_SURFACE_KEY = "surface_base"  # the core's radio, a view of `surface` (which the URL holds)


def surface_controls() -> tuple[str, float]:
    """The core surfaces as a radio, the others in a "Pour aller plus loin" fold whose
    select box holds the surface (and its URL parameter) whatever the choice."""
    core_area = st.container()  # drawn above the fold, filled once the fold knows the surface
    with further_reading(t("optimiseur.further.surfaces")):
        st.markdown(t("optimiseur.further.surfaces_intro"))
        name = url_state.selectbox(
            t("optimiseur.surface.label"),
            core.SURFACE_NAMES,
            key="surface",
            format_func=labels("optimiseur.surface"),
        )
        if name not in CORE_SURFACES:
            st.caption(t(f"optimiseur.surface.{name}_about"))
    with core_area:
        left, right = st.columns(2)
        with left:
            # Seated afresh each run (as url_state does): a client may have sent a value of
            # another type in this radio's field, which Streamlit fails to write back.
            st.session_state.pop(CORE_SURFACE_KEY, None)
            st.session_state[CORE_SURFACE_KEY] = name if name in CORE_SURFACES else None
            st.radio(
                t("optimiseur.surface.core_label"),
                CORE_SURFACES,
                index=None,
                key=CORE_SURFACE_KEY,
                format_func=labels("optimiseur.surface"),
                on_change=guarded_callback(PAGE_ID, use_core_surface),
                horizontal=True,
            )
        condition = 10.0  # only the bowl has a condition number: its slider shows with it
        if name == "bowl":
            with right:
                condition = url_state.slider(
                    t("optimiseur.surface.condition"),
                    key="kappa",
                    min_value=1.0,
                    max_value=50.0,
                    value=10.0,
                    step=1.0,
                    help=t("optimiseur.surface.condition_help"),
                )
        if name in CORE_SURFACES:
            st.caption(t(f"optimiseur.surface.{name}_about", **surface_about_values(name)))
        else:
            st.caption(t("optimiseur.surface.extra_chosen", surface=t(f"optimiseur.surface.{name}")))
    return name, condition


def use_core_surface() -> None:
    """on_change callback: the radio's choice becomes the surface (before the widgets run)."""
    if st.session_state.get(CORE_SURFACE_KEY) in CORE_SURFACES:
        st.session_state["surface"] = st.session_state[CORE_SURFACE_KEY]


def surface_about_values(name: str) -> dict[str, str]:
    """The regression's caption says where its optimum is and how its data differ from
    the loss lesson's (computed here, so the sentence stays true if the data change)."""
    if name != core.REGRESSION:
        return {}
    w, b = core.surface(name).minima[0]
    return {
        "w": f"{w:.3f}",
        "b": f"{b:.3f}",
        "page": t("nav.fonction_de_cout"),
        "outliers": t("fonction_de_cout.data.outliers"),
    }


def use_clicked_start() -> None:
    """on_select callback: a click on the map becomes the start (before the widgets run).
    Anything but a point with finite coordinates is ignored; a point off the map is
    moved to its edge."""
    chosen = core.surface(st.session_state.get(SHOWN_SURFACE_KEY, core.SURFACE_NAMES[0]))
    start = core.clicked_start(st.session_state[CHART_KEY].selection.get(START_SELECTION), chosen)
    if start is not None:
        st.session_state.update(zip(START_KEYS, start, strict=True))


def start_controls(name: str, condition: float) -> tuple[float, float]:
    chosen = core.surface(name, condition)
    if st.session_state.get(SHOWN_SURFACE_KEY, name) != name:  # a new surface: its own start
        st.session_state.update(zip(START_KEYS, chosen.start, strict=True))
    st.session_state[SHOWN_SURFACE_KEY] = name
    columns = st.columns(2)
    start = []
    for column, key, low_high, default, axis in zip(
        columns, START_KEYS, (chosen.x_range, chosen.y_range), chosen.start, chosen.axis_names, strict=True
    ):
        with column:
            start.append(
                url_state.number_input(
                    t("optimiseur.start.label", axis=axis),
                    key=key,
                    min_value=low_high[0],
                    max_value=low_high[1],
                    value=default,
                    step=0.1,
                    format="%.2f",
                )
            )
    st.caption(t("optimiseur.start.click"))
    return start[0], start[1]


def paths_frame(labels: list[str], results: tuple[core.Trajectory, ...], chosen: core.Surface) -> pd.DataFrame:
    """One row per optimizer and step. A point that left the area is drawn on its edge."""
    rows = []
    for label, result in zip(labels, results, strict=True):
        last = len(result.points) - 1
        for step, ((x, y), loss) in enumerate(zip(result.points, result.losses, strict=True)):
            rows.append(
                {
                    "label": label,
                    "step": step,
                    "loss": loss,
                    "last": last,
                    "x": min(max(x, chosen.x_range[0]), chosen.x_range[1]),
                    "y": min(max(y, chosen.y_range[0]), chosen.y_range[1]),
                    "stopped": result.diverged and step == last,
                }
            )
    return pd.DataFrame(rows)


def fit_frames(labels: list[str], results: tuple[core.Trajectory, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regression's data points, and each optimizer's line w·x + b at every step (two ends each)."""
    data = core.regression_data()
    points = pd.DataFrame({"x": data.x.tolist(), "y": data.y.tolist()})
    rows = []
    for label, result in zip(labels, results, strict=True):
        last = len(result.points) - 1
        for step, (w, b) in enumerate(result.points):
            for px in LINE_X_RANGE:
                rows.append({"label": label, "step": step, "last": last, "px": px, "py": w * px + b})
    return points, pd.DataFrame(rows)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_chart_template(
    name: str, condition: float, labels: tuple[str, ...], steps: int, speed: str, lang: str, compact: bool = False
) -> dict:
    """The animated chart's Vega-Lite dict without its data: it depends only on the
    settings' structure, so most reruns reuse it and only swap the datasets."""
    chosen = core.surface(name, condition)
    grid_step = (
        (chosen.x_range[1] - chosen.x_range[0]) / (core.GRID_STEPS - 1),
        (chosen.y_range[1] - chosen.y_range[0]) / (core.GRID_STEPS - 1),
    )
    chart_labels = {
        "play": t("optimiseur.animation.play"),
        "scrub": t("optimiseur.animation.scrub"),
        "x": chosen.axis_names[0],
        "y": chosen.axis_names[1],
        "step": t("optimiseur.animation.step"),
        "loss": t("optimiseur.animation.loss"),
        "data_x": "x",
        "data_y": "y",
    }
    chart = animated_chart(
        list(labels),
        (chosen.x_range, chosen.y_range),
        grid_step,
        chosen.log_colour,
        steps,
        SPEEDS_MS[speed],
        chart_labels,
        with_fit=name == core.REGRESSION,
        size=COMPACT if compact else FULL,
    )
    return chart.to_dict(validate=False)  # the builder's output is validated in the unit tests


@st.cache_data(max_entries=64, show_spinner=False)
def cached_chart_spec(experiment: core.Experiment, speed: str, lang: str, preview: bool, compact: bool = False) -> dict:
    """The template filled with this setting's data (grid, trajectories, minima, line).

    `preview`: before the learner predicts, only the start of each path: the map, where
    to click for another start, and no hint of where the optimizers end."""
    results = cached_trajectories(experiment)
    labels = tuple(spec.label for spec in experiment.specs)
    name, condition = experiment.surface, experiment.condition
    chosen = core.surface(name, condition)
    paths = paths_frame(list(labels), results, chosen)
    fit = fit_frames(list(labels), results) if name == core.REGRESSION else None
    if preview:
        paths = paths[paths.step == 0].assign(last=0, stopped=False)
        fit = None if fit is None else (fit[0], fit[1][fit[1].step == 0].assign(last=0))
    datasets = chart_datasets(cached_grid(name, condition), paths, list(chosen.minima), experiment.steps, fit=fit)
    template = cached_chart_template(name, condition, labels, experiment.steps, speed, lang, compact)
    # A spec that differs from the preview's: the browser then draws the chart afresh and
    # the animation starts at step 0, instead of swapping the data under a running clock.
    return {**template, "datasets": datasets, "usermeta": {"preview": preview}}


deck = lesson_deck(
    PAGE_ID,
    "optimiseur",
    [
        ("experience", "optimiseur.slides.surface"),
        ("optimiseurs", "optimiseur.optimizers.title"),
        ("depart", "optimiseur.start.title"),
        ("predire", "optimiseur.slides.converge"),
        ("comparer", "optimiseur.slides.best"),
        ("animation", "optimiseur.animation.title"),
        ("resultats", "optimiseur.slides.results"),
        ("interieur", "optimiseur.inside.title"),
        ("interieur_pas", "optimiseur.slides.inside_table"),
    ],
    exercise_slides(EXERCISES),
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


def after_prediction_notice() -> None:
    """On a slide whose result waits for a prediction made on an earlier slide."""
    if presentation_mode():
        st.caption(t("optimiseur.slides.after_prediction"))


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
# In presentation mode each part is a slide of its own: settings, predict, watch, read.
@partial_rerun(PAGE_ID)
def optimizer_experiment() -> None:
    with deck.slide("experience"):
        st.header(t("optimiseur.setup.title"), divider="gray")
        name, condition = surface_controls()
    with deck.slide("optimiseurs"):
        chosen_optimizers = sections.optimizer_slots()
    with deck.slide("depart"):
        st.subheader(t("optimiseur.start.title"))
        start = start_controls(name, condition)
        specs, steps = sections.run_controls(chosen_optimizers)
    experiment = core.Experiment(name, condition, specs, start, steps)
    results = cached_trajectories(experiment)
    labels = [spec.label for spec in specs]
    chosen = core.surface(name, condition)

    # Predict, then watch: the animation and the table answer these questions; until
    # then the map shows only where each optimizer starts.
    def converge_place():
        slide = deck.slide("predire")
        with slide:
            st.header(t("optimiseur.animation.title"), divider="gray")
        return slide

    predicted = questions.predictions_before_the_run(
        experiment, results, places=(converge_place, lambda: deck.slide("comparer"))
    )
    with deck.slide("animation"):
        animation_section(experiment, results, predicted)
    with deck.slide("resultats"):
        if predicted:
            sections.divergence_notices(experiment, results)
            sections.results_table(labels, results, chosen)
        else:
            after_prediction_notice()
    sections.inside_section(
        experiment,
        results,
        question_place=lambda: deck.slide("interieur"),
        table_place=lambda: deck.slide("interieur_pas"),
        waiting=after_prediction_notice,
    )
    with deck.slide("code"):
        st.header(t("optimiseur.twin_title"), divider="gray")
        code_twin(optimizer_script(experiment, current_language()), "optimiseur.py")
    with deck.slide("quiz"):
        st.header(t("optimiseur.quiz_title"), divider="gray")
        sections.quiz_section(experiment, results)


def animation_section(experiment: core.Experiment, results: tuple[core.Trajectory, ...], predicted: bool) -> None:
    """The speed, the animated chart and how to drive it; in presentation mode the
    speed and the help sit beside a smaller chart, so the slide fits a projector."""
    name, labels = experiment.surface, [spec.label for spec in experiment.specs]
    chosen = core.surface(name, experiment.condition)
    presenting = presentation_mode()
    chart_area, side = st.columns([0.65, 0.35]) if presenting else (st.container(), st.container())
    with side:
        speed = url_state.radio(
            t("optimiseur.animation.speed"),
            tuple(SPEEDS_MS),
            key="vitesse",
            index=1,
            format_func=lambda s: f"× {s}",
            horizontal=True,
        )
    with chart_area:
        st.vega_lite_chart(
            cached_chart_spec(experiment, speed, current_language(), preview=not predicted, compact=presenting),
            key=CHART_KEY,
            on_select=guarded_callback(PAGE_ID, use_clicked_start),
            selection_mode=[START_SELECTION],
            width="content",
            alt=sections.chart_description(name, labels, results, chosen)
            if predicted
            else t("optimiseur.animation.preview_alt", surface=t(f"optimiseur.surface.{name}")),
        )
    with side if presenting else chart_area:
        if not predicted:
            st.caption(t("optimiseur.animation.preview"))
        else:
            st.caption(t("optimiseur.animation.how"))
            st.html(ANIMATION_KEYS_JS, unsafe_allow_javascript=True)


optimizer_experiment()
exercises_section(deck, EXERCISES)
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
