"""Presentation mode: every page as slides, reachable by URL, kept across reruns."""

import pytest

from components.i18n import translate
from components.slides import HIDDEN_PREFIX, NEXT_KEY, PREVIOUS_KEY, SHOWN_PREFIX, slide_state_key
from lessons.catalog import ALL_LESSONS
from lessons.optimiseur.exercises import EXERCISES as OPTIMIZER_EXERCISES

SLIDE_PAGES = ALL_LESSONS  # the home page, the five lessons and the recap


def position(app) -> str:  # French: "**2 / 7** · title"
    """The indicator's text, e.g. '**2 / 7** · 1. Créer un tenseur'."""
    return next(block.value for block in app.markdown if block.value.startswith("**") and "·" in block.value)


def slide_keys(app, prefix: str) -> list[str]:
    """Keys of the slide containers the page drew whose key starts with `prefix`."""
    found = []

    def visit(node):
        for child in getattr(node, "children", {}).values():
            if isinstance(getattr(child, "key", None), str) and child.key.startswith(prefix):
                found.append(child.key)
            visit(child)

    visit(app.main)
    return found


@pytest.mark.parametrize("lesson", SLIDE_PAGES, ids=lambda lesson: lesson.page_id)
def test_slides_are_reachable_by_url_on_every_page(open_app, lesson):
    app = open_app(page=lesson.script, presentation="1", diapo="2")
    assert not app.exception and not app.warning
    assert position(app).startswith("**2\u00a0/\u00a0")
    assert app.session_state[slide_state_key(lesson.page_id)] == 2
    assert app.query_params["diapo"] == "2" and app.query_params["presentation"] == "1"


@pytest.mark.parametrize("lesson", SLIDE_PAGES, ids=lambda lesson: lesson.page_id)
def test_the_slide_survives_reruns_and_the_buttons_move_it(open_app, lesson):
    app = open_app(page=lesson.script, presentation="1")
    assert position(app).startswith("**1\u00a0/\u00a0")
    assert app.button(key=PREVIOUS_KEY).disabled
    app.button(key=NEXT_KEY).click().run()
    app.run()  # a rerun from any widget keeps the slide
    assert position(app).startswith("**2\u00a0/\u00a0")
    assert app.query_params["diapo"] == "2"
    app.button(key=PREVIOUS_KEY).click().run()
    assert position(app).startswith("**1\u00a0/\u00a0")
    assert "diapo" not in app.query_params  # the first slide is the default: out of the link
    assert not app.exception


def slide_count(app) -> int:
    """N in the indicator '**2 / N** · title'."""
    return int(position(app).split("**")[1].split("\u00a0/\u00a0")[1])


def test_the_last_slide_is_the_last_exercise_and_next_stops_there(open_app):
    app = open_app(page="lessons/optimiseur/page.py", presentation="1")
    app.session_state[slide_state_key("optimiseur")] = slide_count(app)
    app.run()
    last = OPTIMIZER_EXERCISES[-1].exercise_id
    assert position(app).endswith(translate(f"exercises.{last}.title", "fr"))
    assert app.button(key=NEXT_KEY).disabled


def test_only_the_current_slide_is_shown_the_others_are_hidden(open_app):
    app = open_app(page="lessons/tenseurs/page.py", presentation="1", diapo="3")
    assert len(slide_keys(app, SHOWN_PREFIX)) == 1
    assert len(slide_keys(app, HIDDEN_PREFIX)) == slide_count(app) - 1
    assert any(
        f"st-key-{HIDDEN_PREFIX}" in element.proto.body for element in app.get("html")
    )  # the stylesheet hides them


@pytest.mark.parametrize("raw", ["0", "99", "deux", "2.5"])
def test_a_bad_slide_number_in_the_url_is_explained_and_slide_one_shown(open_app, raw):
    app = open_app(presentation="1", diapo=raw)  # read on the first page opened
    assert not app.exception
    assert position(app).startswith("**1\u00a0/\u00a0")
    assert any("diapo" in warning.value for warning in app.warning)


def test_without_presentation_mode_the_whole_page_shows_and_no_slide_in_the_link(open_app):
    app = open_app(page="lessons/tenseurs/page.py", diapo="3")
    assert not [button for button in app.button if button.key == NEXT_KEY]
    assert "diapo" not in app.query_params
    assert len(app.header) >= 6  # every section's heading is on the page
    assert not slide_keys(app, HIDDEN_PREFIX) and not slide_keys(app, SHOWN_PREFIX)


def test_the_slide_is_in_the_share_link(open_app):
    app = open_app(page="lessons/optimiseur/page.py", presentation="1")
    app.button(key=NEXT_KEY).click().run()
    link = app.sidebar.code[0].value
    assert "presentation=1" in link and "diapo=2" in link
