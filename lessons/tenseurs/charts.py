"""Chart builders of the tensors lesson: they return Altair charts, never display them."""

import altair as alt
import pandas as pd

from components.palette import VALUE_LABEL

CELL_PX = 44


CELLS = "cells"  # the named dataset a tensor chart reads: `ink_cells(...)`


def tensor_chart(rows: int, cols: int, slices: int, mark_meaning: str | None = None) -> alt.Chart:
    """A heatmap of a tensor's cells with their values written in; 3-D as a row of slices.

    The structure only, for `rows` x `cols` cells in `slices` slices: the cells come as
    the named dataset CELLS, from `ink_cells`. So the chart is built once per shape,
    not once per value: building an Altair chart is slow, and the page draws up to 14.
    With a `mark` column, `mark_meaning` says how to draw it: "selected" dims the
    cells not taken, "copy" dims the cells broadcasting repeated. The cells that stay
    bright also get a thick outline, so the picture does not rely on colour alone.
    """
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
    text = base.mark_text(fontSize=15).encode(
        text="label:N", color=alt.condition(alt.datum.ink, alt.value("white"), alt.value("black"))
    )
    # Every cell CELL_PX square. Checked in Streamlit 1.67: a layered chart sized with
    # alt.Step is not drawn at all, and without "pad" autosizing it is squashed.
    cells = alt.NamedData(name=CELLS)
    layered = alt.layer(rect, text).properties(width=cols * CELL_PX, height=rows * CELL_PX)
    if slices > 1:
        chart = layered.facet(
            column=alt.Column("slice:O", title="t[k]", header=alt.Header(labelFontSize=14)), data=cells
        )
    else:
        chart = layered.properties(data=cells)
    return chart.properties(autosize=alt.AutoSizeParams(type="pad"))


def tensor_shape(frame: pd.DataFrame) -> tuple[int, int, int]:
    """(rows, cols, slices) of a frame from core.tensor_cells: `tensor_chart`'s size."""
    return frame["row"].nunique(), frame["col"].nunique(), frame["slice"].nunique()


def ink_cells(frame: pd.DataFrame, mark_meaning: str | None = None) -> pd.DataFrame:
    """The cells with their text colour: white (`ink`) on dark cells that stay bright."""
    low, high = frame["value"].min(), frame["value"].max()
    dark = frame["value"] > (low + high) / 2 if high > low else frame["value"] != frame["value"]
    if mark_meaning is not None:
        dark &= frame["mark"] if mark_meaning == "selected" else ~frame["mark"]
    return frame.assign(ink=dark)


def timing_chart(frame: pd.DataFrame, x_title: str) -> alt.Chart:
    """Bars of the median time per device; `frame` has device, median_ms, label."""
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("median_ms:Q", title=x_title),
            y=alt.Y("device:N", title=None),
            color=alt.Color("device:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=6, **VALUE_LABEL)
        .encode(x="median_ms:Q", y="device:N", text="label:N")
    )
    return alt.layer(bars, labels).properties(height=60 * len(frame))
