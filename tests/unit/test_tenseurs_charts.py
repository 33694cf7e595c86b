"""Chart builders of the tensors lesson return valid Vega-Lite that Streamlit can draw."""

import pandas as pd
import torch

from lessons.tenseurs.charts import CELL_PX, CELLS, ink_cells, tensor_chart, tensor_shape, timing_chart
from lessons.tenseurs.core import tensor_cells


def test_a_matrix_is_one_layered_heatmap_with_square_cells():
    frame = tensor_cells(torch.arange(6).reshape(2, 3)).frame
    assert tensor_shape(frame) == (2, 3, 1)
    spec = tensor_chart(*tensor_shape(frame)).to_dict()
    assert spec["data"] == {"name": CELLS}  # the values come as a dataset: one chart per shape
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "text"]
    assert (spec["width"], spec["height"]) == (3 * CELL_PX, 2 * CELL_PX)
    assert spec["autosize"] == {"type": "pad"}  # Streamlit squashes it otherwise


def test_a_3d_tensor_is_a_row_of_slices():
    frame = tensor_cells(torch.zeros(3, 2, 2)).frame
    assert tensor_shape(frame) == (2, 2, 3)
    spec = tensor_chart(*tensor_shape(frame)).to_dict()
    assert spec["facet"]["column"]["field"] == "slice"
    assert spec["data"] == {"name": CELLS}


def test_text_is_white_only_on_dark_cells_that_stay_bright():
    frame = tensor_cells(torch.arange(4).reshape(2, 2), torch.tensor([[True, False], [False, True]])).frame
    # values 0..3, middle 1.5: only 3 (selected) is dark and bright; 2 is dark but dimmed
    assert ink_cells(frame, "selected")["ink"].tolist() == [False, False, False, True]
    assert ink_cells(frame, "copy")["ink"].tolist() == [False, False, True, False]
    assert ink_cells(frame)["ink"].tolist() == [False, False, True, True]
    assert "opacity" in tensor_chart(2, 2, 1, "selected").to_dict()["layer"][0]["encoding"]


def test_timing_chart_has_one_bar_per_device():
    frame = pd.DataFrame({"device": ["cpu"], "median_ms": [1.5], "label": ["1.50 ms"]})
    spec = timing_chart(frame, "ms").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "ms"
