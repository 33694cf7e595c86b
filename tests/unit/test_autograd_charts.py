"""Chart builders of the autograd lesson: valid Vega-Lite (Altair validates `to_dict()`),
one chart per structure, and the gradient arrow in every direction (a bug once found
by bench/classroom.py)."""

import math

import pandas as pd
import pytest

from lessons.autograd import core
from lessons.autograd.charts import (
    contour_chart,
    contour_chart_data,
    function_chart,
    function_chart_data,
    function_y_domain,
)
from lessons.autograd.core import Gradient2D

FRAME = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "z": [0.0, 1.0]})


@pytest.mark.parametrize(("d_dx", "d_dy"), [(1, 0), (0, 1), (-1, 0), (0, -1), (-2, -3), (3, -0.5), (0, 0)])
def test_the_arrow_points_along_the_gradient_in_every_direction(d_dx, d_dy):
    arrow = contour_chart_data(FRAME, Gradient2D(0.5, 0.5, 1.0, d_dx, d_dy))["arrow"].set_index("end")
    angle = arrow.loc["tip", "angle"]
    assert 0 <= angle < 360
    # clockwise from "up": the direction (d_dx, d_dy) seen on screen
    assert angle == pytest.approx(math.degrees(math.atan2(d_dx, d_dy)) % 360)
    length = math.dist(arrow.loc["start", ["x", "y"]], arrow.loc["tip", ["x", "y"]])
    assert length == pytest.approx(0.0 if d_dx == d_dy == 0 else 1.0)


def test_the_map_reads_its_angle_from_the_data_so_it_is_built_once_per_grid():
    spec = contour_chart(0.5).to_dict()  # validates the spec
    tip = next(layer for layer in spec["layer"][-1]["layer"] if layer["mark"].get("shape") == "wedge")
    assert tip["encoding"]["angle"] == {"field": "angle", "type": "quantitative", "scale": None}
    assert {layer["data"]["name"] for layer in (spec["layer"][0], spec["layer"][1])} == {"cells", "arrow"}


def test_the_curve_keeps_f_inside_its_y_domain_and_marks_the_point():
    result = core.derivatives("x ** 2", 1.0)
    curve = core.curve("x ** 2", 1.0, result.autograd, result.value)
    low, high = function_y_domain(curve)
    f_values = curve.loc[curve["line"] == "f", "y"]
    assert low < f_values.min() and f_values.max() < high
    spec = function_chart((low, high), {"f": "f(x)", "tangent": "tangente"}).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [low, high]
    assert function_chart_data(curve, 1.0, result.value)["point"].to_dict("list") == {"x": [1.0], "y": [result.value]}
