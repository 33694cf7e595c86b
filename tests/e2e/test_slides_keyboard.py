"""Presentation mode and the keyboard, in real Chromium: what a teacher presses in class."""

import re

from playwright.sync_api import expect

from components.slides import NEXT_KEY, PREVIOUS_KEY

from .conftest import (
    IDLE,
    assert_no_crash,
    screenshot,
    server_frames,
    show_every_result,
    wait_until_idle,
)

SHOWN = "[class*='st-key-diapo_visible_']"


def press_on_page(page, key: str) -> None:
    """A key pressed with nothing focused, as after a click on the page's background."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)


def wait_for_shortcut(page, button_key: str) -> None:
    """The button enabled, its shortcut hint drawn: Streamlit binds a button's key in an
    effect that runs as the button is drawn, and not while it is disabled."""
    button = page.locator(f".st-key-{button_key} button")
    expect(button).to_be_enabled()
    expect(button.locator("[data-has-shortcut=true]")).to_be_visible()


def wait_for_animation_keys(page, chart) -> None:
    """The chart's inputs drawn and the page's key handler installed."""
    expect(chart.get_by_role("slider")).to_have_value("0")
    page.wait_for_function("window.learnPytorchAnimationKeys === true")


def test_the_arrows_move_between_slides_and_the_link_follows(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/tenseurs?presentation=1&projecteur=1")
    wait_until_idle(page)
    navigation = page.locator(".st-key-diapo_navigation")
    expect(navigation).to_contain_text("1\u00a0/\u00a026")
    expect(page.locator("h1").first).to_be_visible()  # the intro slide holds the title
    wait_for_shortcut(page, NEXT_KEY)
    press_on_page(page, "ArrowRight")
    expect(navigation).to_contain_text("2\u00a0/\u00a026")
    expect(page).to_have_url(re.compile(r"diapo=2"))
    wait_until_idle(page)
    expect(page.locator("h1").first).to_be_hidden()  # the intro is hidden, not gone
    expect(page.locator(SHOWN)).to_have_count(1)
    expect(page.locator(SHOWN).get_by_role("heading", level=2).first).to_contain_text("Créer un tenseur")
    assert_no_crash(page)
    screenshot(page, "presentation-fr-tenseurs-2")
    wait_for_shortcut(page, PREVIOUS_KEY)  # disabled on the first slide, so bound only now
    press_on_page(page, "ArrowLeft")
    expect(navigation).to_contain_text("1\u00a0/\u00a026")
    wait_until_idle(page)


def test_a_slide_link_opens_on_that_slide_and_a_reload_keeps_it(page, app_url):
    page.goto(f"{app_url}/optimiseur?presentation=1&diapo=11")
    wait_until_idle(page)
    navigation = page.locator(".st-key-diapo_navigation")
    expect(navigation).to_contain_text("11\u00a0/\u00a015")
    expect(page.locator(SHOWN).get_by_test_id("stCode").first).to_contain_text("torch.optim")
    page.reload()
    wait_until_idle(page)
    expect(navigation).to_contain_text("11\u00a0/\u00a015")


def test_space_pauses_and_the_arrows_step_the_optimizer_animation(page, app_url):
    frames = server_frames(page)
    page.goto(f"{app_url}/optimiseur?surface=bowl&pas=100")
    wait_until_idle(page)
    show_every_result(page)
    chart = page.get_by_test_id("stVegaLiteChart").first
    play, step = chart.get_by_role("checkbox"), chart.get_by_role("slider")
    expect(play).to_be_checked()
    wait_for_animation_keys(page, chart)
    received_before = len(frames)
    press_on_page(page, " ")
    expect(play).not_to_be_checked()
    press_on_page(page, "ArrowRight")
    press_on_page(page, "ArrowRight")
    expect(step).to_have_value("2")
    press_on_page(page, "ArrowLeft")
    expect(step).to_have_value("1")
    press_on_page(page, " ")
    expect(play).to_be_checked()
    expect(page.locator(IDLE)).to_have_count(1)
    assert len(frames) == received_before, "a key press reached the server"


def test_in_presentation_mode_shift_arrows_step_and_arrows_change_slide(page, app_url):
    # The two predictions (slides 5 and 6), then the animation they unlock (slide 7).
    page.goto(f"{app_url}/optimiseur?surface=bowl&pas=100&presentation=1&diapo=5")
    wait_until_idle(page)
    navigation = page.locator(".st-key-diapo_navigation")
    show_every_result(page)
    page.locator(f".st-key-{NEXT_KEY} button").click()
    expect(navigation).to_contain_text("6\u00a0/\u00a015")
    show_every_result(page)
    page.locator(f".st-key-{NEXT_KEY} button").click()
    expect(navigation).to_contain_text("7\u00a0/\u00a015")
    wait_until_idle(page)
    chart = page.locator(SHOWN).get_by_test_id("stVegaLiteChart").first
    step = chart.get_by_role("slider")
    wait_for_animation_keys(page, chart)
    press_on_page(page, "Shift+ArrowRight")
    expect(step).to_have_value("1")
    expect(navigation).to_contain_text("7\u00a0/\u00a015")
    wait_for_shortcut(page, NEXT_KEY)
    press_on_page(page, "ArrowRight")
    expect(navigation).to_contain_text("8\u00a0/\u00a015")
    wait_until_idle(page)
    assert_no_crash(page)
