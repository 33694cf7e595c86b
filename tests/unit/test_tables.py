"""Markdown tables: every row has the header's cells, whatever the text holds."""

from hypothesis import given
from hypothesis import strategies as st

from components.tables import markdown_table


def test_a_small_table_reads_as_markdown():
    assert markdown_table(["device", "available"], [["`cpu`", "yes"], ["`cuda`", "no"]]) == (
        "| device | available |\n| --- | --- |\n| `cpu` | yes |\n| `cuda` | no |"
    )


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_pipes_and_line_breaks_never_split_a_cell_or_a_row(rows):
    lines = markdown_table(["a", "b", "c"], rows).split("\n")
    assert len(lines) == len(rows) + 2
    for line in lines:
        unescaped_pipes = line.replace("\\|", "").count("|")
        assert unescaped_pipes == 4  # three cells: | a | b | c |
