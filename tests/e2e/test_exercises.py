"""The exercises in real Chromium: a learner types PyTorch with the keyboard only, runs it
with Ctrl+Enter, reads the feedback; screenshots of every lesson's exercises in the
light and dark themes, in projector mode and on a 390 px wide phone."""

import pytest
from playwright.sync_api import expect

from components.exercise import find_exercise
from components.i18n import translate
from lessons.catalog import OBJECTIVES
from lessons.exercise_catalog import ALL_EXERCISES

from .conftest import SCREENSHOTS, assert_no_crash, wait_for_app_style, wait_until_idle

SOLVED = translate("exercise.solved", "fr")


def key_class(key: str) -> str:
    """Streamlit's class for a keyed element: every character but [a-zA-Z0-9_-] becomes "-"."""
    return "st-key-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in key)


def editor(page, exercise_id: str):
    return page.locator(f".{key_class(f'exercise.{exercise_id}.answer')} textarea")


def test_a_keyboard_only_learner_writes_indented_code_and_runs_it_with_ctrl_enter(page, app_url):
    exercise = find_exercise("autograd.two_variables")
    page.goto(f"{app_url}/autograd")
    wait_until_idle(page)
    wait_for_app_style(page)
    area = editor(page, exercise.exercise_id)
    area.scroll_into_view_if_needed()
    area.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # Enter keeps the indentation and adds a level after a colon; Tab inserts four spaces.
    page.keyboard.type("with torch.no_grad():")
    page.keyboard.press("Enter")
    page.keyboard.type("pass")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert area.input_value() == "with torch.no_grad():\n    pass\n    "
    # Escape, then Tab: the focus leaves the editor (no keyboard trap).
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not area.evaluate("(element) => element === document.activeElement")
    area.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for line in exercise.solution.splitlines():
        page.keyboard.press("Shift+Home")  # the indentation Enter carried over, replaced by the line's own
        page.keyboard.press("Delete")
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    assert area.input_value().strip() == exercise.solution.strip()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text(SOLVED)).to_be_visible(timeout=30_000)
    assert_no_crash(page)


def test_a_mistake_gets_feedback_in_the_learner_s_terms(page, app_url):
    zeros = find_exercise("tenseurs.zeros")
    page.goto(f"{app_url}/tenseurs")
    wait_until_idle(page)
    field = page.locator(f".{key_class(f'exercise.{zeros.exercise_id}.answer')} input")
    field.fill("z = torch.zeros(4, 3, dtype=torch.float32, device=device)")
    field.press("Enter")
    expect(page.get_by_text("a la forme (4, 3), on attend (3, 4)")).to_be_visible(timeout=30_000)
    assert_no_crash(page)


def show_exercises(page, url: str, lesson) -> None:
    """The lesson's exercises with a first answer run (the first wrong solution), so the
    feedback shows too; then a screenshot of the exercises alone."""
    page.goto(url)
    wait_until_idle(page)
    wait_for_app_style(page)
    first = next(exercise for exercise in ALL_EXERCISES if exercise.page_id == lesson.page_id)
    if first.kind == "line":
        field = page.locator(f".{key_class(f'exercise.{first.exercise_id}.answer')} input")
        field.fill(first.wrong[0].answer)
        field.press("Enter")
        page.wait_for_selector(f".{key_class(f'exercises_{lesson.page_id}')} [data-testid=stAlert]")
        wait_until_idle(page)
    assert_no_crash(page)


@pytest.mark.parametrize(
    ("look", "scheme", "query", "width"),
    [
        ("clair", "light", "", 1280),
        ("sombre", "dark", "", 1280),
        ("projecteur", "light", "?projecteur=1", 1280),
        ("telephone", "light", "", 390),
    ],
)
def test_screenshots_of_every_lesson_s_exercises(page, app_url, look, scheme, query, width):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
    SCREENSHOTS.mkdir(exist_ok=True)
    for lesson in OBJECTIVES:
        show_exercises(page, f"{app_url}/{lesson.url_path}{query}", lesson)
        section = page.locator(f".{key_class(f'exercises_{lesson.page_id}')}")
        box = section.bounding_box()
        assert box is not None and box["width"] <= width, f"{lesson.url_path}: {box}"
        # stMain scrolls inside the window: a window as tall as the page draws the whole section.
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": width, "height": min(height, 16_000)})
        wait_until_idle(page)
        # Code blocks and select boxes load lazily and show grey skeletons first.
        page.wait_for_function("!document.querySelector('[data-testid^=stSkeleton]')", timeout=30_000)
        section.screenshot(path=SCREENSHOTS / f"exercices-{look}-{lesson.page_id}.png")
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
