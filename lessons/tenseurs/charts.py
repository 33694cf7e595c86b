"""Chart builders of the tensors lesson: they return Altair charts, never display them."""

import altair as alt
import pandas as pd

from components.palette import VALUE_LABEL

CELL_PX = 44


def tensor_chart(frame: pd.DataFrame, mark_meaning: str | None = None) -> alt.Chart:
    """A heatmap of a tensor's cells with their values written in; 3-D as a row of slices.

    `frame` comes from core.tensor_cells. With a `mark` column, `mark_meaning` says how
    to draw it: "selected" dims the cells not taken, "copy" dims the cells
    broadcasting repeated. The cells that stay bright also get a thick outline, so
    the picture does not rely on colour alone.
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
        )
    # Text is white on dark cells and black elsewhere, dimmed (pale) cells included.
    dark = frame["value"] > middle if high > low else frame["value"] != frame["value"]
    if mark_meaning is not None:
        dark &= frame["mark"] if mark_meaning == "selected" else ~frame["mark"]
    frame = frame.assign(ink=dark)
    text = base.mark_text(fontSize=15).encode(
        text="label:N", color=alt.condition(alt.datum.ink, alt.value("white"), alt.value("black"))
    )
    # Every cell CELL_PX square. Checked in Streamlit 1.67: a layered chart sized with
    # alt.Step is not drawn at all, and without "pad" autosizing it is squashed.
    rows, cols = frame["row"].nunique(), frame["col"].nunique()
    layered = alt.layer(rect, text, data=frame).properties(width=cols * CELL_PX, height=rows * CELL_PX)
    if frame["slice"].nunique() > 1:
        layered = layered.facet(column=alt.Column("slice:O", title="t[k]", header=alt.Header(labelFontSize=14)))
    return layered.properties(autosize=alt.AutoSizeParams(type="pad"))


def timing_chart(frame: pd.DataFrame, x_title: str) -> alt.Chart:
    """Bars of the median time per device; `frame` has device, median_ms, label."""
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("median_ms:Q", title=x_title),
        y=alt.Y("device:N", title=None),
        color=alt.Color("device:N", legend=None, scale=alt.Scale(scheme="tableau10")),
    )
    labels = (
        alt.Chart(frame).mark_text(align="left", dx=6, **VALUE_LABEL).encode(x="median_ms:Q", y="device:N", text="label:N")
    )
    return alt.layer(bars, labels).properties(height=60 * len(frame))
