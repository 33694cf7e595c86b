"""A second reference: one slider above a lesson-sized page of static elements
(headings, paragraphs, code blocks, metrics), no computation at all.

Moving its slider costs what Streamlit itself costs to rerun and redraw a page of
that size, which no lesson page can go under.
"""

import streamlit as st

BLOCKS = 25  # 100 elements, about the size of a lesson page

value = st.slider("x", 0, 100, 50, key="x")
for block in range(BLOCKS):
    st.header(f"Section {block}")
    st.markdown(f"A paragraph of text for section {block}, with **bold** and `code`, x = {value}.")
    st.code(f"import torch\nt = torch.ones({block + 1}, 3) * {value}\nprint(t.sum())", language="python")
    st.metric("t.sum()", f"{(block + 1) * 3 * value}")
