"""Two students in two browsers on one server: nothing of one reaches the other, and
a closed tab's training stops."""

import re
import time

from playwright.sync_api import expect

from .conftest import assert_no_crash, server_threads_cpu_seconds, wait_until_idle


def test_two_sessions_never_see_each_others_settings_language_or_model(browser, app_url):
    alice_context, bob_context = browser.new_context(), browser.new_context()
    alice, bob = alice_context.new_page(), bob_context.new_page()
    try:
        alice.goto(f"{app_url}/boucle-entrainement?lang=en&donnees=sine&epoques=10")
        bob.goto(f"{app_url}/boucle-entrainement?donnees=moons&epoques=10")
        wait_until_idle(alice)
        wait_until_idle(bob)
        bob.get_by_role("button", name="Entraîner").click()
        expect(bob.get_by_text("Entraînement terminé")).to_be_visible(timeout=120_000)
        wait_until_idle(bob)

        alice.get_by_test_id("stSidebar").get_by_text(
            "Projector mode"
        ).click()  # a rerun of her session, after Bob trained
        expect(alice.locator("[data-testid=stMain]")).to_have_css("font-size", re.compile(r"2[0-9]\.?[0-9]*px"))
        wait_until_idle(alice)
        expect(alice.locator("h1").first).to_have_text(re.compile("Training loop"))
        expect(alice.get_by_text("Training finished")).to_have_count(0)  # Bob's model is not hers
        expect(alice.get_by_role("button", name="Train", exact=True)).to_be_visible()
        expect(alice).to_have_url(re.compile(r"donnees=sine"))

        bob.get_by_test_id("stSidebar").get_by_text("Mode présentation").click()  # a rerun of his session
        expect(bob.locator(".st-key-diapo_navigation")).to_be_visible()
        expect(bob.get_by_text("Mode projecteur")).to_be_visible()
        assert (
            bob.locator("[data-testid=stMain]").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") < 20
        )  # not Alice's projector
        bob.get_by_test_id("stSidebar").get_by_text("Mode présentation").click()
        wait_until_idle(bob)
        expect(bob.locator("h1").first).to_have_text(re.compile("Boucle d'entraînement"))
        expect(bob.get_by_text("Exactitude en validation (boucle correcte)")).to_be_visible()  # his own model, kept
        expect(bob).to_have_url(re.compile(r"donnees=moons"))
        expect(bob).not_to_have_url(re.compile(r"lang=en"))
        assert_no_crash(alice)
        assert_no_crash(bob)
    finally:
        alice_context.close()
        bob_context.close()


PROGRESS_TEXT = "document.querySelector('[data-testid=stProgress]').innerText"


def next_progress(page, shown: str) -> tuple[str, float]:
    """Until the progress bar no longer says `shown`, checked every frame: what it says
    then, and when."""
    page.wait_for_function(f"(shown) => {PROGRESS_TEXT} !== shown", arg=shown, polling="raf", timeout=120_000)
    return page.evaluate(PROGRESS_TEXT), time.monotonic()


def test_a_closed_tab_stops_its_training(browser, app_url):
    """The biggest training the page allows, started then abandoned: its script thread ends."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{app_url}/boucle-entrainement?donnees=moons&n=400&couches=3&largeur=64&epoques=200")
    wait_until_idle(page)
    threads_before = server_threads_cpu_seconds()
    page.get_by_role("button", name="Entraîner").click()
    # The bar moves every fifth of the epochs: timed from one move to the next, a fifth.
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    first_move, moved = next_progress(page, page.evaluate(PROGRESS_TEXT))
    _, moved_again = next_progress(page, first_move)
    fifth = moved_again - moved
    # Streamlit runs each script run in a thread of its own: the busiest new one trains.
    threads = server_threads_cpu_seconds()
    training = max(threads.keys() - threads_before.keys(), key=threads.get)
    context.close()  # the tab is gone, mid-training
    closed = time.monotonic()
    # Streamlit notices the closed socket and stops the script at its next st.* call.
    while training in server_threads_cpu_seconds():
        # At most a fifth until the next st.* call; the three fifths left would take longer.
        assert time.monotonic() - closed < 2 * fifth, "the training went on after the tab closed"
        time.sleep(0.05)
    print(f"the training stopped {time.monotonic() - closed:.2f} s after the tab closed (a fifth: {fifth:.2f} s)")
