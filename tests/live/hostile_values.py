"""Widget states no browser sends but any websocket client can: for each kind of widget,
values of the wrong type, indexes out of range, NaN and infinities, and for chart
selections malformed JSON.

Two tables. `HOSTILE` holds what Streamlit 1.67 hands on to the app: the app must
survive all of it. `STREAMLIT_REJECTS` holds what Streamlit's own deserializer fails on
before any line of the app runs (a number for a slider's list, a list for a select box's
label); no app code can catch it, so the live tests check only that the failure stays
in the session that sent it.
"""

import json
import math

from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.protocol import Drawn

HUGE = 1e308
FAR = 2**62  # an int64 far outside every widget's range
NAN, INF = math.nan, math.inf


def widget_kind(widget: Drawn) -> str:
    """The kind the fuzz knows a widget by, "" for an element that is no widget."""
    if widget.kind == "slider":
        return "select_slider" if widget.proto.type == Slider.SELECT_SLIDER else "slider"
    if widget.kind == "number_input":
        return "int_input" if widget.proto.data_type == widget.proto.INT else "number_input"
    if widget.kind == "vega_lite_chart":
        return "chart_selection" if widget.proto.selection_mode else ""  # no selection: not a widget
    if widget.kind in ("text_input", "text_area"):
        return "text"
    return widget.kind if widget.kind in HOSTILE else ""


def malformed_selections(name: str) -> list[str]:
    """JSON a chart selection may carry instead of the browser's {"selection": {name: [points]}}."""
    points = [
        [{"x": "abc", "y": 1}],
        [{}],
        None,
        [{"x": NAN, "y": NAN}],
        [{"x": INF, "y": -INF}],
        [{"x": 1e9, "y": -1e9}],
        [{"x": 10**400, "y": 0}],
        [{"x": HUGE, "y": 2}],
        {"x": 1, "y": 1},
        [[1, 2]],
        [None],
        "abc",
        5,
        [{"x": True, "y": False}],
        [{"x": [1], "y": {"a": 1}}],
    ]
    return [json.dumps({"selection": {name: value}}) for value in points] + [
        json.dumps({name: [{"x": "abc", "y": 1}]}),
        "[{}]",
        '"abc"',
        json.dumps({"selection": {}}),
    ]


# kind -> (wire field, value) pairs, each for a different way to be wrong. A choice's
# wire value is its label (a string), a select slider's a list of labels, a slider's a
# list of numbers.
HOSTILE: dict[str, list[tuple[str, object]]] = {
    "selectbox": [
        ("string_value", "not an option"),
        ("int_value", 99),
        ("int_value", -1),
        ("double_value", NAN),
        ("bool_value", True),
    ],
    "select_slider": [
        ("string_array_value", ["not an option"]),
        ("string_array_value", []),
        ("double_array_value", [99]),
        ("double_array_value", [-1]),
        ("string_value", "abc"),
    ],
    "slider": [("double_array_value", [value]) for value in (NAN, INF, -INF, -HUGE)]
    + [("double_array_value", []), ("string_value", "abc")],
    "number_input": [("double_value", value) for value in (NAN, INF, -INF, HUGE)]
    + [("int_value", FAR), ("bool_value", True)],
    "int_input": [("int_value", FAR), ("int_value", -FAR), ("double_value", 0.5)],
    "text": [("string_value", "\x00"), ("string_value", "[" * 2_000), ("string_array_value", ["abc"])],
    "checkbox": [("bool_value", True), ("string_value", "abc"), ("double_value", NAN)],
    "button": [("trigger_value", True), ("string_value", "abc"), ("double_value", NAN)],
    "download_button": [("trigger_value", True), ("string_value", "abc")],
    "chart_selection": [],  # built from the chart's own selection names: malformed_selections
}
HOSTILE["radio"] = HOSTILE["selectbox"]

STREAMLIT_REJECTS: dict[str, list[tuple[str, object]]] = {
    "selectbox": [("string_array_value", ["abc"])],  # a list is no dictionary key (selectbox.py deserialize)
    "radio": [("double_array_value", [1.0])],
    "slider": [("double_value", 0.5)],  # len() of a number (slider.py deserialize)
    "select_slider": [("int_value", 1)],
    "number_input": [("string_value", "abc")],  # float("abc")
    "int_input": [("double_value", NAN)],  # int(NaN)
    "text": [("int_value", 99)],  # 99[:max_chars]
    "chart_selection": [("string_value", "null"), ("string_value", '{"selection": null}'), ("int_value", 99)],
}


def state(widget_id: str, field: str, value) -> WidgetState:
    message = WidgetState(id=widget_id)
    if field.endswith("_array_value"):
        getattr(message, field).data.extend(value)
    else:
        setattr(message, field, value)
    return message


def _label(field: str, value) -> str:
    shown = repr(value)
    return f"{field}={shown[:40]}{'…' if len(shown) > 40 else ''}"


def hostile_states(
    widget: Drawn, table: dict[str, list[tuple[str, object]]] = HOSTILE
) -> list[tuple[str, str, WidgetState]]:
    """(kind, label, state) for every value of `table` the widget is sent."""
    kind = widget_kind(widget)
    pairs = list(table.get(kind, []))
    if kind == "chart_selection" and table is HOSTILE:
        pairs += [("string_value", text) for name in widget.proto.selection_mode for text in malformed_selections(name)]
    return [(kind, _label(field, value), state(widget.widget_id, field, value)) for field, value in pairs]
