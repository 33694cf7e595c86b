"""Chart builders of the loss lesson: they return Altair charts, never display them."""

import altair as alt
import pandas as pd

from components.palette import NEUTRAL_INK, VALUE_LABEL

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
LOSS_COLOURS = {
    "mse": "#0072B2",
    "mae": "#E69F00",
    "huber": "#009E73",
    "smooth_l1": "#CC79A7",
    "log_cosh": "#D55E00",
    "weighted_mse": "#56B4E9",
}


def _loss_colour(names: list[str], labels: dict[str, str]) -> alt.Color:
    return alt.Color(
        "label:N",
        scale=alt.Scale(domain=[labels[name] for name in names], range=[LOSS_COLOURS[name] for name in names]),
        legend=alt.Legend(title=None, orient="top"),
    )


# Each chart below is built once per structure (labels, titles, grid step) and reads
# named datasets, which the `*_data` function next to it makes from the values: a new
# w or b only swaps the data (building an Altair chart costs 20 to 70 ms).


def data_chart(titles: dict[str, str], height: int = 340) -> alt.LayerChart:
    """The points (outliers as triangles), the line w·x + b, residuals as segments."""
    base = alt.Chart(alt.NamedData(name="points"))
    residuals = base.mark_rule(color="#D55E00", strokeWidth=2, strokeDash=[4, 3]).encode(
        x=alt.X("x:Q", title="x"), y=alt.Y("y:Q", title="y"), y2="prediction:Q"
    )
    dots = base.mark_point(filled=True, size=110, color="#0072B2").encode(
        x="x:Q",
        y="y:Q",
        shape=alt.Shape(
            "outlier:N",
            scale=alt.Scale(domain=[False, True], range=["circle", "triangle-up"]),
            legend=alt.Legend(
                title=None, orient="top", labelExpr=f"datum.value ? '{titles['outlier']}' : '{titles['point']}'"
            ),
        ),
        tooltip=["point:O", "x:Q", "y:Q", "prediction:Q"],
    )
    line = (
        alt.Chart(alt.NamedData(name="line"))
        .mark_line(color=NEUTRAL_INK, strokeWidth=3)
        .encode(x="x:Q", y="prediction:Q")
    )
    return (residuals + line + dots).properties(height=height)


def data_chart_data(points: pd.DataFrame, w: float, b: float) -> dict[str, pd.DataFrame]:
    x_values = [points["x"].min() - 0.2, points["x"].max() + 0.2]
    return {"points": points, "line": pd.DataFrame({"x": x_values, "prediction": [w * x + b for x in x_values]})}


def loss_names(frame: pd.DataFrame) -> tuple[str, ...]:
    """The losses of a frame's `loss` column, in their first order."""
    return tuple(dict.fromkeys(frame["loss"]))


def contributions_chart(
    names: tuple[str, ...], labels: dict[str, str], y_title: str, width: int = 260
) -> alt.FacetChart:
    """Each point's share of each loss, one panel per loss; outliers drawn hatched-dark."""
    return (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("point:O", title=None),
            y=alt.Y("value:Q", title=y_title),
            color=_loss_colour(list(names), labels),
            opacity=alt.condition(alt.datum.outlier, alt.value(1.0), alt.value(0.55)),
            stroke=alt.condition(alt.datum.outlier, alt.value(NEUTRAL_INK), alt.value(None)),
            tooltip=["point:O", "label:N", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=width, height=150)
        .facet(
            facet=alt.Facet("label:N", title=None, sort=[labels[name] for name in names]),
            columns=2,
            data=alt.NamedData(name="shares"),
        )
        .resolve_scale(y="independent")
    )


def contributions_chart_data(frame: pd.DataFrame, labels: dict[str, str]) -> dict[str, pd.DataFrame]:
    return {"shares": frame.assign(label=frame["loss"].map(labels))}


def shapes_chart(
    names: tuple[str, ...], labels: dict[str, str], titles: dict[str, str], height: int = 320
) -> alt.LayerChart:
    """Every loss as a function of one residual; the data's current residuals as ticks."""
    curves = (
        alt.Chart(alt.NamedData(name="curves"))
        .mark_line(strokeWidth=3, clip=True)  # curves leave the chart above 8 instead of flattening
        .encode(
            x=alt.X("residual:Q", title=titles["residual"]),
            y=alt.Y("value:Q", title=titles["loss"], scale=alt.Scale(domain=[0, 8])),
            color=_loss_colour(list(names), labels),
            strokeDash=alt.StrokeDash("label:N", legend=None),
        )
    )
    ticks = (
        alt.Chart(alt.NamedData(name="ticks"))
        .mark_tick(color=NEUTRAL_INK, thickness=3, size=22, orient="vertical")
        .encode(x="residual:Q", y="value:Q")
    )
    return (curves + ticks).properties(height=height)


def shapes_chart_data(shapes: pd.DataFrame, residuals: list[float], labels: dict[str, str]) -> dict[str, pd.DataFrame]:
    return {
        "curves": shapes.assign(label=shapes["loss"].map(labels)),
        "ticks": pd.DataFrame({"residual": [r for r in residuals if -4 <= r <= 4], "value": 0.0}),
    }


def landscape_chart(titles: dict[str, str], step: tuple[float, float], size: int = 380) -> alt.LayerChart:
    """The loss over (w, b), log colour scale; the current (w, b) and the optimum marked."""
    cells = (
        alt.Chart(alt.NamedData(name="cells"))
        .mark_rect()
        .encode(
            x=alt.X("w:Q", bin=alt.Bin(step=step[0]), title="w"),
            y=alt.Y("b:Q", bin=alt.Bin(step=step[1]), title="b"),
            color=alt.Color("loss:Q", scale=alt.Scale(type="log", scheme="viridis"), title=titles["loss"]),
            tooltip=[
                alt.Tooltip("w:Q", format=".2f"),
                alt.Tooltip("b:Q", format=".2f"),
                alt.Tooltip("loss:Q", format=".3f"),
            ],
        )
    )
    points = (
        alt.Chart(alt.NamedData(name="marks"))
        .mark_point(filled=True, size=260, stroke="black", strokeWidth=1.5)
        .encode(
            x="w:Q",
            y="b:Q",
            shape=alt.Shape(
                "what:N",
                scale=alt.Scale(domain=[titles["current"], titles["best"]], range=["circle", "diamond"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            color=alt.value("white"),
        )
    )
    return (cells + points).properties(height=size, width=round(size * 420 / 380))


def landscape_chart_data(
    frame: pd.DataFrame, current: tuple[float, float], best: tuple[float, float], titles: dict[str, str]
) -> dict[str, pd.DataFrame]:
    marks = pd.DataFrame(
        {"w": [current[0], best[0]], "b": [current[1], best[1]], "what": [titles["current"], titles["best"]]}
    )
    return {"cells": frame, "marks": marks}


def probabilities_chart(frame: pd.DataFrame, titles: dict[str, str], height: int = 240) -> alt.Chart:
    """softmax probabilities per class, the true class outlined."""
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke=NEUTRAL_INK)
        .encode(
            x=alt.X("class:N", title=titles["class"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("probability:Q", title=titles["probability"], scale=alt.Scale(domain=[0, 1])),
            color=alt.condition(alt.datum.true, alt.value("#009E73"), alt.value("#999999")),
            strokeWidth=alt.condition(alt.datum.true, alt.value(3), alt.value(0)),
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(dy=-12, **VALUE_LABEL)
        .encode(x="class:N", y="probability:Q", text=alt.Text("probability:Q", format=".2f"))
    )
    return (bars + text).properties(height=height)
