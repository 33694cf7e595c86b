"""Chart builders of the tensors lesson return valid Vega-Lite that Streamlit can draw."""

import pandas as pd
import torch

from lessons.tenseurs.charts import CELL_PX, tensor_chart, timing_chart
from lessons.tenseurs.core import tensor_cells


def test_a_matrix_is_one_layered_heatmap_with_square_cells():
    spec = tensor_chart(tensor_cells(torch.arange(6).reshape(2, 3)).frame).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text"]
    assert (spec["width"], spec["height"]) == (3 * CELL_PX, 2 * CELL_PX)
    assert spec["autosize"] == {"type": "pad"}  # Streamlit squashes it otherwise


def test_a_3d_tensor_is_a_row_of_slices():
    spec = tensor_chart(tensor_cells(torch.zeros(3, 2, 2)).frame).to_dict()
    assert spec["facet"]["column"]["field"] == "slice"


def test_text_is_white_only_on_dark_cells_that_stay_bright():
    frame = tensor_cells(torch.arange(4).reshape(2, 2), torch.tensor([[True, False], [False, True]])).frame
    spec = tensor_chart(frame, "selected").to_dict()
    rows = next(iter(spec["datasets"].values()))
    # values 0..3, middle 1.5: only 3 (selected) is dark and bright; 2 is dark but dimmed
    assert [row["ink"] for row in rows] == [False, False, False, True]
    copies = tensor_chart(frame, "copy").to_dict()
    assert [row["ink"] for row in next(iter(copies["datasets"].values()))] == [False, False, True, False]


def test_timing_chart_has_one_bar_per_device():
    frame = pd.DataFrame({"device": ["cpu"], "median_ms": [1.5], "label": ["1.50 ms"]})
    spec = timing_chart(frame, "ms").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "ms"
