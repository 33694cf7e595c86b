"""Chart builders of the autograd lesson: they return charts or DOT text, never display."""

import math

import altair as alt
import pandas as pd

from components.palette import NEUTRAL_INK
from lessons.autograd.core import Gradient2D, Graph

# Okabe-Ito colours: told apart with every common colour-vision deficiency.
BLUE, ORANGE, VERMILION = "#0072B2", "#E69F00", "#D55E00"


def function_chart(y_domain: tuple[float, float], labels: dict[str, str]) -> alt.LayerChart:
    """f as a solid line, its tangent at x dashed, the point (x, f(x)) marked.

    Built once per function (its `y_domain`, from `function_y_domain`); the lines and
    the point come as the named datasets of `function_chart_data`.
    """
    low, high = y_domain
    lines = (
        alt.Chart(alt.NamedData(name="lines"))
        .transform_filter(f"datum.y >= {low} && datum.y <= {high}")
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x=alt.X("x:Q", title="x"),
            y=alt.Y("y:Q", title="y", scale=alt.Scale(domain=[low, high])),
            color=alt.Color(
                "line:N",
                scale=alt.Scale(domain=["f", "tangent"], range=[BLUE, ORANGE]),
                legend=alt.Legend(
                    title=None, labelExpr=f"datum.label == 'f' ? '{labels['f']}' : '{labels['tangent']}'"
                ),
            ),
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(domain=["f", "tangent"], range=[[1, 0], [8, 4]]), legend=None
            ),
        )
    )
    point = (
        alt.Chart(alt.NamedData(name="point"))
        .mark_point(size=160, filled=True, color=VERMILION)
        .encode(x="x:Q", y="y:Q")
    )
    return (lines + point).properties(height=320)


def function_y_domain(frame: pd.DataFrame) -> tuple[float, float]:
    """f's range over the plot with a margin: the tangent may leave it, f never does."""
    low, high = frame.loc[frame["line"] == "f", "y"].agg(["min", "max"])
    margin = (high - low) * 0.15 + 0.5
    return float(low - margin), float(high + margin)


def function_chart_data(frame: pd.DataFrame, x: float, value: float) -> dict[str, pd.DataFrame]:
    return {"lines": frame, "point": pd.DataFrame({"x": [x], "y": [value]})}


def graph_dot(graph: Graph, revealed: int, labels: dict[str, str]) -> str:
    """The recorded graph as DOT: y's node on top, x at the bottom.

    The first `revealed` nodes (in backward order) show the gradient that reached
    them; the last revealed one is highlighted. No user text enters the DOT.
    """
    lines = [
        "digraph autograd {",
        '  graph [rankdir=TB, bgcolor="transparent"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=13,'
        f' fillcolor="#f2f2f2", color="{NEUTRAL_INK}"];',
        f'  edge [color="{NEUTRAL_INK}"];',
        '  output [label="y", shape=plaintext, style="filled", fillcolor="#f2f2f2", fontsize=16];',  # dark theme too
        f"  output -> {graph.nodes[0].node_id};",
    ]
    for index, node in enumerate(graph.nodes):
        text = [node.name, f"{labels['value']} = {node.value:.4g}"]
        if index < revealed:
            text.append(f"{labels['grad']} = {node.gradient:.4g}")
        fill = ORANGE if index == revealed - 1 else ("#cfe3f2" if index < revealed else "#f2f2f2")
        width = 3 if index == revealed - 1 else 1
        label = "\\n".join(text)  # DOT's own line break
        lines.append(f'  {node.node_id} [label="{label}", fillcolor="{fill}", penwidth={width}];')
    for source, target in graph.edges:
        lines.append(f"  {source} -> {target};")
    lines.append("}")
    return "\n".join(lines)


def contour_chart(step: float, height: int = 420) -> alt.LayerChart:
    """f(x, y) as a heatmap, the point, and the gradient as an arrow scaled to fit
    (`height` px tall; a little less on a slide).

    Built once per grid `step`; the surface and the arrow come as the named datasets
    of `contour_chart_data`.
    """
    cells = (
        alt.Chart(alt.NamedData(name="cells"))
        .mark_rect()
        .encode(
            x=alt.X("x:Q", bin=alt.Bin(step=step), title="x"),
            y=alt.Y("y:Q", bin=alt.Bin(step=step), title="y"),
            color=alt.Color("z:Q", scale=alt.Scale(scheme="viridis"), title="f(x, y)"),
        )
    )
    arrow = alt.NamedData(name="arrow")
    shaft = alt.Chart(arrow).mark_line(color="white", strokeWidth=4).encode(x="x:Q", y="y:Q")
    start = (
        alt.Chart(arrow)
        .transform_filter("datum.end == 'start'")
        .mark_point(filled=True, size=140, color="white", stroke="black")
        .encode(x="x:Q", y="y:Q")
    )
    # A wedge (a narrow triangle pointing up) rotated clockwise by `angle` points along
    # the gradient; an equilateral triangle-up read as pointing nowhere in particular.
    tip = (
        alt.Chart(arrow)
        .transform_filter("datum.end == 'tip'")
        # Decorative for assistive technology (the chart's alt text gives the gradient), and
        # empty before the prediction: an empty mark group with an ARIA role fails axe.
        .mark_point(shape="wedge", filled=True, size=900, color="white", stroke="black", aria=False)
        .encode(x="x:Q", y="y:Q", angle=alt.Angle("angle:Q", scale=None))
    )
    ends = start + tip
    return (cells + shaft + ends).properties(height=height, width=round(height * 460 / 420))


def contour_chart_data(frame: pd.DataFrame, gradient: Gradient2D) -> dict[str, pd.DataFrame]:
    """The surface, and the arrow from the point, one unit long: the direction is what matters."""
    norm = math.hypot(gradient.d_dx, gradient.d_dy)
    scale = 0.0 if norm == 0 else 1.0 / norm
    tip_x, tip_y = gradient.x + gradient.d_dx * scale, gradient.y + gradient.d_dy * scale
    angle = math.degrees(math.atan2(gradient.d_dx, gradient.d_dy)) % 360  # Vega-Lite takes 0 to 360
    arrow = pd.DataFrame(
        {"x": [gradient.x, tip_x], "y": [gradient.y, tip_y], "end": ["start", "tip"], "angle": [0.0, angle]}
    )
    return {"cells": frame, "arrow": arrow}


def surface_only(frame: pd.DataFrame, gradient: Gradient2D) -> dict[str, pd.DataFrame]:
    """The surface and the point, no arrow: what the chart shows before a prediction."""
    arrow = pd.DataFrame({"x": [gradient.x], "y": [gradient.y], "end": ["start"], "angle": [0.0]})
    return {"cells": frame, "arrow": arrow}
