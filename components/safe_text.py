"""Pure helpers for text a visitor typed: how deep it nests, and an inert excerpt of it.

No streamlit here: the lessons' cores use them too.
"""


def bracket_depth(text: str) -> int:
    """The deepest nesting of ( [ { in `text`: checked before ast.parse, which recurses on it."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def inert_excerpt(text: str, limit: int) -> str:
    """At most `limit` printable characters, without backticks, so Markdown shows them
    literally inside a code span; "…" marks a cut. Never empty: an empty code span
    would show its backticks instead."""
    printable = "".join(char for char in text if char.isprintable() and char != "`")
    if not printable:
        return " "
    return printable if len(printable) <= limit else printable[:limit] + "…"
