"""Charts drawn from a cached Vega-Lite dict instead of an Altair object.

Building an Altair chart and converting it to a dict is slow next to the rest of a
rerun, and a page would pay it for every chart on every rerun, while most of a page's
charts are unchanged by one widget.
`show_chart` keys the dict on the builder and its arguments (data frames, numbers,
labels), so a rerun pays only for the charts whose inputs changed;
`show_chart_with_data` keys it on the chart's structure alone and adds the data.
"""

import importlib
from collections.abc import Callable

import streamlit as st


@st.cache_data(max_entries=2048, show_spinner=False)
def chart_spec(module: str, name: str, args: tuple) -> dict:
    build = getattr(importlib.import_module(module), name)
    return build(*args).to_dict(validate=False)  # every builder's output is validated by its unit tests


def show_chart(build: Callable, *args, alt: str, **options) -> None:
    """`st.vega_lite_chart` of `build(*args)`, with a text alternative for screen readers."""
    st.vega_lite_chart(chart_spec(build.__module__, build.__qualname__, args), alt=alt, **options)


def show_chart_with_data(build: Callable, *args, datasets: dict, alt: str, **options) -> None:
    """Like `show_chart` for a chart whose `build(*args)` reads named datasets: the dict
    is keyed on a few plain values (a shape, labels), so a new value only swaps the data."""
    spec = chart_spec(build.__module__, build.__qualname__, args)
    st.vega_lite_chart({**spec, "datasets": datasets}, alt=alt, **options)
