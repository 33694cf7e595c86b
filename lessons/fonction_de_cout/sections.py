"""Sections of the loss page after the regression: shapes, landscape, classification,
reduction, a custom loss, and the quiz."""

import dataclasses

import pandas as pd
import streamlit as st

from components import url_state
from components.charts import show_chart, show_chart_with_data
from components.i18n import t
from components.quiz import ChoiceQuestion, NumberQuestion, quiz
from components.regression import B_RANGE, W_RANGE, Dataset, DataSettings, make_dataset
from lessons.fonction_de_cout import core
from lessons.fonction_de_cout.charts import (
    landscape_chart,
    landscape_chart_data,
    loss_names,
    probabilities_chart,
    shapes_chart,
    shapes_chart_data,
)

PAGE_ID = "fonction_de_cout"
LANDSCAPE_STEPS = 41
EXTREME_LOGITS = ("10", "100", "1000", "10000")


@st.cache_data(max_entries=128, show_spinner=False)
def cached_landscape(settings: DataSettings, name: str, delta: float) -> pd.DataFrame:
    return core.landscape(make_dataset(settings), name, delta, LANDSCAPE_STEPS)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_best(settings: DataSettings, name: str, delta: float) -> tuple[float, float]:
    return core.best_parameters(make_dataset(settings), name, delta)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_shapes(delta: float, custom: str) -> pd.DataFrame:
    return core.loss_shapes(delta, custom)


def shapes_section(data: Dataset, w: float, b: float, delta: float, custom: str, labels: dict[str, str]) -> None:
    st.header(t("fonction_de_cout.shapes.title"), divider="gray")
    st.markdown(t("fonction_de_cout.shapes.intro", delta=delta))
    residuals = (w * data.x + b - data.y).tolist()
    titles = {"residual": t("fonction_de_cout.shapes.residual"), "loss": t("fonction_de_cout.shapes.loss")}
    shapes = cached_shapes(delta, custom)
    show_chart_with_data(
        shapes_chart,
        loss_names(shapes),
        labels,
        titles,
        datasets=shapes_chart_data(shapes, residuals, labels),
        alt=t("fonction_de_cout.shapes.chart_alt", delta=delta),
    )


def landscape_section(
    settings: DataSettings, data: Dataset, w: float, b: float, delta: float, labels: dict[str, str]
) -> tuple[float, float]:
    """`settings` (the data widgets' values) keys the cached landscape and optimum."""
    st.header(t("fonction_de_cout.landscape.title"), divider="gray")
    st.markdown(t("fonction_de_cout.landscape.intro"))
    names = (*core.LOSSES, *core.CUSTOM_LOSSES)
    name = url_state.selectbox(t("fonction_de_cout.landscape.loss"), names, key="paysage", format_func=labels.get)
    best = cached_best(settings, name, delta)
    current_loss = core.loss_function(name, delta)(w * data.x + b, data.y).item()
    best_loss = core.loss_function(name, delta)(best[0] * data.x + best[1], data.y).item()
    left, right = st.columns([3, 2], gap="large")
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
            datasets=landscape_chart_data(cached_landscape(settings, name, delta), (w, b), best, titles),
            alt=t("fonction_de_cout.landscape.chart_alt", loss=labels[name], w=f"{best[0]:.3f}", b=f"{best[1]:.3f}"),
        )
    with right:
        st.metric(t("fonction_de_cout.landscape.current_metric"), f"{current_loss:.4f}")
        st.metric(t("fonction_de_cout.landscape.best_metric"), f"{best_loss:.4f}")
        st.markdown(t("fonction_de_cout.landscape.best_point", w=f"{best[0]:.3f}", b=f"{best[1]:.3f}"))
        st.caption(t("fonction_de_cout.landscape.how_mse" if name == "mse" else "fonction_de_cout.landscape.how_other"))
    return best


