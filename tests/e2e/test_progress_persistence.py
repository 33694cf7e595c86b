"""Self-study progress in real Chromium: kept for this browser (its `localStorage` holds
an anonymous id) across a reload and a new tab, not shared with another browser, and
gone for good after "Effacer ma progression". The server has a database of its own."""

import re

import pytest
from playwright.sync_api import expect

from components.browser_storage import COMPONENT_KEY
from components.database import URL_VARIABLE
from components.i18n import translate

from .conftest import SCREENSHOTS, WatchedServer, assert_no_crash, server_frames, wait_until_idle

STORAGE_KEY = "pytorch-chapitre-1"
REPORTED = f".st-key-{COMPONENT_KEY} [data-reported]"  # the script's mark once its report is sent
ONE_RIGHT = "1 bonne réponse sur 1 question"
KEPT = translate("saved_progress.kept_here", "fr", days=90)
EMPTY = translate("home.progress.empty", "fr")


@pytest.fixture(scope="module")
def progress_url(tmp_path_factory):
    """A server of its own, on an empty SQLite file: what it stores is this module's only."""
    folder = tmp_path_factory.mktemp("progress")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_VARIABLE, f"sqlite:///{folder / 'progress.sqlite3'}")
        server = WatchedServer(folder / "streamlit.log")  # the environment is read at its start
    yield server.url
    server.stop()


def open_home(context, url: str):
    """A new tab on the home page, failing the test on any JavaScript error; once the
    browser's id made its round trip (the caption says the progress is kept)."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error))
    page.server_frames = server_frames(page)
    page.goto(f"{url}/?x=1.0")  # the quiz asks about x = 2.0, where dy/dx = 7
    expect(page.get_by_text(KEPT)).to_be_visible()
    expect(page.locator(REPORTED)).to_have_count(1)
    wait_until_idle(page)
    return page


def stored_id(page) -> str:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}')).id")


def answer_the_gradient_question(page) -> None:
    # The form's elements carry its key: quiz.accueil.grad_at_other_x.<digest>
    page.locator("[class*='st-key-quiz-accueil-grad_at_other_x-'][class*='-answer'] input").fill("7")
    page.locator("[class*='st-key-FormSubmitter-quiz-accueil-grad_at_other_x-'] button").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible()
    wait_until_idle(page)


def assert_progress(page, text: str | None) -> None:
    """The home page's progress shows `text`, or nothing (and says so) when None."""
    bars = page.get_by_test_id("stProgress")
    if text is None:
        expect(bars).to_have_count(0)
        expect(page.get_by_text(EMPTY)).to_be_visible()
    else:
        expect(bars.filter(has_text=text)).to_have_count(1)
    assert_no_crash(page)
    assert not page.errors, f"JavaScript errors in the page: {page.errors}"


def test_progress_survives_a_reload_and_a_new_tab_but_not_another_browser(browser, progress_url):
    context, other = browser.new_context(), browser.new_context()
    try:
        page = open_home(context, progress_url)
        visitor = stored_id(page)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", visitor)
        storage = page.locator(f".st-key-{COMPONENT_KEY}")
        expect(storage).to_have_count(1)
        expect(storage).to_be_hidden()  # display: none, so no gap between the page's elements
        settled = len(page.server_frames)
        page.wait_for_timeout(1_500)
        assert len(page.server_frames) == settled, "the report asked for rerun after rerun"
        answer_the_gradient_question(page)
        assert_progress(page, ONE_RIGHT)
        progress_screenshot(page, "progress_kept")

        page.reload()
        expect(page.get_by_text(KEPT)).to_be_visible()
        assert_progress(page, ONE_RIGHT)
        assert stored_id(page) == visitor

        tab = open_home(context, progress_url)
        assert_progress(tab, ONE_RIGHT)

        stranger = open_home(other, progress_url)
        assert stored_id(stranger) != visitor
        assert_progress(stranger, None)
    finally:
        context.close()
        other.close()


def test_erased_progress_stays_erased_after_a_reload(browser, progress_url):
    context = browser.new_context()
    try:
        page = open_home(context, progress_url)
        answer_the_gradient_question(page)
        assert_progress(page, ONE_RIGHT)
        page.get_by_role("button", name="Effacer ma progression").click()
        confirm = page.get_by_role("button", name="Oui, tout effacer")
        expect(confirm).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "progress_erase_confirm.png")  # the popover over the section
        confirm.click()
        wait_until_idle(page)
        assert_progress(page, None)

        page.reload()
        expect(page.get_by_text(KEPT)).to_be_visible()
        wait_until_idle(page)
        assert_progress(page, None)
    finally:
        context.close()


def progress_screenshot(page, name: str) -> None:
    """The home page's progress section, from its title to the erase button (Streamlit
    scrolls inside its main block: the title is brought to the top of the window first)."""
    heading = page.get_by_role("heading", name="Votre progression")
    heading.evaluate("element => element.scrollIntoView()")
    title = heading.bounding_box()
    button = page.get_by_role("button", name="Effacer ma progression").bounding_box()
    SCREENSHOTS.mkdir(exist_ok=True)
    top = max(title["y"] - 20, 0)
    page.screenshot(
        path=SCREENSHOTS / f"{name}.png",
        clip={"x": 0, "y": top, "width": 1280, "height": button["y"] + button["height"] + 30 - top},
    )
