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

import altair as alt
import pandas as pd

from components.palette import NEUTRAL_INK

# Okabe-Ito: told apart with every common colour-vision deficiency, and on a projector.
OPTIMIZER_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
# Sized to fit a 1280 px laptop screen with the sidebar open (the map, loss and line strips).
MAP_PX, GAP_PX, SIDE_PX, HEIGHT_PX = 300, 45, 160, 320
# Milliseconds per optimizer step. At × 1 one step a frame (60 Hz): the browser draws a
# new picture every frame; × 0.5 holds each step two frames.
SPEEDS_MS = {"0.5": 33, "1": 16, "2": 8}


# Keyboard for the animation, run once per browser tab by the page (static: no user
# text in it). Space presses the chart's own "play" checkbox; the arrows pause and move
# its own step slider, so the chart stays the single source of its state. In
# presentation mode the arrows change slides (Streamlit's button shortcuts), so there
# Shift + arrows step. Keys typed into a field or a focused control are left alone.
ANIMATION_KEYS_JS = """
<script>
(() => {
  if (window.learnPytorchAnimationKeys) return;
  window.learnPytorchAnimationKeys = true;
  document.addEventListener("keydown", (event) => {
    const chart = document.querySelector(".st-key-carte");
    if (!chart || chart.closest('[class*="st-key-diapo_cachee_"]')) return;
    const typing = "input, textarea, select, button, [role=slider], [contenteditable]";
    if (event.target.closest && event.target.closest(typing)) return;
    const play = chart.querySelector(".vega-bindings input[type=checkbox]");
    const scrub = chart.querySelector(".vega-bindings input[type=range]");
    if (!play || !scrub || event.ctrlKey || event.metaKey || event.altKey) return;
    const presenting = document.querySelector(".st-key-diapo_navigation") !== null;
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
"""


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


