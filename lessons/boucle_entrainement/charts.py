"""Chart builders of the training-loop lesson: they return Altair charts, never display."""

import altair as alt
import pandas as pd

from components.palette import NEUTRAL_INK

# Okabe-Ito blue and vermilion: one colour per run in every chart of the page (the loss
# curves, the replay, the live fit), and no other chart of the page uses them: the
# classification maps draw probabilities in purple and green.
RUN_COLOURS = {"correct": "#0072B2", "buggy": "#D55E00"}
PROBABILITY_SCHEME = "purplegreen"


def drawable_losses(history: pd.DataFrame) -> pd.DataFrame:
    """The rows a log scale can draw: finite, positive losses."""
    return history[history["loss"].map(lambda v: v == v and abs(v) != float("inf") and v > 0)]


def loss_chart(history: pd.DataFrame, titles: dict[str, str], colours: dict[str, str], height: int = 300) -> alt.Chart:
    """Train and validation loss per epoch; runs by colour (`colours`: run name -> colour),
    splits by dash."""
    return _loss_chart(drawable_losses(history), colours, titles, height)


def live_loss_template(colours: dict[str, str], titles: dict[str, str]) -> dict:
    """The loss chart as a Vega-Lite dict reading the named dataset "history".

    Built once per training run; each live redraw only swaps the data in
    (spec["datasets"]["history"] = the frame), with no Altair work per redraw.
    """
    return _loss_chart(alt.NamedData(name="history"), colours, titles).to_dict(validate=False)


def _run_colour(colours: dict[str, str]) -> alt.Color:
    """Colour by the "run" field, each run name in its own colour."""
    return alt.Color(
        "run:N",
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=alt.Legend(title=None, orient="top"),
    )


def _loss_chart(source, colours: dict[str, str], titles: dict[str, str], height: int = 300) -> alt.Chart:
    return (
        alt.Chart(source)
        .mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("epoch:Q", title=titles["epoch"]),
            y=alt.Y("loss:Q", title=titles["loss"], scale=alt.Scale(type="log")),
            color=_run_colour(colours),
            strokeDash=alt.StrokeDash("split:N", legend=alt.Legend(title=None, orient="top")),
            tooltip=["run:N", "split:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g")],
        )
        .properties(height=height)
    )


def replay_chart(
    points: pd.DataFrame,
    snapshots: pd.DataFrame,
    classification: bool,
    epochs: list[int],
    titles: dict[str, str],
    cell: tuple[float, float] = (0.1, 0.1),
    colour: str = RUN_COLOURS["correct"],
    height: int = 340,
) -> alt.LayerChart:
    """The model's predictions at every snapshot, replayed by a slider in the browser.

    `cell` is the spacing of the 2-D prediction grid, so each grid point fills one cell;
    `colour` is the replayed run's (the 1-D curve).
    """
    epoch = alt.param(
        name="replay_epoch",
        value=epochs[-1],
        bind=alt.binding_range(min=epochs[0], max=max(epochs[-1], epochs[0] + 1), step=1, name=titles["replay"]),
    )
    # Snapshots need not be evenly spaced (the first and the last): show the latest one
    # not after the slider's value.
    latest = f"datum.epoch == {_latest_expression(epochs)}"
    if classification:
        field = (
            alt.Chart(snapshots)
            .transform_filter(latest)
            .mark_rect()
            .encode(
                x=alt.X("x1:Q", bin=alt.Bin(step=cell[0]), title="x₁"),
                y=alt.Y("x2:Q", bin=alt.Bin(step=cell[1]), title="x₂"),
                color=alt.Color(
                    "prediction:Q",
                    scale=alt.Scale(scheme=PROBABILITY_SCHEME, domain=[0, 1]),
                    title=titles["probability"],
                ),
            )
        )
        # White circles and black triangles stay visible on both the purple and the green side.
        dots = (
            alt.Chart(points)
            .mark_point(filled=True, size=55, stroke="black", strokeWidth=1)
            .encode(
                x="x1:Q",
                y="x2:Q",
                shape=alt.Shape(
                    "label:N",
                    scale=alt.Scale(domain=[0, 1], range=["circle", "triangle-up"]),
                    legend=alt.Legend(title=titles["class"], orient="top"),
                ),
                color=alt.Color("label:N", scale=alt.Scale(domain=[0, 1], range=["#FFFFFF", "#000000"]), legend=None),
            )
        )
        chart = field + dots
    else:
        dots = (
            alt.Chart(points)
            .mark_point(filled=True, size=40, color=NEUTRAL_INK)
            .encode(x=alt.X("x:Q", title="x"), y=alt.Y("y:Q", title="y"))
        )
        curve = (
            alt.Chart(snapshots)
            .transform_filter(latest)
            .mark_line(strokeWidth=4, color=colour)
            .encode(x="x:Q", y="prediction:Q")
        )
        chart = dots + curve
    return chart.add_params(epoch).properties(height=height, width=round(height * 460 / 340))


def live_predictions_template(
    classification: bool, titles: dict[str, str], cell: tuple[float, float], colours: dict[str, str]
) -> dict:
    """The current predictions as a Vega-Lite dict reading the named dataset "live":
    rows of kind "data" (the training points) and "model" (the predictions, with the
    "run" that made them: the 1-D curve takes that run's colour from `colours`)."""
    source = alt.NamedData(name="live")
    if classification:
        field = (
            alt.Chart(source)
            .transform_filter("datum.kind == 'model'")
            .mark_rect()
            .encode(
                x=alt.X("x1:Q", bin=alt.Bin(step=cell[0]), title="x₁"),
                y=alt.Y("x2:Q", bin=alt.Bin(step=cell[1]), title="x₂"),
                color=alt.Color(
                    "prediction:Q",
                    scale=alt.Scale(scheme=PROBABILITY_SCHEME, domain=[0, 1]),
                    title=titles["probability"],
                ),
            )
        )
        dots = (
            alt.Chart(source)
            .transform_filter("datum.kind == 'data'")
            .mark_point(filled=True, size=55, stroke="black", strokeWidth=1)
            .encode(
                x="x1:Q",
                y="x2:Q",
                shape=alt.Shape(
                    "label:N", scale=alt.Scale(domain=[0, 1], range=["circle", "triangle-up"]), legend=None
                ),
                color=alt.Color("label:N", scale=alt.Scale(domain=[0, 1], range=["#FFFFFF", "#000000"]), legend=None),
            )
        )
        chart = field + dots
    else:
        dots = (
            alt.Chart(source)
            .transform_filter("datum.kind == 'data'")
            .mark_point(filled=True, size=40, color=NEUTRAL_INK)
            .encode(x=alt.X("x:Q", title="x"), y=alt.Y("y:Q", title="y"))
        )
        curve = (
            alt.Chart(source)
            .transform_filter("datum.kind == 'model'")
            .mark_line(strokeWidth=4)
            .encode(x="x:Q", y="prediction:Q", color=_run_colour(colours))
        )
        chart = dots + curve
    return chart.properties(height=300, width=420).to_dict(validate=False)


def _latest_expression(epochs: list[int]) -> str:
    """A Vega expression: the largest snapshot epoch not after the slider's value."""
    expression = str(epochs[0])
    for value in epochs[1:]:
        expression = f"(replay_epoch >= {value} ? {value} : {expression})"
    return expression
