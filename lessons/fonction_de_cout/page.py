"""Lesson "Fonction de coût": fit a line by hand and watch MSE and MAE judge the errors.

The core is the regression with its outlier and the landscape over (w, b); other losses,
`reduction`, a custom loss and classification are folded below "Pour aller plus loin"."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.charts import show_chart_with_data
from components.code_twin import code_twin
from components.exercise_panel import exercise_slides, exercises_section
from components.fragments import partial_rerun
from components.further import further_reading
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, make_dataset
from components.slides import Deck, lesson_deck, presentation_mode
from lessons.catalog import ALL_LESSONS
from lessons.fonction_de_cout import classification, core, sections
from lessons.fonction_de_cout.charts import data_chart, data_chart_data
from lessons.fonction_de_cout.exercises import EXERCISES
from lessons.fonction_de_cout.snippets import loss_script

PAGE_ID = "fonction_de_cout"
DATA_CHART_HEIGHT = {False: 340, True: 260}  # px, by presentation mode: a slide fits a projector


@st.cache_data(max_entries=256, show_spinner=False)
def cached_dataset(settings: DataSettings) -> Dataset:
    return make_dataset(settings)


def loss_labels() -> dict[str, str]:
    names = {**core.MODULE_NAMES, "log_cosh": "log-cosh", "weighted_mse": t("fonction_de_cout.custom.weighted_mse")}
    return names


def data_controls(stacked: bool = False) -> DataSettings:
    """In a row, or one above the other in a slide's narrow column."""
    columns = [st.container() for _ in range(4)] if stacked else st.columns(4)
    with columns[0]:
        noise = url_state.slider(
            t("fonction_de_cout.data.noise"), key="bruit", min_value=0.0, max_value=2.0, value=0.5, step=0.1
        )
    with columns[1]:
        outliers = url_state.slider(
            t("fonction_de_cout.data.outliers"), key="aberrants", min_value=0, max_value=3, value=1
        )
    with columns[2]:
        size = url_state.slider(
            t("fonction_de_cout.data.outlier_size"), key="ecart", min_value=0.0, max_value=15.0, value=8.0, step=0.5
        )
    with columns[3]:
        seed = url_state.number_input(
            t("fonction_de_cout.data.seed"), key="graine", min_value=0, max_value=1000, value=0
        )
    return DataSettings(noise, outliers, size, seed)


def model_controls() -> tuple[float, float]:
    """`w` and `b`: side by side, or one above the other in a slide's narrow column."""
    stacked = presentation_mode()
    columns = [st.container(), st.container()] if stacked else st.columns(2)
    with columns[0]:
        w = url_state.slider("w", key="w", min_value=W_RANGE[0], max_value=W_RANGE[1], value=1.0, step=0.05)
    with columns[1]:
        b = url_state.slider("b", key="b", min_value=B_RANGE[0], max_value=B_RANGE[1], value=0.0, step=0.05)
    return w, b


def regression_section(deck: Deck) -> tuple[Dataset, DataSettings, float, float]:
    """The line fitted by hand; in presentation mode, three slides: the line and its
    losses, the data with the outlier question, then the question's result."""
    line_slide, outlier_slide, result_slide = (deck.slide(s) for s in ("regression", "aberrantes", "contributions"))
    with line_slide:
        st.header(t("fonction_de_cout.regression.title"), divider="gray")
        st.markdown(t("fonction_de_cout.regression.intro"))
    # On a slide, the data's controls stand in a column beside the outlier question.
    data_column, question_column = (None, None)
    if deck.active:
        with outlier_slide:
            data_column, question_column = st.columns([1, 3], gap="large")
    with data_column or line_slide:
        settings = data_controls(stacked=deck.active)
    data = cached_dataset(settings)
    with line_slide:
        # In presentation mode the controls and losses stand beside the chart: one screen.
        left, right = st.columns([2, 3], gap="large") if deck.active else (st.container(), st.container())
        with left:
            w, b = model_controls()
            losses = core.regression_losses(data, w, b, 1.0)  # delta only matters to Huber and SmoothL1
            columns = st.columns(len(core.CORE_LOSSES))
            for column, name in zip(columns, core.CORE_LOSSES, strict=True):
                column.metric(core.MODULE_NAMES[name], f"{losses[name]:.4f}")
        with right:
            titles = {"outlier": t("fonction_de_cout.data.outlier"), "point": t("fonction_de_cout.data.point")}
            show_chart_with_data(
                data_chart,
                titles,
                DATA_CHART_HEIGHT[deck.active],
                datasets=data_chart_data(core.points_frame(data, w, b), w, b),
                alt=t(
                    "fonction_de_cout.regression.chart_alt",
                    w=w,
                    b=b,
                    mse=f"{losses['mse']:.3f}",
                    mae=f"{losses['mae']:.3f}",
                ),
            )
    sections.outlier_section(settings, data, w, b, losses, question_column or outlier_slide, result_slide)
    return data, settings, w, b