def animated_chart(
    order: list[str],
    ranges: tuple[tuple[float, float], tuple[float, float]],
    grid_step: tuple[float, float],
    log_scale: bool,
    steps: int,
    ms_per_step: int,
    labels: dict[str, str],
    with_fit: bool = False,
) -> alt.LayerChart:
    """The chart's structure; `order` lists the optimizers' labels, in colour order.

    Data comes from `chart_datasets`: paths rows are label, step, x, y, loss, last (the
    label's final step) and stopped; `with_fit` adds the regression strip.
    """
    current = current_step_expression(steps, ms_per_step)
    playing = alt.param(name="playing", value=True, bind=alt.binding_checkbox(name=labels["play"]))
    scrub = alt.param(name="scrub", value=0, bind=alt.binding_range(min=0, max=steps, step=1, name=labels["scrub"]))
    timer = alt.selection_point(name="anim", fields=["step"], on="timer")
    start_click = alt.selection_point(name="depart", fields=["x", "y"], on="click", nearest=True, empty=False)

    (x_low, x_high), (y_low, y_high) = ranges
    map_x = alt.Scale(domain=[x_low, x_high], range=[0, MAP_PX], nice=False, zero=False)
    map_y = alt.Scale(domain=[y_low, y_high], range=[HEIGHT_PX, 0], nice=False, zero=False)
    palette = alt.Scale(domain=order, range=list(OPTIMIZER_COLOURS[: len(order)]))
    colour = alt.Color(
        "label:N", scale=palette, legend=alt.Legend(title=None, orient="top", labelFontSize=14, symbolStrokeWidth=4)
    )
    quiet_colour = alt.Color("label:N", scale=palette, legend=None)
    grid, paths = alt.NamedData(name="grid"), alt.NamedData(name="paths")

    surface_cells = (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X("x:Q", bin=alt.Bin(step=grid_step[0]), scale=map_x, title=labels["x"]),
            y=alt.Y("y:Q", bin=alt.Bin(step=grid_step[1]), scale=map_y, title=labels["y"]),
            color=alt.Color(
                "z:Q",
                scale=alt.Scale(type="symlog" if log_scale else "linear", scheme="greys", reverse=True),
                legend=None,
            ),
        )
    )
    click_targets = (
        alt.Chart(grid)
        .mark_point(opacity=0, size=30)
        .encode(x=alt.X("x:Q", scale=map_x, axis=None), y=alt.Y("y:Q", scale=map_y, axis=None))
        .add_params(start_click)
    )
    clock = (
        alt.Chart(alt.NamedData(name="clock"))
        .mark_point(opacity=0)
        .encode(time=alt.Time("step:O", scale=alt.Scale(range=[0, (steps + 1) * ms_per_step])))
        .add_params(timer)
        .transform_filter(timer)
    )
    targets = (
        alt.Chart(alt.NamedData(name="minima"))
        .mark_point(shape="cross", size=240, filled=True, color="white", stroke="black", strokeWidth=1)
        .encode(x=alt.X("x:Q", scale=map_x, axis=None), y=alt.Y("y:Q", scale=map_y, axis=None))
    )
    lines = (
        alt.Chart(paths)
        .transform_filter(f"datum.step <= {current}")
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x=alt.X("x:Q", scale=map_x, axis=None), y=alt.Y("y:Q", scale=map_y, axis=None), color=colour, order="step:Q"
        )
    )
    heads = (
        alt.Chart(paths)
        .transform_filter(f"datum.step == min({current}, datum.last)")
        .mark_point(filled=True, size=220, stroke="black", strokeWidth=1.5, opacity=1)
        .encode(
            x=alt.X("x:Q", scale=map_x, axis=None),
            y=alt.Y("y:Q", scale=map_y, axis=None),
            color=quiet_colour,
            shape=alt.Shape("stopped:N", scale=alt.Scale(domain=[False, True], range=["circle", "cross"]), legend=None),
        )
    )
    side_x = alt.Scale(domain=[0, steps], range=[MAP_PX + GAP_PX, MAP_PX + GAP_PX + SIDE_PX])
    loss_y = alt.Scale(type="log" if log_scale else "linear", range=[HEIGHT_PX, 0])
    drawable = f"datum.step <= {current}" + (" && datum.loss > 0" if log_scale else "")
    loss_curves = (
        alt.Chart(paths)
        .transform_filter(drawable)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("step:Q", scale=side_x, axis=alt.Axis(title=labels["step"], orient="bottom")),
            y=alt.Y("loss:Q", scale=loss_y, axis=strip_axis(MAP_PX + GAP_PX, labels["loss"], format="~g")),
            color=quiet_colour,
        )
    )
    layers = [surface_cells, click_targets, clock, targets, lines, heads, loss_curves]
    if with_fit:
        layers += _fit_layers(current, quiet_colour, labels)
    width = MAP_PX + GAP_PX + SIDE_PX + (GAP_PX + SIDE_PX if with_fit else 0)
    return (
        alt.layer(*layers)
        .resolve_scale(x="independent", y="independent")
        .add_params(playing, scrub)
        .properties(width=width, height=HEIGHT_PX, autosize=alt.AutoSizeParams(type="pad"))
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


def _fit_layers(current: str, colour: alt.Color, labels: dict[str, str]) -> list[alt.Chart]:
    """The regression strip: the data and each optimizer's line w·x + b at the current step."""
    left = MAP_PX + 2 * GAP_PX + SIDE_PX
    fit_x = alt.Scale(domain=[-2.4, 2.4], range=[left, left + SIDE_PX], nice=False)
    fit_y = alt.Scale(domain=[-6, 8], range=[HEIGHT_PX, 0], nice=False)
    dots = (
        alt.Chart(alt.NamedData(name="fit_points"))
        .mark_point(filled=True, size=70, color=NEUTRAL_INK)
        .encode(
            x=alt.X("x:Q", scale=fit_x, axis=alt.Axis(title=labels["data_x"], orient="bottom")),
            y=alt.Y("y:Q", scale=fit_y, axis=strip_axis(left, labels["data_y"])),
        )
    )
    fitted = (
        alt.Chart(alt.NamedData(name="fit_lines"))
        .transform_filter(f"datum.step == min({current}, datum.last)")
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x=alt.X("px:Q", scale=fit_x, axis=None),
            y=alt.Y("py:Q", scale=fit_y, axis=None),
            color=colour,
            detail="label:N",
        )
    )
    return [dots, fitted]
