"""Projector mode: big, high-contrast pages for a class (sidebar toggle, ?projecteur=1).

The style is one static stylesheet, applied to every page by the router: no user
text ever reaches it. Charts are scaled as a whole, so their lines, points and
labels grow together without touching any chart builder.

Vega-Lite draws a chart in an SVG or on a canvas, so a stylesheet cannot enlarge its
labels alone (on a canvas they are pixels; in an SVG Vega placed them for its own font
size). The chart is zoomed instead, and given the column's width divided by the zoom:
Vega measures its own container, lays the chart out for that narrower width, and the
zoom brings it back to exactly the column's width, labels and axes 1.3 times larger.
A Graphviz graph has a fixed size in points: it is zoomed, never past its column.
"""

import streamlit as st

from components import url_state
from components.i18n import t
from components.print_style import PRINT_CSS
from components.slides import SLIDES_CSS

PROJECTOR_KEY = "projecteur"


def projector_controls() -> bool:
    return url_state.toggle(t("projector.label"), key=PROJECTOR_KEY, help=t("projector.help"))


def projector_mode() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY, False))


PROJECTOR_CSS = """
<style>
/* Readable from the back of a room on a 1280 x 720 projector, in either theme. */
[data-testid="stMain"] { font-size: 1.3rem; color: light-dark(#000000, #ffffff); }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p {
  font-size: 1.3rem; line-height: 1.45; color: light-dark(#000000, #ffffff);
}
[data-testid="stMain"] h1 { font-size: 3.1rem; }
[data-testid="stMain"] h2 { font-size: 2.3rem; }
[data-testid="stMain"] h3 { font-size: 1.8rem; }
[data-testid="stMain"] code { font-size: 1.15rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.1rem; color: light-dark(#1f1f1f, #e6e6e6); }
[data-testid="stMain"] .block-container { padding-top: 4rem; max-width: 100%; }
[data-testid="stMain"] [data-baseweb="select"] div, [data-testid="stMain"] input,
[data-testid="stMain"] textarea, [data-testid="stMain"] button p { font-size: 1.2rem; }
/* Tables (st.table and Markdown's): values as large and as dark as the text around them
   (Streamlit draws them smaller, and st.table's header cells at 70 % opacity). */
[data-testid="stMain"] th, [data-testid="stMain"] td, [data-testid="stMain"] th p, [data-testid="stMain"] td p {
  font-size: 1.3rem; color: light-dark(#000000, #ffffff);
}
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: 2.6rem; line-height: 1.2; color: light-dark(#000000, #ffffff);
}
/* A long value wraps rather than being cut with an ellipsis. */
[data-testid="stMain"] [data-testid="stMetricValue"] > div { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stMain"] [data-testid="stCheckbox"] label { height: auto; align-items: center; }
[data-testid="stMain"] [data-testid="stCheckbox"] label > div:first-child { flex-shrink: 0; }
/* Charts scaled as a whole (see the docstring): thicker lines, bigger points and labels
   together, and the chart still exactly as wide as its column. */
[data-testid="stMain"] [data-testid="stVegaLiteChart"] {
  zoom: 1.3; width: calc(100% / 1.3) !important; max-width: calc(100% / 1.3) !important;
}
/* Axis and legend text of an SVG chart, dark enough (Streamlit's chart theme draws it
   grey); marks' own labels keep the colours their chart chose. A canvas cannot be styled. */
[data-testid="stMain"] [data-testid="stVegaLiteChart"] svg :is(.role-axis-label, .role-axis-title,
  .role-legend-label, .role-legend-title, .role-title-text) text {
  fill: light-dark(#1f1f1f, #e6e6e6) !important;
}
[data-testid="stMain"] [data-testid="stGraphVizChart"] { zoom: 1.8; max-width: calc(100% / 1.8); }
[data-testid="stMain"] [data-testid="stGraphVizChart"] svg { max-width: 100%; height: auto; }
/* A slide fits a 1280 x 720 screen: no empty band of 10rem under it (Streamlit's). */
[data-testid="stMain"] .block-container { padding-bottom: 1.5rem; }
</style>
"""


# Always on, found by the accessibility audit (WCAG AA asks 4.5:1): Streamlit's grey
# captions reach 2.7:1 to 3.8:1, and its code colours are as faint for comments and
# keywords. Each colour is a `light-dark()` pair: Streamlit sets the page's
# `color-scheme` from its theme, so the browser picks the right one. Both reach 6:1 or
# more on their theme's page and code backgrounds.
BASE_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; }  /* Streamlit fades captions to 0.6 */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: light-dark(#5c5b5a, #c2c0bd) !important;
}
[data-testid="stCode"] .token.comment { color: light-dark(#5c5b5a, #b5b3b0) !important; }
[data-testid="stCode"] .token.keyword, [data-testid="stCode"] .token.boolean {
  color: light-dark(#0b4f8a, #8cc4ff) !important;
}
[data-testid="stCode"] .token.string { color: light-dark(#1c5e20, #9ad89e) !important; }
[data-testid="stCode"] .token.number { color: light-dark(#7a3e00, #f5b26b) !important; }
[data-testid="stCode"] .token.function, [data-testid="stCode"] .token.builtin {
  color: light-dark(#5b2a86, #d3b1ff) !important;
}
[data-testid="stCode"] .token.operator, [data-testid="stCode"] .token.punctuation {
  color: light-dark(#333333, #dddddd) !important;
}
</style>
"""


def apply_page_style() -> None:
    """Called by the router on every page, before the page draws."""
    st.html(BASE_CSS + SLIDES_CSS + (PROJECTOR_CSS if projector_mode() else "") + PRINT_CSS)
