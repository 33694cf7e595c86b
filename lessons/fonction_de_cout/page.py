"""Lesson "Fonction de coût": fit a line by hand and watch MSE and MAE judge the errors.

The core is the regression with its outlier and the landscape over (w, b); other losses,
`reduction`, a custom loss and classification are folded below "Pour aller plus loin"."""

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.charts import show_chart_with_data
from components.code_twin import code_twin
from components.fragments import partial_rerun
from components.further import further_reading
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, make_dataset
from components.slides import lesson_deck
from lessons.catalog import ALL_LESSONS
from lessons.fonction_de_cout import classification, core, sections
from lessons.fonction_de_cout.charts import data_chart, data_chart_data
from lessons.fonction_de_cout.snippets import loss_script

PAGE_ID = "fonction_de_cout"


@st.cache_data(max_entries=256, show_spinner=False)
def cached_dataset(settings: DataSettings) -> Dataset:
    return make_dataset(settings)


def loss_labels() -> dict[str, str]:
    names = {**core.MODULE_NAMES, "log_cosh": "log-cosh", "weighted_mse": t("fonction_de_cout.custom.weighted_mse")}
    return names


def data_controls() -> DataSettings:
    columns = st.columns(4)
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
    columns = st.columns(2)
    with columns[0]:
        w = url_state.slider("w", key="w", min_value=W_RANGE[0], max_value=W_RANGE[1], value=1.0, step=0.05)
    with columns[1]:
        b = url_state.slider("b", key="b", min_value=B_RANGE[0], max_value=B_RANGE[1], value=0.0, step=0.05)
    return w, b


def regression_section() -> tuple[Dataset, DataSettings, float, float]:
    st.header(t("fonction_de_cout.regression.title"), divider="gray")
    st.markdown(t("fonction_de_cout.regression.intro"))
    settings = data_controls()
    data = cached_dataset(settings)
    w, b = model_controls()
    losses = core.regression_losses(data, w, b, 1.0)  # delta only matters to Huber and SmoothL1
    columns = st.columns(len(core.CORE_LOSSES))
    for column, name in zip(columns, core.CORE_LOSSES, strict=True):
        column.metric(core.MODULE_NAMES[name], f"{losses[name]:.4f}")
    titles = {"outlier": t("fonction_de_cout.data.outlier"), "point": t("fonction_de_cout.data.point")}
    show_chart_with_data(
        data_chart,
        titles,
        datasets=data_chart_data(core.points_frame(data, w, b), w, b),
        alt=t(
            "fonction_de_cout.regression.chart_alt", w=w, b=b, mse=f"{losses['mse']:.3f}", mae=f"{losses['mae']:.3f}"
        ),
    )
    sections.outlier_section(settings, data, w, b, losses)
    return data, settings, w, b


# The core (the regression, its outlier, the landscape) first; the other topics below the
# "Pour aller plus loin" boundary, folded, each still a slide of its own.
deck = lesson_deck(
    PAGE_ID,
    "fonction_de_cout",
    [
        ("regression", "fonction_de_cout.regression.title"),
        ("paysage", "fonction_de_cout.landscape.title"),
        ("formes", "fonction_de_cout.shapes.title"),
        ("reduction", "fonction_de_cout.reduction.title"),
        ("perso", "fonction_de_cout.custom.title"),
        ("classification", "fonction_de_cout.classification.title"),
    ],
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
@partial_rerun(PAGE_ID)
def loss_experiment() -> None:
    with deck.slide("regression"):
        data, settings, w, b = regression_section()
    with deck.slide("paysage"):
        landscape_place = st.container()  # drawn once delta and the custom loss are known
    with deck.slide("formes"), further_reading(t("fonction_de_cout.shapes.topic")):
        delta = sections.other_losses_section(data, w, b)
        shapes_place = st.container()  # drawn once the custom loss's widget has checked its value
    with deck.slide("reduction"), further_reading(t("fonction_de_cout.reduction.topic")):
        sections.reduction_section(data, w, b)
    with deck.slide("perso"), further_reading(t("fonction_de_cout.custom.topic")):
        custom = sections.custom_section(data, w, b, delta)
    with deck.slide("classification"), further_reading(t("fonction_de_cout.classification.topic")):
        logits, true_class = classification.classification_section()
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
chapter_links(PAGE_ID, ALL_LESSONS, shown=deck.on_last_slide)
