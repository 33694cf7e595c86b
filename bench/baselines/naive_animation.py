"""The naive baseline: the optimizer's trajectories animated the way most Streamlit
tutorials do it, by redrawing a placeholder from a server loop.

Same surface, optimizers, start and steps as bench/animation.py opens on the real page;
every frame is a new chart sent by the server over the websocket.
"""

import time

import altair as alt
import pandas as pd
import streamlit as st

from lessons.optimiseur import core

SPECS = (core.OptimizerSpec("sgd", lr=0.001), core.OptimizerSpec("adam", lr=0.03))
STEPS, MS_PER_STEP = 300, 16

results = core.trajectories("rosenbrock", 10.0, SPECS, (-1.5, 2.5), STEPS)
paths = pd.DataFrame(
    [
        {"label": spec.label, "step": step, "x": x, "y": y}
        for spec, result in zip(SPECS, results, strict=True)
        for step, (x, y) in enumerate(result.points)
    ]
)
placeholder = st.empty()
while True:  # loops like the real animation does, until the session ends
    for step in range(STEPS + 1):
        shown = paths[paths["step"] <= step]
        chart = alt.Chart(shown).mark_line().encode(x="x:Q", y="y:Q", color="label:N", order="step:Q")
        placeholder.altair_chart(chart.properties(width=500, height=340))
        time.sleep(MS_PER_STEP / 1000)
