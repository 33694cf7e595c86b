"""Chart builders of the tensors lesson: they return Altair charts, never display them."""

import altair as alt
import pandas as pd

CELL_PX = 44


def tensor_chart(frame: pd.DataFrame, mark_meaning: str | None = None) -> alt.Chart:
    """A heatmap of a tensor's cells with their values written in; 3-D as a row of slices.

    `frame` comes from core.tensor_cells. With a `mark` column, `mark_meaning` says how
    to draw it: "selected" dims the cells not taken, "copy" dims and dashes the
    cells broadcasting repeated. Marked cells also get a thicker outline, so the
    picture does not rely on colour alone.
    """
    low, high = frame["value"].min(), frame["value"].max()
    middle = (low + high) / 2
    base = alt.Chart().encode(
        x=alt.X("col:O", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("row:O", title=None),
        tooltip=["slice:O", "row:O", "col:O", "label:N"],
    )
    dimmed = alt.datum.mark if mark_meaning == "copy" else ~alt.datum.mark
    rect = base.mark_rect(stroke="#1f1f1f", strokeWidth=1).encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="blues"), legend=None),
    )
    if mark_meaning is not None:
        rect = rect.encode(
            opacity=alt.condition(dimmed, alt.value(0.3), alt.value(1.0)),
            strokeWidth=alt.condition(dimmed, alt.value(1), alt.value(3)),
            strokeDash=alt.condition(dimmed, alt.value([4, 3]), alt.value([1, 0]))
            if mark_meaning == "copy"
            else alt.value([1, 0]),
        )
    # Dark text on dark cells is white; a dimmed cell is pale, so its text stays black.
    text_colour = alt.when(alt.datum.value > middle).then(alt.value("white")).otherwise(alt.value("black"))
    if high == low:
        text_colour = alt.value("black")
    elif mark_meaning is not None:
        text_colour = (
            alt.when(dimmed).then(alt.value("black"))
            .when(alt.datum.value > middle).then(alt.value("white"))
            .otherwise(alt.value("black"))
        )
    text = base.mark_text(fontSize=15).encode(text="label:N", color=text_colour)
    # Step sizing: every cell is CELL_PX square whatever the tensor's shape.
    layered = alt.layer(rect, text, data=frame).properties(width=alt.Step(CELL_PX), height=alt.Step(CELL_PX))
    if frame["slice"].nunique() > 1:
        return layered.facet(column=alt.Column("slice:O", title="t[k]", header=alt.Header(labelFontSize=14)))
    return layered


def timing_chart(frame: pd.DataFrame, x_title: str) -> alt.Chart:
    """Bars of the median time per device; `frame` has device, median_ms, label."""
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("median_ms:Q", title=x_title),
        y=alt.Y("device:N", title=None),
        color=alt.Color("device:N", legend=None, scale=alt.Scale(scheme="tableau10")),
    )
    labels = bars.mark_text(align="left", dx=4, fontSize=14).encode(text="label:N", color=alt.value("black"))
    return alt.layer(bars, labels).properties(height=60 * len(frame))
