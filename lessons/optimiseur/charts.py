"""The optimizer lesson's animated chart: one Vega-Lite spec, animated in the browser.

Vega-Lite cannot animate concatenated views, so the map, the loss curve and (for the
regression) the fitted line are layers of one chart, each placed in its own strip
with explicit pixel ranges. A timer selection drives the clock; two bound
parameters, `playing` (a checkbox) and `scrub` (a slider), pause and scrub it.
Every frame is drawn by the browser: the server sends the spec once.

The chart reads named datasets (grid, paths, clock, minima, fit_points, fit_lines):
its spec depends only on the settings' structure, so the page builds it once and
fills in the data of each new trajectory (`chart_datasets`).
"""

from dataclasses import dataclass
from string import Template

import altair as alt
import pandas as pd

from components.palette import NEUTRAL_INK
from components.regression import LINE_X_RANGE
from components.slides import HIDDEN_PREFIX, NAVIGATION_KEY

# Okabe-Ito: told apart with every common colour-vision deficiency, and on a projector.
OPTIMIZER_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")


@dataclass(frozen=True)
class ChartSize:
    """The strips' pixel sizes: the map, the gap between strips, a side strip, the height."""

    map_px: int
    gap_px: int
    side_px: int
    height_px: int

    @property
    def fit_left_px(self) -> int:
        """The regression strip's left edge, right of the loss strip."""
        return self.map_px + 2 * self.gap_px + self.side_px

    def fit_x(self) -> alt.Scale:
        return alt.Scale(
            domain=list(LINE_X_RANGE), range=[self.fit_left_px, self.fit_left_px + self.side_px], nice=False
        )

    def fit_y(self) -> alt.Scale:
        return alt.Scale(domain=[-6, 8], range=[self.height_px, 0], nice=False)


# Sized to fit a 1280 px laptop screen with the sidebar open (the map, loss and line strips).
FULL = ChartSize(map_px=300, gap_px=45, side_px=160, height_px=320)
# Presentation mode: zoomed by the projector's stylesheet, beside its controls on a 1280 × 720 slide.
COMPACT = ChartSize(map_px=210, gap_px=35, side_px=100, height_px=210)
# Milliseconds per optimizer step. At × 1 one step a frame (60 Hz): the browser draws a
# new picture every frame; × 0.5 holds each step two frames.
SPEEDS_MS = {"0.5": 33, "1": 16, "2": 8}


CHART_KEY = "carte"  # the chart's element key: the keyboard script finds the chart by it
START_SELECTION = "depart"  # the selection a click on the map fills: the page reads the start from it

# Keyboard for the animation, run once per browser tab by the page (static: no user
# text in it, only the keys below). Space presses the chart's own "play" checkbox; the
# arrows pause and move its own step slider, so the chart stays the single source of
# its state. In presentation mode the arrows change slides (Streamlit's button
# shortcuts), so there Shift + arrows step; a chart on a hidden slide is left alone.
# Keys typed into a field or a focused control are left alone too.
ANIMATION_KEYS_JS = Template("""
<script>
(() => {
  if (window.learnPytorchAnimationKeys) return;
  window.learnPytorchAnimationKeys = true;
  document.addEventListener("keydown", (event) => {
    const chart = document.querySelector(".st-key-$chart_key");
    if (!chart || chart.closest('[class*="st-key-$hidden_prefix"]')) return;
    const typing = "input, textarea, select, button, [role=slider], [contenteditable]";
    if (event.target.closest && event.target.closest(typing)) return;
    const play = chart.querySelector(".vega-bindings input[type=checkbox]");
    const scrub = chart.querySelector(".vega-bindings input[type=range]");
    if (!play || !scrub || event.ctrlKey || event.metaKey || event.altKey) return;
    const presenting = document.querySelector(".st-key-$navigation_key") !== null;
    if (event.key === " ") {
      play.click();
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && (event.shiftKey || !presenting)) {
      if (play.checked) play.click();
      scrub.value = Number(scrub.value) + (event.key === "ArrowRight" ? 1 : -1);
      scrub.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
})();
</script>
""").substitute(chart_key=CHART_KEY, hidden_prefix=HIDDEN_PREFIX, navigation_key=NAVIGATION_KEY)


def strip_axis(left_px: int, title: str, **kwargs) -> alt.Axis:
    """The y axis of a side strip, drawn on that strip's left edge with its title above.

    Layers share one view, so a plain axis would sit on the chart's edge, on top of
    the other strip's axis.
    """
    return alt.Axis(
        title=title, orient="left", offset=-left_px, titleAngle=0, titleAlign="left", titleX=-20, titleY=-14, **kwargs
    )


def current_step_expression(steps: int, ms_per_step: int) -> str:
    """The step on screen: the clock's while playing, the scrubber's while paused."""
    return f"(playing ? min(floor(anim_clock / {ms_per_step}), {steps}) : scrub)"


