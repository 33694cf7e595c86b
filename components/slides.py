"""Presentation mode: a lesson page shown one section at a time, like the seed's slides.

The teacher turns it on in the sidebar (or opens a `?presentation=1&diapo=3` link) and
walks the class through the page with the previous/next buttons or the ← → keys
(Streamlit's own button shortcuts).

Every section still runs on each rerun: the code twin and the quiz read the values of
the experiment, and its widgets keep their state and their place in the URL. The
sections not on screen are only hidden, by a static stylesheet that matches their
container's key, so no page code depends on which slide is shown.
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from components import url_state
from components.i18n import t

PRESENTATION_KEY = "presentation"
SLIDE_PARAM = "diapo"  # ?diapo=3: the slide, counted from 1 as the indicator shows it
# Element keys; Streamlit gives each keyed element the class `st-key-<key>`, which the
# stylesheet below and the optimizer's keyboard script (lessons/optimiseur/charts.py) match.
HIDDEN_PREFIX = "diapo_cachee_"  # + "<page>_<slide>": a section not on screen
SHOWN_PREFIX = "diapo_visible_"
NAVIGATION_KEY = "diapo_navigation"  # the bar of buttons, only there in presentation mode
PREVIOUS_KEY = "diapo_precedente"
NEXT_KEY = "diapo_suivante"

# Static: hides every slide container whose key says so. No user text reaches it.
SLIDES_CSS = f"""
<style>
/* The container and its layout wrapper: a wrapper left in place still takes the column's gap. */
@media screen {{
  [class*="st-key-{HIDDEN_PREFIX}"],
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-{HIDDEN_PREFIX}"]) {{ display: none !important; }}
}}
</style>
"""


def presentation_controls() -> bool:
    return url_state.toggle(t("slides.label"), key=PRESENTATION_KEY, help=t("slides.help"))


def presentation_mode() -> bool:
    return bool(st.session_state.get(PRESENTATION_KEY, False))


def slide_state_key(page_id: str) -> str:
    return f"slides.{page_id}"


def slide_from_url(raw: str | None, count: int) -> int | None:
    """The slide number a URL asks for, or None when it is not one of 1..count: an
    out-of-range number is refused with a notice rather than moved to the nearest slide."""
    if raw is None:
        return None
    try:
        number = int(raw.strip())
    except ValueError:
        return None
    return number if 1 <= number <= count else None


def clamp_slide(number: int, count: int) -> int:
    """`number` moved into 1..count: a step past either end stays on the first or last slide."""
    return min(max(number, 1), count)


def lesson_deck(
    page_id: str, prefix: str, sections: Sequence[tuple[str, str]], exercises: Sequence[tuple[str, str]] = ()
) -> "Deck":
    """A lesson's slides: its intro, its own `sections`, then the code twin, the quiz
    (titled by the `<prefix>.twin_title` and `<prefix>.quiz_title` locale keys) and the
    exercises (components/exercise_panel.py's exercise_slides)."""
    return Deck(
        page_id,
        [
            ("intro", f"{page_id}.title"),
            *sections,
            ("code", f"{prefix}.twin_title"),
            ("quiz", f"{prefix}.quiz_title"),
            *exercises,
        ],
    )


class Deck:
    """The slides of one page: `with deck.slide("quiz"): ...` around each section.

    `slides` lists (slide id, locale key of its title) in page order.
    """

    def __init__(self, page_id: str, slides: Sequence[tuple[str, str]]):
        self.page_id = page_id
        self.ids = [slide_id for slide_id, _ in slides]
        self.titles = [title_key for _, title_key in slides]
        self.active = presentation_mode()
        self.current = self._current_slide()  # counted from 1
        if self.active:
            self._navigation()

    @property
    def on_last_slide(self) -> bool:
        """True outside presentation mode, where the whole page shows."""
        return not self.active or self.current == len(self.ids)

    def slide(self, slide_id: str) -> AbstractContextManager:
        if not self.active:
            return nullcontext()
        shown = self.ids.index(slide_id) + 1 == self.current
        return st.container(key=f"{SHOWN_PREFIX if shown else HIDDEN_PREFIX}{self.page_id}_{slide_id}")

    def _current_slide(self) -> int:
        """From the session; on the page's first visit, from the URL (?diapo=3)."""
        key = slide_state_key(self.page_id)
        if key not in st.session_state:
            raw = st.query_params.get(SLIDE_PARAM) if self.active else None
            number = slide_from_url(raw, len(self.ids))
            if raw is not None and number is None:
                url_state.add_notice(url_state.number_notice(SLIDE_PARAM, raw, 1, len(self.ids), 1))
            st.session_state[key] = number or 1
        current = clamp_slide(int(st.session_state[key]), len(self.ids))
        if self.active and current > 1:
            st.query_params[SLIDE_PARAM] = str(current)
        else:
            st.query_params.pop(SLIDE_PARAM, None)
        return current

    def _move(self, step: int) -> None:
        """Button callback: runs before the page, so the new slide shows at once."""
        key = slide_state_key(self.page_id)
        st.session_state[key] = clamp_slide(st.session_state[key] + step, len(self.ids))

    def _navigation(self) -> None:
        total = len(self.ids)
        with st.container(horizontal=True, vertical_alignment="center", key=NAVIGATION_KEY):
            st.button(
                t("slides.previous"),
                icon=":material/arrow_back:",
                shortcut="Left",
                key=PREVIOUS_KEY,
                disabled=self.current == 1,
                on_click=self._move,
                args=(-1,),
            )
            st.markdown(t("slides.position", number=self.current, total=total, title=t(self.titles[self.current - 1])))
            st.button(
                t("slides.next"),
                icon=":material/arrow_forward:",
                icon_position="right",
                shortcut="Right",
                key=NEXT_KEY,
                disabled=self.current == total,
                on_click=self._move,
                args=(1,),
            )
        st.progress(self.current / total)
