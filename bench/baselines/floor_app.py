"""The framework's floor: the smallest Streamlit page with one slider.

Every interaction latency of the app is compared with this page's, measured in the same run.
"""

import streamlit as st

value = st.slider("x", 0, 100, 50, key="x")
st.write(f"x = {value}")
