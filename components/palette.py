"""Colours shared by the charts, chosen to read on both the light and the dark theme.

Streamlit draws a chart on the page's own background, white or near-black, so no chart
uses black or white ink on that background (Vega draws text black unless told).
"""

# 4.5:1 on white and 4.2:1 on Streamlit's dark background (WCAG asks 3:1 for lines and
# points): regression lines, data points, outlines of the highlighted bars, graph edges.
NEUTRAL_INK = "#767676"

# Numbers written beside bars: bold 19 px is "large text" for WCAG, for which the
# neutral ink's 4.2:1 is enough on the dark background too.
VALUE_LABEL = {"color": NEUTRAL_INK, "fontSize": 19, "fontWeight": "bold"}
