"""Sections of the loss page: the outlier question and its result, the landscape (the
core), then the folded "Pour aller plus loin" topics (other losses, reduction, a custom
loss) and the final quiz. Classification, also folded, is in classification.py."""

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import pandas as pd
import streamlit as st

from components import url_state
from components.charts import show_chart_with_data
from components.i18n import t, tn
from components.quiz import ChoiceQuestion, NumberQuestion, predict_first, quiz, result_pending
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, make_dataset
from components.slides import presentation_mode
from lessons.fonction_de_cout import core
from lessons.fonction_de_cout.charts import (
    contributions_chart,
    contributions_chart_data,
    landscape_chart,
    landscape_chart_data,
    loss_names,
    shapes_chart,
    shapes_chart_data,
)

PAGE_ID = "fonction_de_cout"
LANDSCAPE_STEPS = 41


@st.cache_data(max_entries=128, show_spinner=False)
def cached_landscape(settings: DataSettings, name: str, delta: float) -> pd.DataFrame:
    return core.landscape(make_dataset(settings), name, delta, LANDSCAPE_STEPS)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_best(settings: DataSettings, name: str, delta: float) -> tuple[float, float]:
    return core.best_parameters(make_dataset(settings), name, delta)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_shapes(delta: float, custom: str) -> pd.DataFrame:
    return core.loss_shapes(delta, custom)


# --- 1. The outlier: predict, then see what doubling it does ---------------------------


def outlier_doubling(settings: DataSettings, data: Dataset, w: float, b: float) -> core.OutlierDoubling:
    doubled = make_dataset(dataclasses.replace(settings, outlier_size=settings.outlier_size * 2))
    return core.outlier_doubling(data, doubled, w, b)


def _values(values: tuple[float, ...], square: bool = False, absolute: bool = False) -> str:
    shown = [v**2 if square else abs(v) if absolute else v for v in values]
    text = ", ".join(f"{v:.2f}" for v in shown)
    return text if len(shown) == 1 else f"({text})"


def outlier_question(settings: DataSettings, doubling: core.OutlierDoubling, winner: str) -> ChoiceQuestion:
    """Which core loss grows most when the outliers' gap doubles: asked only when PyTorch's
    answer is clear at the shown precision (`winner`)."""
    growth = doubling.growth
    before, after = doubling.residuals_before, doubling.residuals_after
    changes = tn(
        "fonction_de_cout.quiz.outlier_changes",
        len(before),
        residuals=_values(before),
        residuals_after=_values(after),
        squares=_values(before, square=True),
        squares_after=_values(after, square=True),
        absolutes=_values(before, absolute=True),
        absolutes_after=_values(after, absolute=True),
    )
    points = doubling.points
    return ChoiceQuestion(
        "outlier_doubles",
        t("fonction_de_cout.quiz.outlier", size=settings.outlier_size, double=settings.outlier_size * 2),
        choices=tuple(core.MODULE_NAMES[name] for name in core.CORE_LOSSES),
        expected=core.MODULE_NAMES[winner],
        explanation=t(
            "fonction_de_cout.quiz.outlier_why",
            mse_before=f"{doubling.before['mse']:.4f}",
            mse_after=f"{doubling.after['mse']:.4f}",
            mse_growth=f"{growth['mse']:+.4f}",
            mae_before=f"{doubling.before['mae']:.4f}",
            mae_after=f"{doubling.after['mae']:.4f}",
            mae_growth=f"{growth['mae']:+.4f}",
            changes=changes,
            n=points,
            square_change=f"{growth['mse'] * points:+.2f}",
            absolute_change=f"{growth['mae'] * points:+.2f}",
            verdict=t(f"fonction_de_cout.quiz.verdict_{winner}"),
        ),
    )


