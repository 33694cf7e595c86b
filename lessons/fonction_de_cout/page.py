"""Lesson "Fonction de coût": fit a line by hand and watch each loss judge the errors."""

import streamlit as st

from components import url_state
from components.chapter_path import chapter_links
from components.charts import show_chart_with_data
from components.code_twin import code_twin
from components.fragments import partial_rerun
from components.i18n import current_language, t
from components.lesson_intro import lesson_intro
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, make_dataset
from components.slides import lesson_deck
from lessons.catalog import ALL_LESSONS
from lessons.fonction_de_cout import core, sections
from lessons.fonction_de_cout.charts import (
    contributions_chart,
    contributions_chart_data,
    data_chart,
    data_chart_data,
    loss_names,
)
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


def model_controls() -> tuple[float, float, float]:
    columns = st.columns(3)
    with columns[0]:
        w = url_state.slider("w", key="w", min_value=W_RANGE[0], max_value=W_RANGE[1], value=1.0, step=0.05)
    with columns[1]:
        b = url_state.slider("b", key="b", min_value=B_RANGE[0], max_value=B_RANGE[1], value=0.0, step=0.05)
    with columns[2]:
        delta = url_state.slider(
            t("fonction_de_cout.model.delta"), key="delta", min_value=0.2, max_value=3.0, value=1.0, step=0.1
        )
    return w, b, delta


def regression_section() -> tuple[Dataset, DataSettings, float, float, float]:
    st.header(t("fonction_de_cout.regression.title"), divider="gray")
    st.markdown(t("fonction_de_cout.regression.intro"))
    settings = data_controls()
    data = cached_dataset(settings)
    w, b, delta = model_controls()
    losses = core.regression_losses(data, w, b, delta)
    columns = st.columns(4)
    for column, name in zip(columns, core.LOSSES, strict=True):
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
    st.subheader(t("fonction_de_cout.regression.contributions_title"))
    st.markdown(t("fonction_de_cout.regression.contributions_intro"))
    share = core.contributions(data, w, b, delta)
    labels = loss_labels()
    show_chart_with_data(
        contributions_chart,
        loss_names(share),
        labels,
        t("fonction_de_cout.regression.share"),
        datasets=contributions_chart_data(share, labels),
        alt=t("fonction_de_cout.regression.contributions_alt"),
    )
    if settings.outliers > 0:
        outlier_share = {
            name: share[(share["loss"] == name) & share["outlier"]]["value"].sum() / max(losses[name], 1e-12)
            for name in ("mse", "mae")
        }
        st.markdown(
            t(
                "fonction_de_cout.regression.outlier_share",
                mse=f"{outlier_share['mse']:.0%}",
                mae=f"{outlier_share['mae']:.0%}",
            )
        )
    return data, settings, w, b, delta


deck = lesson_deck(
    PAGE_ID,
    "fonction_de_cout",
    [
        ("regression", "fonction_de_cout.regression.title"),
        ("formes", "fonction_de_cout.shapes.title"),
        ("paysage", "fonction_de_cout.landscape.title"),
        ("classification", "fonction_de_cout.classification.title"),
        ("reduction", "fonction_de_cout.reduction.title"),
        ("perso", "fonction_de_cout.custom.title"),
    ],
)
with deck.slide("intro"):
    lesson_intro(PAGE_ID)


# Everything below reads the experiment's widgets (the code twin and the quiz too): one
# fragment, so moving a widget redraws the lesson without the router and the sidebar.
@partial_rerun(PAGE_ID)
def loss_experiment() -> None:
    with deck.slide("regression"):
        data, settings, w, b, delta = regression_section()
    with deck.slide("formes"):
        shapes_place = st.container()  # drawn once the custom loss's widget has checked its value
    with deck.slide("paysage"):
        sections.landscape_section(settings, data, w, b, delta, loss_labels())
    with deck.slide("classification"):
        logits, true_class = sections.classification_section()
    with deck.slide("reduction"):
        sections.reduction_section(data, w, b)
    with deck.slide("perso"):
        custom = sections.custom_section(data, w, b, delta)
    with shapes_place:
        sections.shapes_section(data, w, b, delta, custom, loss_labels())
    with deck.slide("code"):
        st.header(t("fonction_de_cout.twin_title"), divider="gray")
        code_twin(
            loss_script(settings, w, b, delta, logits, true_class, custom, current_language()), "fonction_de_cout.py"
        )
    with deck.slide("quiz"):
        st.header(t("fonction_de_cout.quiz_title"), divider="gray")
        sections.quiz_section(settings, data, w, b, delta, logits, true_class)


loss_experiment()
chapter_links(PAGE_ID, ALL_LESSONS)
