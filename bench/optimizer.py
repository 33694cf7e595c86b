"""Optimizer page: server cost of a rerun, and what the animation costs the server.

Run: .venv/bin/python -m bench.optimizer   (prints markdown tables)

1. Compute: core.trajectories for four optimizers x 500 steps on Rosenbrock, the work
   a rerun does when its cache misses (median of repeated runs after a warm-up).
2. Whole rerun: the optimizer page run by AppTest, cache missed (a new start each
   time) and cache hit (the same settings again).
The animation in a real browser is measured by bench/animation.py.
"""

import statistics
import time
from pathlib import Path

import torch

from components.torch_setup import configure_torch
from lessons.optimiseur import core

ROOT = Path(__file__).resolve().parents[1]
SPECS = (
    core.OptimizerSpec("sgd", lr=0.001),
    core.OptimizerSpec("momentum", lr=0.001),
    core.OptimizerSpec("adam", lr=0.05),
    core.OptimizerSpec("rmsprop", lr=0.01),
)
REPEATS = 7


def median_seconds(function, repeats: int = REPEATS) -> tuple[float, float]:
    function()  # warm-up: lazy initialisation inside torch.optim
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def compute_table() -> str:
    configure_torch()
    median, worst = median_seconds(lambda: core.trajectories("rosenbrock", 10.0, SPECS, (-1.5, 2.5), 500))
    one_median, _ = median_seconds(lambda: core.trajectory("rosenbrock", 10.0, SPECS[2], (-1.5, 2.5), 500))
    return "\n".join(
        [
            f"| work (torch threads = {torch.get_num_threads()}) | median | worst |",
            "|---|---|---|",
            f"| 4 optimizers x 500 steps, Rosenbrock | {median * 1000:.0f} ms | {worst * 1000:.0f} ms |",
            f"| 1 optimizer x 500 steps, Rosenbrock | {one_median * 1000:.0f} ms | |",
        ]
    )


def rerun_table() -> str:
    from streamlit.testing.v1 import AppTest

    query = {
        "surface": "rosenbrock",
        "opt": "sgd",
        "lr": "0.001",
        "opt2": "momentum",
        "lr2": "0.001",
        "opt3": "adam",
        "lr3": "0.03",
        "opt4": "rmsprop",
        "lr4": "0.01",
        "pas": "500",
    }
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    app.query_params.update(query)
    app.run()
    app.switch_page("lessons/optimiseur/page.py").run()
    misses, hits = [], []
    for index in range(REPEATS):
        app.number_input(key="x0").set_value(-1.5 + 0.01 * (index + 1))
        start = time.perf_counter()
        app.run()
        misses.append(time.perf_counter() - start)
        start = time.perf_counter()
        app.run()
        hits.append(time.perf_counter() - start)
    assert not app.exception, app.exception
    return "\n".join(
        [
            "| page rerun (AppTest, 4 x 500 on Rosenbrock) | median | worst |",
            "|---|---|---|",
            f"| cache miss (new start) | {statistics.median(misses) * 1000:.0f} ms | {max(misses) * 1000:.0f} ms |",
            f"| cache hit (same settings) | {statistics.median(hits) * 1000:.0f} ms | {max(hits) * 1000:.0f} ms |",
        ]
    )


if __name__ == "__main__":
    print(compute_table(), end="\n\n")
    print(rerun_table())