def outlier_section(
    settings: DataSettings,
    data: Dataset,
    w: float,
    b: float,
    losses: dict[str, float],
    question_slide: AbstractContextManager | None = None,
    result_slide: AbstractContextManager | None = None,
) -> None:
    """The question first; its result (the losses with the gap doubled, and each point's
    share of the loss) only once the learner answered or asked to see it. In presentation
    mode the result is the next slide: predict, then "next" to see."""
    question_slide = question_slide or nullcontext()
    result_slide = result_slide or nullcontext()
    has_outlier = settings.outliers > 0 and settings.outlier_size > 0
    doubling = outlier_doubling(settings, data, w, b) if has_outlier else None
    winner = doubling.clear_winner() if doubling is not None else None
    with question_slide:
        if doubling is None:
            st.caption(t("fonction_de_cout.regression.need_outlier"))
        elif winner is None:
            st.caption(t("fonction_de_cout.regression.no_question"))
        elif not predict_first(PAGE_ID, outlier_question(settings, doubling, winner)):
            if presentation_mode():
                with result_slide:
                    st.subheader(t("fonction_de_cout.regression.contributions_title"))
                    result_pending(PAGE_ID, "outlier_doubles")
            return
    with result_slide:
        compact = presentation_mode()  # a slide: the doubled losses beside the chart of shares
        if doubling is not None and not compact:
            doubled_metrics(settings, doubling, st.columns(len(core.CORE_LOSSES)))
        contributions_section(settings, data, w, b, losses, doubling if compact else None)


def doubled_metrics(settings: DataSettings, doubling: core.OutlierDoubling, columns) -> None:
    double = settings.outlier_size * 2
    for column, name in zip(columns, core.CORE_LOSSES, strict=True):
        column.metric(
            t("fonction_de_cout.regression.doubled_metric", loss=core.MODULE_NAMES[name], size=double),
            f"{doubling.after[name]:.4f}",
            delta=f"{doubling.growth[name]:+.4f}",
            delta_color="off",
        )


def contributions_section(
    settings: DataSettings,
    data: Dataset,
    w: float,
    b: float,
    losses: dict[str, float],
    doubling: core.OutlierDoubling | None = None,
) -> None:
    """Each point's share of the losses; with `doubling` (on a slide), the doubled losses
    and the outliers' share stand beside the chart."""
    st.subheader(t("fonction_de_cout.regression.contributions_title"))
    st.markdown(t("fonction_de_cout.regression.contributions_intro"))
    share = core.contributions(data, w, b, 1.0, names=core.CORE_LOSSES)  # delta: Huber's only
    labels = dict(core.MODULE_NAMES)
    left, right = st.columns([3, 2], gap="large") if doubling is not None else (st.container(), st.container())
    with right:
        if doubling is not None:
            doubled_metrics(settings, doubling, [st.container() for _ in core.CORE_LOSSES])
    with left:
        show_chart_with_data(
            contributions_chart,
            loss_names(share),
            labels,
            t("fonction_de_cout.regression.share"),
            260 if doubling is None else 170,
            datasets=contributions_chart_data(share, labels),
            alt=t("fonction_de_cout.regression.contributions_alt"),
        )
    if settings.outliers > 0:
        outlier_share = {
            name: share[(share["loss"] == name) & share["outlier"]]["value"].sum() / max(losses[name], 1e-12)
            for name in core.CORE_LOSSES
        }
        right.markdown(
            t(
                "fonction_de_cout.regression.outlier_share",
                mse=f"{outlier_share['mse']:.0%}",
                mae=f"{outlier_share['mae']:.0%}",
            )
        )


# --- 2. The landscape ----------------------------------------------------------------------


