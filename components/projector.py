"""Projector mode: big, high-contrast pages for a class (sidebar toggle, ?projecteur=1).

The style is one static stylesheet, applied to every page by the router: no user
text ever reaches it. Charts are scaled as a whole, so their lines, points and
labels grow together without touching any chart builder.
"""

import streamlit as st

from components import url_state
from components.i18n import t

PROJECTOR_KEY = "projecteur"


def projector_controls() -> bool:
    return url_state.toggle(t("projector.label"), key=PROJECTOR_KEY, help=t("projector.help"))


def projector_mode() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY, False))


PROJECTOR_CSS = """
<style>
/* Readable from the back of a room on a 1280 x 720 projector. */
[data-testid="stMain"] { font-size: 1.3rem; color: #000000; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 1.3rem; line-height: 1.45; color: #000000; }
[data-testid="stMain"] h1 { font-size: 3.1rem; }
[data-testid="stMain"] h2 { font-size: 2.3rem; }
[data-testid="stMain"] h3 { font-size: 1.8rem; }
[data-testid="stMain"] code { font-size: 1.15rem; }
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: 3rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.1rem; color: #1f1f1f; }
[data-testid="stMain"] .block-container { padding-top: 4rem; max-width: 100%; }
[data-testid="stMain"] [data-baseweb="select"] div, [data-testid="stMain"] input,
[data-testid="stMain"] textarea, [data-testid="stMain"] button p { font-size: 1.2rem; }
/* Charts scaled as a whole: thicker lines, bigger points and labels together. */
[data-testid="stMain"] [data-testid="stVegaLiteChart"],
[data-testid="stMain"] [data-testid="stGraphVizChart"] { zoom: 1.3; }
</style>
"""


# Always on, found by the accessibility audit (WCAG AA asks 4.5:1): Streamlit's grey
# captions reach 2.7:1 to 3.8:1, and its code colours are as faint for comments and
# keywords. These colours reach 6:1 or more on white and on the code background.
BASE_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; }  /* Streamlit fades captions to 0.6 */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #5c5b5a !important; }
[data-testid="stCode"] .token.comment { color: #5c5b5a !important; }
[data-testid="stCode"] .token.keyword, [data-testid="stCode"] .token.boolean { color: #0b4f8a !important; }
[data-testid="stCode"] .token.string { color: #1c5e20 !important; }
[data-testid="stCode"] .token.number { color: #7a3e00 !important; }
[data-testid="stCode"] .token.function, [data-testid="stCode"] .token.builtin { color: #5b2a86 !important; }
[data-testid="stCode"] .token.operator, [data-testid="stCode"] .token.punctuation { color: #333333 !important; }
</style>
"""


def apply_page_style() -> None:
    """Called by the router on every page, before the page draws."""
    st.html(BASE_CSS + (PROJECTOR_CSS if projector_mode() else ""))