@dataclass(frozen=True)
class MapScales:
    """The map strip's pixel scales, shared by every layer drawn on the map."""

    x: alt.Scale
    y: alt.Scale

    @classmethod
    def for_ranges(
        cls, x_range: tuple[float, float], y_range: tuple[float, float], size: ChartSize = FULL
    ) -> "MapScales":
        return cls(
            x=alt.Scale(domain=list(x_range), range=[0, size.map_px], nice=False, zero=False),
            y=alt.Scale(domain=list(y_range), range=[size.height_px, 0], nice=False, zero=False),
        )

    def position(self) -> dict[str, alt.X | alt.Y]:
        """x and y on the map without axes: the heatmap draws the map's axes once."""
        return {"x": alt.X("x:Q", scale=self.x, axis=None), "y": alt.Y("y:Q", scale=self.y, axis=None)}


def animated_chart(
    order: list[str],
    ranges: tuple[tuple[float, float], tuple[float, float]],
    grid_step: tuple[float, float],
    log_scale: bool,
    steps: int,
    ms_per_step: int,
    labels: dict[str, str],
    with_fit: bool = False,
    size: ChartSize = FULL,
) -> alt.LayerChart:
    """The chart's structure; `order` lists the optimizers' labels, in colour order.

    Data comes from `chart_datasets`: paths rows are label, step, x, y, loss, last (the
    label's final step) and stopped; `with_fit` adds the regression strip. The layers
    are drawn in this order, so the paths and the moving points sit above the map.
    """
    current = current_step_expression(steps, ms_per_step)
    map_scales = MapScales.for_ranges(*ranges, size)
    palette = alt.Scale(domain=order, range=list(OPTIMIZER_COLOURS[: len(order)]))
    quiet_colour = alt.Color("label:N", scale=palette, legend=None)  # the map's paths carry the legend
    layers = [
        heatmap_layer(map_scales, grid_step, log_scale, labels),
        start_click_layer(map_scales),
        clock_layer(steps, ms_per_step),
        minima_layer(map_scales),
        paths_layer(map_scales, current, palette),
        moving_points_layer(map_scales, current, quiet_colour),
        loss_layer(current, steps, log_scale, quiet_colour, labels, size),
    ]
    if with_fit:
        layers += [fit_points_layer(labels, size), fit_lines_layer(current, quiet_colour, size)]
    return layered_chart(layers, steps, labels, strips=3 if with_fit else 2, size=size)


def layered_chart(
    layers: list[alt.Chart], steps: int, labels: dict[str, str], strips: int, size: ChartSize = FULL
) -> alt.LayerChart:
    """The layers in one view, each strip with its own scales, under the play and scrub controls."""
    playing = alt.param(name="playing", value=True, bind=alt.binding_checkbox(name=labels["play"]))
    scrub = alt.param(name="scrub", value=0, bind=alt.binding_range(min=0, max=steps, step=1, name=labels["scrub"]))
    width = size.map_px + (strips - 1) * (size.gap_px + size.side_px)
    return (
        alt.layer(*layers)
        .resolve_scale(x="independent", y="independent")
        .add_params(playing, scrub)
        .properties(width=width, height=size.height_px, autosize=alt.AutoSizeParams(type="pad"))
    )


def heatmap_layer(
    map_scales: MapScales, grid_step: tuple[float, float], log_scale: bool, labels: dict[str, str]
) -> alt.Chart:
    """The loss surface as grey cells, darker where the loss is lower (symlog for steep valleys)."""
    return (
        alt.Chart(alt.NamedData(name="grid"))
        .mark_rect()
        .encode(
            x=alt.X("x:Q", bin=alt.Bin(step=grid_step[0]), scale=map_scales.x, title=labels["x"]),
            y=alt.Y("y:Q", bin=alt.Bin(step=grid_step[1]), scale=map_scales.y, title=labels["y"]),
            color=alt.Color(
                "z:Q",
                scale=alt.Scale(type="symlog" if log_scale else "linear", scheme="greys", reverse=True),
                legend=None,
            ),
        )
    )


def start_click_layer(map_scales: MapScales) -> alt.Chart:
    """Invisible points on the grid: a click on the map selects the nearest one as the start."""
    start_click = alt.selection_point(name=START_SELECTION, fields=["x", "y"], on="click", nearest=True, empty=False)
    return (
        alt.Chart(alt.NamedData(name="grid"))
        .mark_point(opacity=0, size=30)
        .encode(**map_scales.position())
        .add_params(start_click)
    )