def landscape_section(
    settings: DataSettings, data: Dataset, w: float, b: float, delta: float, labels: dict[str, str]
) -> tuple[float, float]:
    """`settings` (the data widgets' values) keys the cached landscape and optimum; the
    loss list holds every loss of the page, the folded ones included."""
    st.header(t("fonction_de_cout.landscape.title"), divider="gray")
    st.markdown(t("fonction_de_cout.landscape.intro"))
    names = (*core.LOSSES, *core.CUSTOM_LOSSES)
    compact = presentation_mode()  # a slide: the loss chosen beside the chart, which is smaller
    left, right = st.columns([3, 2], gap="large") if compact else (None, None)
    with right or nullcontext():
        name = url_state.selectbox(t("fonction_de_cout.landscape.loss"), names, key="paysage", format_func=labels.get)
    if not compact:
        left, right = st.columns([3, 2], gap="large")
    best = cached_best(settings, name, delta)
    current_loss = core.loss_function(name, delta)(w * data.x + b, data.y).item()
    best_loss = core.loss_function(name, delta)(best[0] * data.x + best[1], data.y).item()
    with left:
        steps = (
            (W_RANGE[1] - W_RANGE[0]) / (LANDSCAPE_STEPS - 1),
            (B_RANGE[1] - B_RANGE[0]) / (LANDSCAPE_STEPS - 1),
        )
        titles = {
            "loss": labels[name],
            "current": t("fonction_de_cout.landscape.current"),
            "best": t("fonction_de_cout.landscape.best"),
        }
        show_chart_with_data(
            landscape_chart,
            titles,
            steps,
            300 if compact else 380,
            datasets=landscape_chart_data(cached_landscape(settings, name, delta), (w, b), best, titles),
            alt=t("fonction_de_cout.landscape.chart_alt", loss=labels[name], w=f"{best[0]:.3f}", b=f"{best[1]:.3f}"),
        )
    with right:
        metrics = st.columns(2) if compact else (st.container(), st.container())
        metrics[0].metric(t("fonction_de_cout.landscape.current_metric"), f"{current_loss:.4f}")
        metrics[1].metric(t("fonction_de_cout.landscape.best_metric"), f"{best_loss:.4f}")
        st.markdown(t("fonction_de_cout.landscape.best_point", w=f"{best[0]:.3f}", b=f"{best[1]:.3f}"))
        st.caption(t("fonction_de_cout.landscape.how_mse" if name == "mse" else "fonction_de_cout.landscape.how_other"))
    return best


# --- Pour aller plus loin ---------------------------------------------------------------------


def delta_controls() -> float:
    return url_state.slider(
        t("fonction_de_cout.model.delta"), key="delta", min_value=0.2, max_value=3.0, value=1.0, step=0.1
    )


def other_losses_section(data: Dataset, w: float, b: float) -> float:
    """Huber and SmoothL1: their delta, their values. Their curves are drawn by
    `shapes_section` once the custom loss is chosen."""
    st.markdown(t("fonction_de_cout.shapes.intro"))
    delta = delta_controls()
    losses = core.regression_losses(data, w, b, delta)
    columns = st.columns(2)
    for column, name in zip(columns, ("huber", "smooth_l1"), strict=True):
        column.metric(core.MODULE_NAMES[name], f"{losses[name]:.4f}")
    return delta


def shapes_columns() -> tuple[AbstractContextManager, AbstractContextManager]:
    """Where `other_losses_section` and `shapes_section` draw: one above the other, or side
    by side on a slide."""
    if presentation_mode():
        left, right = st.columns([2, 3], gap="large")
        return left, right
    return st.container(), st.container()


def shapes_section(data: Dataset, w: float, b: float, delta: float, custom: str, labels: dict[str, str]) -> None:
    residuals = (w * data.x + b - data.y).tolist()
    titles = {"residual": t("fonction_de_cout.shapes.residual"), "loss": t("fonction_de_cout.shapes.loss")}
    shapes = cached_shapes(delta, custom)
    show_chart_with_data(
        shapes_chart,
        loss_names(shapes),
        labels,
        titles,
        240 if presentation_mode() else 320,
        datasets=shapes_chart_data(shapes, residuals, labels),
        alt=t("fonction_de_cout.shapes.chart_alt", delta=delta),
    )


def sum_question(result: core.Reductions) -> NumberQuestion:
    n = len(result.none)
    return NumberQuestion(
        "sum",
        t("fonction_de_cout.quiz.sum", mean=f"{result.mean:.4f}", n=n),
        expected=result.sum,
        explanation=t("fonction_de_cout.quiz.sum_why", mean=f"{result.mean:.6f}", sum=f"{result.sum:.4f}", n=n),
        tolerance=0.05,
    )


