"""Small tables as Markdown, for pages that show text only.

`st.table` converts its rows through pandas and Arrow, whose import would lengthen
the cold start of the home page, the first page a class opens after the server
starts. The home page's two tables are text, so they are Markdown tables, which
Streamlit draws without pandas.
"""

from collections.abc import Sequence


def _cell(value: object) -> str:
    """One cell: a pipe would end it and a line break would end the row."""
    return " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(header: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(_cell(value) for value in line) + " |" for line in lines)