def clock_layer(steps: int, ms_per_step: int) -> alt.Chart:
    """The animation's clock: a timer selection over its own tiny dataset, one row per step.

    Its own dataset, because Vega-Lite fails when an animated dataset is shared with
    other layers; the other layers read the clock through `current_step_expression`.
    """
    timer = alt.selection_point(name="anim", fields=["step"], on="timer")
    return (
        alt.Chart(alt.NamedData(name="clock"))
        .mark_point(opacity=0)
        .encode(time=alt.Time("step:O", scale=alt.Scale(range=[0, (steps + 1) * ms_per_step])))
        .add_params(timer)
        .transform_filter(timer)
    )


def minima_layer(map_scales: MapScales) -> alt.Chart:
    """The surface's minima, as white crosses: where the optimizers should end."""
    return (
        alt.Chart(alt.NamedData(name="minima"))
        .mark_point(shape="cross", size=240, filled=True, color="white", stroke="black", strokeWidth=1)
        .encode(**map_scales.position())
    )


def paths_layer(map_scales: MapScales, current: str, palette: alt.Scale) -> alt.Chart:
    """Each optimizer's path on the map up to the current step; it holds the colour legend."""
    colour = alt.Color(
        "label:N", scale=palette, legend=alt.Legend(title=None, orient="top", labelFontSize=14, symbolStrokeWidth=4)
    )
    return (
        alt.Chart(alt.NamedData(name="paths"))
        .transform_filter(f"datum.step <= {current}")
        .mark_line(strokeWidth=3, clip=True)
        .encode(**map_scales.position(), color=colour, order="step:Q")
    )


def moving_points_layer(map_scales: MapScales, current: str, colour: alt.Color) -> alt.Chart:
    """Each optimizer's point at the current step (its last one once it stopped), a cross
    when it stopped early (diverged), so the state does not rely on colour alone."""
    return (
        alt.Chart(alt.NamedData(name="paths"))
        .transform_filter(f"datum.step == min({current}, datum.last)")
        .mark_point(filled=True, size=220, stroke="black", strokeWidth=1.5, opacity=1)
        .encode(
            **map_scales.position(),
            color=colour,
            shape=alt.Shape("stopped:N", scale=alt.Scale(domain=[False, True], range=["circle", "cross"]), legend=None),
        )
    )


def loss_layer(
    current: str, steps: int, log_scale: bool, colour: alt.Color, labels: dict[str, str], size: ChartSize = FULL
) -> alt.Chart:
    """The loss curves in the strip right of the map, drawn up to the current step.

    On a log scale a loss of 0 has no place, so those rows are left out.
    """
    left = size.map_px + size.gap_px
    side_x = alt.Scale(domain=[0, steps], range=[left, left + size.side_px])
    loss_y = alt.Scale(type="log" if log_scale else "linear", range=[size.height_px, 0])
    drawable = f"datum.step <= {current}" + (" && datum.loss > 0" if log_scale else "")
    return (
        alt.Chart(alt.NamedData(name="paths"))
        .transform_filter(drawable)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("step:Q", scale=side_x, axis=alt.Axis(title=labels["step"], orient="bottom")),
            y=alt.Y("loss:Q", scale=loss_y, axis=strip_axis(left, labels["loss"], format="~g")),
            color=colour,
        )
    )


def fit_points_layer(labels: dict[str, str], size: ChartSize = FULL) -> alt.Chart:
    """The regression's data points, which do not move."""
    return (
        alt.Chart(alt.NamedData(name="fit_points"))
        .mark_point(filled=True, size=70, color=NEUTRAL_INK)
        .encode(
            x=alt.X("x:Q", scale=size.fit_x(), axis=alt.Axis(title=labels["data_x"], orient="bottom")),
            y=alt.Y("y:Q", scale=size.fit_y(), axis=strip_axis(size.fit_left_px, labels["data_y"])),
        )
    )


def fit_lines_layer(current: str, colour: alt.Color, size: ChartSize = FULL) -> alt.Chart:
    """Each optimizer's line w·x + b at the current step: two rows (px, py) per line."""
    return (
        alt.Chart(alt.NamedData(name="fit_lines"))
        .transform_filter(f"datum.step == min({current}, datum.last)")
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x=alt.X("px:Q", scale=size.fit_x(), axis=None),
            y=alt.Y("py:Q", scale=size.fit_y(), axis=None),
            color=colour,
            detail="label:N",
        )
    )


def chart_datasets(
    grid: pd.DataFrame,
    paths: pd.DataFrame,
    minima: list[tuple[float, float]],
    steps: int,
    fit: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The named datasets `animated_chart` reads."""
    datasets = {
        "grid": grid,
        "paths": paths,
        "clock": pd.DataFrame({"step": range(steps + 1)}),
        "minima": pd.DataFrame({"x": [m[0] for m in minima], "y": [m[1] for m in minima]}),
    }
    if fit is not None:
        datasets["fit_points"], datasets["fit_lines"] = fit
    return datasets