def classification_section() -> tuple[tuple[float, ...], int]:
    st.header(t("fonction_de_cout.classification.title"), divider="gray")
    st.markdown(t("fonction_de_cout.classification.intro"))
    classes = url_state.slider(
        t("fonction_de_cout.classification.classes"), key="classes", min_value=2, max_value=4, value=3
    )
    columns = st.columns(classes)
    defaults = (2.0, 0.5, -1.0, 0.0)
    logits = tuple(column_slider(columns[k], f"z{k}", f"z{k}", defaults[k]) for k in range(classes))
    true_class = int(
        url_state.selectbox(
            t("fonction_de_cout.classification.true_class"), [str(k) for k in range(classes)], key="vraie"
        )
    )
    result = core.classification(logits, true_class)
    frame = pd.DataFrame(
        {
            "class": [str(k) for k in range(classes)],
            "probability": result.probabilities,
            "true": [k == true_class for k in range(classes)],
        }
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        titles = {
            "class": t("fonction_de_cout.classification.class"),
            "probability": t("fonction_de_cout.classification.probability"),
        }
        show_chart(
            probabilities_chart,
            frame,
            titles,
            alt=t(
                "fonction_de_cout.classification.chart_alt",
                probabilities=", ".join(f"{p:.2f}" for p in result.probabilities),
            ),
        )
    with right:
        st.metric("nn.CrossEntropyLoss", f"{result.cross_entropy:.4f}")
        st.markdown(
            t(
                "fonction_de_cout.classification.by_hand",
                p=f"{result.probabilities[true_class]:.4f}",
                loss=f"{result.minus_log_p:.4f}",
            )
        )
    confident_wrong = core.classification(
        tuple(6.0 if k == (true_class + 1) % classes else 0.0 for k in range(classes)), true_class
    )
    hesitant = core.classification(tuple(0.0 for _ in range(classes)), true_class)
    st.markdown(
        t(
            "fonction_de_cout.classification.confident",
            wrong=f"{confident_wrong.cross_entropy:.3f}",
            hesitant=f"{hesitant.cross_entropy:.3f}",
        )
    )
    binary_section()
    stability_section()
    return logits, true_class


def column_slider(column, label: str, key: str, default: float) -> float:
    with column:
        return url_state.slider(label, key=key, min_value=-6.0, max_value=6.0, value=default, step=0.1)


def binary_section() -> None:
    st.subheader(t("fonction_de_cout.binary.title"))
    left, right = st.columns(2)
    with left:
        logit = url_state.slider(
            t("fonction_de_cout.binary.logit"), key="zb", min_value=-8.0, max_value=8.0, value=1.0, step=0.1
        )
    with right:
        target = float(url_state.selectbox(t("fonction_de_cout.binary.target"), ["1", "0"], key="cible"))
    probability, loss = core.binary_cross_entropy(logit, target)
    st.markdown(t("fonction_de_cout.binary.result", p=f"{probability:.4f}", loss=f"{loss:.4f}", target=int(target)))


def stability_section() -> None:
    st.subheader(t("fonction_de_cout.stability.title"))
    st.markdown(t("fonction_de_cout.stability.intro"))
    extreme = float(url_state.selectbox(t("fonction_de_cout.stability.logit"), EXTREME_LOGITS, key="extreme"))
    result = core.stability(extreme)
    st.code(
        f"z = torch.tensor([[{extreme:g}, 0.0, 0.0]])\n"
        f"p = torch.exp(z) / torch.exp(z).sum()      # {t('fonction_de_cout.stability.by_hand')}\n"
        "loss_by_hand = -torch.log(p[0, 1])\n"
        "loss = nn.CrossEntropyLoss()(z, torch.tensor([1]))",
        language="python",
    )
    table = {
        "": [t("fonction_de_cout.stability.by_hand"), "nn.CrossEntropyLoss"],
        "softmax": [_probabilities(result.naive_softmax), _probabilities(result.torch_softmax)],
        t("fonction_de_cout.stability.loss"): [f"{result.naive_loss:g}", f"{result.torch_loss:g}"],
    }
    st.table(table, hide_index=True)
    if result.naive_broke:
        st.warning(t("fonction_de_cout.stability.broke", logit=f"{extreme:g}"), icon=":material/warning:")
    else:
        st.caption(t("fonction_de_cout.stability.fine"))


def _probabilities(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in values) + ")"


def reduction_section(data: Dataset, w: float, b: float) -> None:
    st.header(t("fonction_de_cout.reduction.title"), divider="gray")
    st.markdown(t("fonction_de_cout.reduction.intro"))
    result = core.reductions(data, w, b)
    st.code(
        "prediction = w * x + b\n"
        'nn.MSELoss(reduction="mean")(prediction, y)\n'
        'nn.MSELoss(reduction="sum")(prediction, y)\n'
        'nn.MSELoss(reduction="none")(prediction, y)\n'
        f"((prediction - y) ** 2).mean()   # {t('fonction_de_cout.reduction.by_hand')}",
        language="python",
    )
    columns = st.columns(3)
    columns[0].metric('reduction="mean"', f"{result.mean:.4f}")
    columns[1].metric('reduction="sum"', f"{result.sum:.4f}")
    columns[2].metric("((prediction - y) ** 2).mean()", f"{result.by_hand:.4f}")
    st.markdown(
        t("fonction_de_cout.reduction.none", values=", ".join(f"{v:.2f}" for v in result.none), n=len(result.none))
    )


def custom_section(data: Dataset, w: float, b: float, delta: float) -> str:
    st.header(t("fonction_de_cout.custom.title"), divider="gray")
    st.markdown(t("fonction_de_cout.custom.intro"))
    name = url_state.selectbox(
        t("fonction_de_cout.custom.choice"),
        tuple(core.CUSTOM_LOSSES),
        key="perso",
        format_func=lambda option: t(f"fonction_de_cout.custom.{option}"),
    )
    st.markdown(t(f"fonction_de_cout.custom.{name}_why"))
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


def quiz_section(
    settings: DataSettings, data: Dataset, w: float, b: float, delta: float, logits: tuple[float, ...], true_class: int
) -> None:
    size = settings.outlier_size
    if settings.outliers > 0:
        doubled = make_dataset(dataclasses.replace(settings, outlier_size=size * 2))
        before = core.regression_losses(data, w, b, delta)
        after = core.regression_losses(doubled, w, b, delta)
        growth = {name: after[name] - before[name] for name in core.LOSSES}
        winner = max(growth, key=growth.get)
        quiz(
            PAGE_ID,
            ChoiceQuestion(
                "outlier_doubles",
                t("fonction_de_cout.quiz.outlier", size=size, double=size * 2),
                choices=tuple(core.MODULE_NAMES[name] for name in core.LOSSES),
                expected=core.MODULE_NAMES[winner],
                explanation=t(
                    "fonction_de_cout.quiz.outlier_why",
                    growth=", ".join(f"{core.MODULE_NAMES[name]} +{value:.3f}" for name, value in growth.items()),
                ),
            ),
        )
    else:
        st.caption(t("fonction_de_cout.quiz.need_outlier"))
    other = (true_class + 1) % len(logits)
    other_loss = core.classification(logits, other).cross_entropy
    quiz(
        PAGE_ID,
        NumberQuestion(
            "other_class",
            t("fonction_de_cout.quiz.other_class", other=other),
            expected=other_loss,
            explanation=t("fonction_de_cout.quiz.other_class_why", other=other, loss=f"{other_loss:.4f}"),
        ),
    )
    result = core.reductions(data, w, b)
    quiz(
        PAGE_ID,
        NumberQuestion(
            "sum",
            t("fonction_de_cout.quiz.sum", mean=f"{result.mean:.4f}", n=len(result.none)),
            expected=result.sum,
            explanation=t("fonction_de_cout.quiz.sum_why", sum=f"{result.sum:.4f}", n=len(result.none)),
            tolerance=0.05,
        ),
    )
