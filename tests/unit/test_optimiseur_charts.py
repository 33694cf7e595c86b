"""The animated chart is valid Vega-Lite with the browser-side controls it promises."""

import json

import altair as alt
import pandas as pd

from components.optimizers import OptimizerSpec
from components.slides import HIDDEN_PREFIX, NAVIGATION_KEY
from lessons.optimiseur import core
from lessons.optimiseur.charts import (
    ANIMATION_KEYS_JS,
    CHART_KEY,
    COMPACT,
    FULL,
    animated_chart,
    chart_datasets,
    current_step_expression,
)

LABELS = {key: key for key in ("play", "scrub", "x", "y", "step", "loss", "data_x", "data_y")}


def build(name: str, fit: bool = False):
    chosen = core.surface(name)
    return animated_chart(
        ["adam"], (chosen.x_range, chosen.y_range), (0.6, 0.4), chosen.log_colour, 20, 30, LABELS, with_fit=fit
    )


def test_the_filled_chart_is_valid_vega_lite():
    result = core.trajectory("rosenbrock", 10.0, OptimizerSpec("adam", lr=0.1), (-1.5, 2.5), 20)
    paths = pd.DataFrame(
        [
            {"label": "adam", "step": s, "x": x, "y": y, "loss": loss, "last": 20, "stopped": False}
            for s, ((x, y), loss) in enumerate(zip(result.points, result.losses, strict=True))
        ]
    )
    datasets = chart_datasets(core.surface_grid("rosenbrock", 10.0, 11), paths, [(1.0, 1.0)], 20)
    spec = build("rosenbrock").to_dict()
    names = {entry["name"] for entry in _named_data(spec)}
    assert names == set(datasets) == {"grid", "paths", "clock", "minima"}
    filled = {**spec, "datasets": {key: frame.to_dict("records") for key, frame in datasets.items()}}
    alt.LayerChart.from_dict(filled)  # validates


def _named_data(spec: dict) -> list[dict]:
    return [layer["data"] for layer in spec["layer"] if "data" in layer]


def test_the_chart_validates_and_binds_play_and_scrub():
    spec = build("rosenbrock").to_dict()  # validates against the Vega-Lite schema
    params = {param["name"]: param for param in spec["params"]}
    assert params["playing"]["bind"]["input"] == "checkbox"
    assert params["scrub"]["bind"] == {"input": "range", "min": 0, "max": 20, "step": 1, "name": "scrub"}
    text = json.dumps(spec)
    assert '"on": "timer"' in text and current_step_expression(20, 30) in text
    assert spec["autosize"] == {"type": "pad"}


def test_the_regression_chart_has_a_third_strip_for_the_fitted_line():
    narrow, wide = build("regression").to_dict(), build("regression", fit=True).to_dict()
    assert wide["width"] > narrow["width"] and len(wide["layer"]) == len(narrow["layer"]) + 2


def test_the_clock_ticks_once_per_step():
    assert current_step_expression(500, 30) == "(playing ? min(floor(anim_clock / 30), 500) : scrub)"


def test_the_keyboard_script_finds_the_chart_and_the_slides_by_their_keys():
    # Streamlit marks a keyed element with the class st-key-<key>.
    assert f'document.querySelector(".st-key-{CHART_KEY}")' in ANIMATION_KEYS_JS
    assert f'[class*="st-key-{HIDDEN_PREFIX}"]' in ANIMATION_KEYS_JS
    assert f'document.querySelector(".st-key-{NAVIGATION_KEY}")' in ANIMATION_KEYS_JS
    assert "$" not in ANIMATION_KEYS_JS  # every placeholder filled


def test_the_compact_chart_for_a_slide_is_smaller_and_still_valid():
    chosen = core.surface(core.REGRESSION)
    args = (["adam"], (chosen.x_range, chosen.y_range), (0.6, 0.4), chosen.log_colour, 20, 30, LABELS)
    full = animated_chart(*args, with_fit=True).to_dict()
    compact = animated_chart(*args, with_fit=True, size=COMPACT).to_dict()
    assert (compact["width"], compact["height"]) < (full["width"], full["height"])
    assert compact["width"] == COMPACT.map_px + 2 * (COMPACT.gap_px + COMPACT.side_px)
    assert FULL.height_px == full["height"]
