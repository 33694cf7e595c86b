"""Handouts: the browser's print (A4) gives every section of a page, charts included.

One static stylesheet, inside `@media print`, applied to every page by
`components.projector.apply_page_style`: no user text ever reaches it.

- The sidebar, Streamlit's header, toolbar and decoration, every button and the slide
  navigation are left out of the paper.
- In presentation mode every slide prints, not only the one on screen: the hidden
  slides' containers are shown again (Streamlit draws them all; only a stylesheet hides
  them, see components/slides.py).
- Every tab of `st.tabs` prints, one after the other, under the row of tab names
  (Streamlit keeps the inactive ones in the DOM, `display: none`).
- Folded expanders print open: Streamlit draws an expander as `<details>`, its content
  in the DOM even while folded, and Chromium lets a stylesheet show a folded
  `<details>`'s content through `::details-content`.
- A `print_only` container shows on paper only.
- Streamlit scrolls inside the main area; for paper that area grows to its content,
  or the browser would print only its first screen.
- A chart keeps the width Vega gave it on screen, so it is shrunk to the paper's width,
  and neither a chart, a table nor a code block is cut by a page break.
"""

from contextlib import AbstractContextManager

import streamlit as st

PRINT_ONLY_PREFIX = "imprime_seulement_"  # + a name: a container the paper shows and the screen does not

PRINT_CSS = """
<style>
@page { size: A4; margin: 12mm; }
@media screen {
  [class*="st-key-imprime_seulement_"],
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-imprime_seulement_"]) { display: none !important; }
}
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stButton"], [data-testid="stFormSubmitButton"], [data-testid="stDownloadButton"],
  [data-testid="stPageLink"], [data-testid="stLinkButton"], .st-key-diapo_navigation,
  [data-testid="stLayoutWrapper"]:has(> .st-key-diapo_navigation)
    + [data-testid="stElementContainer"]:has([data-testid="stProgress"]) {
    display: none !important;
  }
  [class*="st-key-diapo_cachee_"] { display: flex !important; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stTabPanel"] { display: block !important; }
  [data-testid="stExpander"] details::details-content { content-visibility: visible; display: block; }
  [data-testid="stExpander"] details > summary { break-after: avoid; }
  [data-testid="stVegaLiteChart"], [data-testid="stGraphVizChart"] {
    zoom: 1 !important; width: auto !important; max-width: 100% !important;
  }
  [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg,
  [data-testid="stGraphVizChart"] svg {
    max-width: 100% !important; height: auto !important;
  }
  [data-testid="stVegaLiteChart"], [data-testid="stGraphVizChart"], [data-testid="stTable"],
  [data-testid="stDataFrame"], [data-testid="stCode"], [data-testid="stMetric"], [data-testid="stImage"] {
    break-inside: avoid;
  }
  h1, h2, h3, h4 { break-after: avoid; }
}
</style>
"""


def print_only(name: str) -> AbstractContextManager:
    """A container printed but not shown on screen (and its layout wrapper too, which
    would keep the column's gap): e.g. a section's title that a slide's bar replaces."""
    return st.container(key=f"{PRINT_ONLY_PREFIX}{name}")
