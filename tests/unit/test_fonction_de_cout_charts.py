"""Chart builders of the loss lesson: valid Vega-Lite (Altair validates `to_dict()`),
one chart per structure, the values in named datasets."""

import pandas as pd
import pytest

from components.regression import DataSettings, make_dataset
from lessons.fonction_de_cout import core
from lessons.fonction_de_cout.charts import (
    contributions_chart,
    contributions_chart_data,
    data_chart,
    data_chart_data,
    landscape_chart,
    landscape_chart_data,
    loss_names,
    probabilities_chart,
    shapes_chart,
    shapes_chart_data,
)

LABELS = {name: name.upper() for name in ("mse", "mae", "huber", "smooth_l1", "log_cosh", "weighted_mse")}
DATA = make_dataset(DataSettings(0.3, 2, 8.0, 0))


def named_data(spec: dict) -> set[str]:
    """Every dataset name a spec (its layers and facet included) reads."""
    names = set()
    for node in (spec, *spec.get("layer", []), spec.get("spec", {})):
        if "name" in node.get("data", {}):
            names.add(node["data"]["name"])
    return names


def test_the_data_chart_reads_the_points_and_the_line_w_x_plus_b():
    spec = data_chart({"outlier": "aberrant", "point": "point"}).to_dict()
    datasets = data_chart_data(core.points_frame(DATA, 2.0, 1.0), 2.0, 1.0)
    assert named_data(spec) == set(datasets) == {"points", "line"}
    line = datasets["line"]
    assert line["prediction"].tolist() == pytest.approx([2.0 * x + 1.0 for x in line["x"]])
    assert line["x"].min() < DATA.x.min().item() and line["x"].max() > DATA.x.max().item()


def test_contributions_have_one_panel_per_loss_in_the_frames_order():
    share = core.contributions(DATA, 2.0, 1.0, 1.0)
    names = loss_names(share)
    spec = contributions_chart(names, LABELS, "part").to_dict()
    assert spec["data"] == {"name": "shares"}
    assert spec["facet"]["sort"] == [LABELS[name] for name in names]
    assert set(contributions_chart_data(share, LABELS)["shares"]["label"]) == {LABELS[name] for name in names}


def test_the_shapes_chart_ticks_only_residuals_it_can_show():
    shapes = core.loss_shapes(1.0, "log_cosh")
    spec = shapes_chart(loss_names(shapes), LABELS, {"residual": "r", "loss": "perte"}).to_dict()
    datasets = shapes_chart_data(shapes, [-9.0, -1.0, 0.5, 4.0, 12.0], LABELS)
    assert named_data(spec) == set(datasets) == {"curves", "ticks"}
    assert datasets["ticks"]["residual"].tolist() == [-1.0, 0.5, 4.0]


def test_the_landscape_marks_the_current_point_and_the_optimum():
    titles = {"loss": "perte", "current": "actuel", "best": "optimum"}
    spec = landscape_chart(titles, (0.1, 0.1)).to_dict()
    datasets = landscape_chart_data(core.landscape(DATA, "mse", 1.0, 5), (2.0, 1.0), (1.9, 1.2), titles)
    assert named_data(spec) == set(datasets) == {"cells", "marks"}
    assert datasets["marks"].to_dict("list") == {"w": [2.0, 1.9], "b": [1.0, 1.2], "what": ["actuel", "optimum"]}


def test_the_probabilities_chart_is_valid():
    frame = pd.DataFrame({"class": ["0", "1"], "probability": [0.3, 0.7], "true": [False, True]})
    assert (
        probabilities_chart(frame, {"class": "classe", "probability": "p"}).to_dict()["layer"][0]["mark"]["type"]
        == "bar"
    )
