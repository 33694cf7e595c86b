"""The optimizer map's click (the selection "depart" of the chart keyed "carte") comes
from the client as JSON, and AppTest cannot send it: these send it over the protocol.
A click on the map moves the start there; a point off the map moves it to the map's
edge; anything else (text, NaN, an empty point, null) leaves the start where it was,
with no error of any kind.
"""

import json
import math

import pytest

from bench.protocol import Drawn, ProtocolClient, Rerun, connected
from lessons.optimiseur import core

from .conftest import LiveServer, problems, run_async
from .hostile_values import state

MAP = core.surface("regression")  # the page's first surface
CLICKED = (1.5, 2.5)
CASES = {  # the selection's "depart" -> the start the page shows after it, from CLICKED
    "x is text": ([{"x": "abc", "y": 1}], CLICKED),
    "an empty point": ([{}], CLICKED),
    "null": (None, CLICKED),
    "NaN": ([{"x": math.nan, "y": math.nan}], CLICKED),
    "infinities": ([{"x": math.inf, "y": -math.inf}], CLICKED),
    "an integer beyond any float": ([{"x": 10**400, "y": 1}], CLICKED),
    "booleans": ([{"x": True, "y": False}], CLICKED),
    "a point, not a list": ({"x": 1, "y": 1}, CLICKED),
    "far off the map": ([{"x": 1e9, "y": -1e9}], (MAP.x_range[1], MAP.y_range[0])),
    "an integer off the map": ([{"x": -(10**12), "y": 3}], (MAP.x_range[0], 3.0)),
}


def shown_start(result: Rerun) -> tuple[float, float]:
    """The start's two number inputs, as the page drew them."""
    values = {}
    for widget in result.widgets:
        key = widget.widget_id.rsplit("-", 1)[-1]
        if widget.kind == "number_input" and key in ("x0", "y0"):
            values[key] = widget.proto.value if widget.proto.HasField("value") else widget.proto.default
    return values["x0"], values["y0"]


async def click(
    server: LiveServer, client: ProtocolClient, chart: Drawn, depart
) -> tuple[tuple[float, float] | None, list[str]]:
    """The start the page shows after the selection `depart`, and what went wrong."""
    mark = server.log_size()
    message = state(chart.widget_id, "string_value", json.dumps({"selection": {"depart": depart}}))
    try:
        result = await client.rerun([message], chart.fragment_id, timeout=20)
    except TimeoutError:
        return None, ["the rerun did not finish"]
    found = problems(result, server.log_text(mark))
    return (None, found) if found else (shown_start(result), [])


async def every_case(server: LiveServer) -> list[str]:
    """One session: for each case, a click on the map, then the case's selection."""
    failures = []
    async with connected(server.url) as client:
        await client.rerun()
        chart = next(w for w in (await client.open_page("optimiseur")).widgets if w.widget_id.endswith("-carte"))
        for case, (depart, expected) in CASES.items():
            clicked, clicked_problems = await click(server, client, chart, [{"x": CLICKED[0], "y": CLICKED[1]}])
            after, after_problems = await click(server, client, chart, depart)
            if (
                clicked != pytest.approx(CLICKED)
                or after != pytest.approx(expected)
                or clicked_problems
                or after_problems
            ):
                failures.append(
                    f"{case}: start {clicked} after the click, {after} after the case "
                    f"(expected {expected}) {after_problems}"
                )
    return failures


def test_a_click_on_the_map_is_checked_before_it_moves_the_start(live_server):
    failures = run_async(every_case(live_server))
    assert not failures, "\n".join(failures)
