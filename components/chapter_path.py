"""The guided path: at the end of a page, links to the previous and the next page of the chapter.

The order is the catalogue's (lessons/catalog.py, `ALL_LESSONS`), passed in by the page:
components never import lessons. The first page has no "previous"; the last one leads
back to the start. In presentation mode they show under the last slide only: every
other slide keeps the whole screen for its own idea.
"""

from collections.abc import Sequence
from typing import Protocol, TypeVar

import streamlit as st

from components.i18n import t


class PageEntry(Protocol):
    page_id: str  # its title is the catalogue's "nav.<page_id>"
    script: str  # the page file registered with st.navigation
    icon: str


Page = TypeVar("Page", bound=PageEntry)


def neighbours(page_id: str, order: Sequence[Page]) -> tuple[Page | None, Page | None]:
    """(previous page, next page) of `page_id` in `order`; None past either end."""
    ids = [page.page_id for page in order]
    index = ids.index(page_id)  # ValueError: a page missing from the order is a bug, not a case
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if index + 1 < len(order) else None
    return previous, following


def chapter_links(page_id: str, order: Sequence[PageEntry], *, shown: bool = True) -> None:
    """The path's links, at the very end of the page script; nothing when not `shown`
    (the page passes its deck's `on_last_slide`)."""
    if not shown:
        return
    previous, following = neighbours(page_id, order)
    st.divider()
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"):
        if previous is not None:
            st.page_link(
                previous.script,
                label=t("path.previous", title=t(f"nav.{previous.page_id}")),
                icon=":material/arrow_back:",
            )
        if following is not None:
            st.page_link(
                following.script,
                label=t("path.next", title=t(f"nav.{following.page_id}")),
                icon=":material/arrow_forward:",
                icon_position="right",
            )
        else:  # the end of the chapter
            st.page_link(
                order[0].script,
                label=t("path.start", title=t(f"nav.{order[0].page_id}")),
                icon=":material/restart_alt:",
            )