def folded_slides(deck: Deck, topic: str) -> Callable[[str], AbstractContextManager]:
    """`fold(slide_id)`: where one part of a "Pour aller plus loin" topic draws. In
    presentation mode each part is a slide with its own fold; otherwise all the parts
    share one fold, made where the first part draws."""
    if deck.active:

        @contextmanager
        def slide_fold(slide_id: str) -> Iterator[None]:
            with deck.slide(slide_id), further_reading(topic):
                yield

        return slide_fold
    folds = []

    def shared_fold(slide_id: str) -> AbstractContextManager:
        if not folds:
            folds.append(further_reading(topic))
        return folds[0]

    return shared_fold


# The core (the regression, its outlier, the landscape) first; the other topics below the
# "Pour aller plus loin" boundary, folded, each still a slide of its own.
deck = lesson_deck(
    PAGE_ID,
    "fonction_de_cout",
    [
        ("regression", "fonction_de_cout.regression.title"),
        ("aberrantes", "fonction_de_cout.regression.outlier_title"),
        ("contributions", "fonction_de_cout.regression.contributions_title"),
        ("paysage", "fonction_de_cout.landscape.title"),
        ("formes", "fonction_de_cout.shapes.title"),
        ("reduction", "fonction_de_cout.reduction.title"),
        ("reduction_resultat", "fonction_de_cout.reduction.result_title"),
        ("perso", "fonction_de_cout.custom.title"),
        ("classification", "fonction_de_cout.classification.title"),
        ("binaire", "fonction_de_cout.binary.title"),
        ("stabilite", "fonction_de_cout.stability.title"),
    ],
    exercise_slides(EXERCISES),
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
@partial_rerun(PAGE_ID)
def loss_experiment() -> None:
    data, settings, w, b = regression_section(deck)
    with deck.slide("paysage"):
        landscape_place = st.container()  # drawn once delta and the custom loss are known
    with deck.slide("formes"), further_reading(t("fonction_de_cout.shapes.topic")):
        losses_place, shapes_place = sections.shapes_columns()  # the chart: once the custom loss is known
        with losses_place:
            delta = sections.other_losses_section(data, w, b)
    sections.reduction_section(data, w, b, folded_slides(deck, t("fonction_de_cout.reduction.topic")))
    with deck.slide("perso"), further_reading(t("fonction_de_cout.custom.topic")):
        custom = sections.custom_section(data, w, b, delta)
    logits, true_class = classification.classification_section(
        folded_slides(deck, t("fonction_de_cout.classification.topic"))
    )
    with shapes_place:
        sections.shapes_section(data, w, b, delta, custom, loss_labels())
    with landscape_place:
        sections.landscape_section(settings, data, w, b, delta, loss_labels())
    with deck.slide("code"):
        st.header(t("fonction_de_cout.twin_title"), divider="gray")
        code_twin(
            loss_script(settings, w, b, delta, logits, true_class, custom, current_language()), "fonction_de_cout.py"
        )
    with deck.slide("quiz"):
        st.header(t("fonction_de_cout.quiz_title"), divider="gray")
        sections.quiz_section(logits, true_class)


loss_experiment()
exercises_section(deck, EXERCISES)
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