def reduction_section(
    data: Dataset, w: float, b: float, fold: Callable[[str], AbstractContextManager] | None = None
) -> None:
    """The sum question comes before the metrics that answer it; `fold(slide_id)` is where
    each part draws (in presentation mode, the question and its result are two slides)."""
    fold = fold or (lambda slide_id: nullcontext())
    compact = presentation_mode()
    result = core.reductions(data, w, b)
    with fold("reduction"):
        left, right = st.columns(2, gap="large") if compact else (st.container(), st.container())
        with left:
            st.markdown(t("fonction_de_cout.reduction.intro"))
            st.code(
                "prediction = w * x + b\n"
                'nn.MSELoss(reduction="mean")(prediction, y)\n'
                'nn.MSELoss(reduction="sum")(prediction, y)\n'
                'nn.MSELoss(reduction="none")(prediction, y)\n'
                f"((prediction - y) ** 2).mean()   # {t('fonction_de_cout.reduction.by_hand')}",
                language="python",
            )
        with right:
            shown = predict_first(PAGE_ID, sum_question(result))
    with fold("reduction_resultat"):
        if not shown:
            if compact:  # its question is on the slide before
                result_pending(PAGE_ID, "sum")
            return
        columns = st.columns(3)
        columns[0].metric('reduction="mean"', f"{result.mean:.4f}")
        columns[1].metric('reduction="sum"', f"{result.sum:.4f}")
        columns[2].metric("((prediction - y) ** 2).mean()", f"{result.by_hand:.4f}")
        st.markdown(
            t("fonction_de_cout.reduction.none", values=", ".join(f"{v:.2f}" for v in result.none), n=len(result.none))
        )


def custom_section(data: Dataset, w: float, b: float, delta: float) -> str:
    st.markdown(t("fonction_de_cout.custom.intro"))
    compact = presentation_mode()  # a slide: the choice beside its code
    left, right = st.columns(2, gap="large") if compact else (st.container(), st.container())
    with left:
        name = url_state.selectbox(
            t("fonction_de_cout.custom.choice"),
            tuple(core.CUSTOM_LOSSES),
            key="perso",
            format_func=lambda option: t(f"fonction_de_cout.custom.{option}"),
        )
        st.markdown(t(f"fonction_de_cout.custom.{name}_why"))
    with right:
        st.code(core.custom_loss_source(name), language="python")
    value = core.loss_function(name, delta)(w * data.x + b, data.y).item()
    by_autograd = core.loss_gradient(data, name, delta, w, b)
    by_difference = core.finite_difference_gradient(data, name, delta, w, b)
    columns = st.columns(3)
    columns[0].metric(t("fonction_de_cout.custom.value"), f"{value:.4f}")
    columns[1].metric(
        "dL/dw (autograd)", f"{by_autograd[0]:.5f}", help=t("fonction_de_cout.custom.fd", fd=f"{by_difference[0]:.5f}")
    )
    columns[2].metric(
        "dL/db (autograd)", f"{by_autograd[1]:.5f}", help=t("fonction_de_cout.custom.fd", fd=f"{by_difference[1]:.5f}")
    )
    agree = all(abs(a - d) <= 1e-4 * (1 + abs(a)) for a, d in zip(by_autograd, by_difference, strict=True))
    st.markdown(
        t("fonction_de_cout.custom.check", dw=f"{by_difference[0]:.5f}", db=f"{by_difference[1]:.5f}", agree=agree)
    )
    return name


# --- The final quiz: questions whose answer the page does not show -------------------------


def other_class_question(logits: tuple[float, ...], true_class: int) -> NumberQuestion:
    other = (true_class + 1) % len(logits)
    result = core.classification(logits, other)
    return NumberQuestion(
        "other_class",
        t(
            "fonction_de_cout.quiz.other_class",
            other=other,
            true=true_class,
            logits=", ".join(f"{logit:g}" for logit in logits),
        ),
        expected=result.cross_entropy,
        explanation=t(
            "fonction_de_cout.quiz.other_class_why",
            other=other,
            p=f"{result.probabilities[other]:.4f}",
            loss=f"{result.cross_entropy:.4f}",
        ),
    )


def quiz_section(logits: tuple[float, ...], true_class: int) -> None:
    """The loss for another true class: the page shows only the true class's loss (the
    learner can check by changing the true class in the classification fold)."""
    quiz(PAGE_ID, other_class_question(logits, true_class))
