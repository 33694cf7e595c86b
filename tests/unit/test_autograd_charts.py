"""The gradient arrow of the two-variable map, in every direction (found by bench/classroom.py)."""

import math

import pandas as pd
import pytest

from lessons.autograd.charts import contour_chart
from lessons.autograd.core import Gradient2D

FRAME = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "z": [0.0, 1.0]})


@pytest.mark.parametrize(("d_dx", "d_dy"), [(1, 0), (0, 1), (-1, 0), (0, -1), (-2, -3), (3, -0.5), (0, 0)])
def test_the_arrow_points_along_the_gradient_in_every_direction(d_dx, d_dy):
    spec = contour_chart(FRAME, Gradient2D(0.5, 0.5, 1.0, d_dx, d_dy), 0.5).to_dict()  # validates the spec
    tip = next(layer for layer in spec["layer"][-1]["layer"] if layer["mark"].get("shape") == "triangle-up")
    angle = tip["mark"]["angle"]
    assert 0 <= angle < 360
    # clockwise from "up": the direction (d_dx, d_dy) seen on screen
    assert angle == pytest.approx(math.degrees(math.atan2(d_dx, d_dy)) % 360)
