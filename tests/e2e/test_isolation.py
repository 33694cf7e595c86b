"""Two students in two browsers on one server: nothing of one reaches the other, and
a closed tab's training stops."""

import re
import time

from playwright.sync_api import expect

from .conftest import server_cpu_seconds, wait_until_idle
from .test_browser import no_exception_on


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
        expect(bob.get_by_text("Précision en validation (boucle correcte)")).to_be_visible()  # his own model, kept
        expect(bob).to_have_url(re.compile(r"donnees=moons"))
        expect(bob).not_to_have_url(re.compile(r"lang=en"))
        no_exception_on(alice)
        no_exception_on(bob)
    finally:
        alice_context.close()
        bob_context.close()


def test_a_closed_tab_stops_its_training(browser, app_url):
    """The biggest training the page allows, started then abandoned: the server goes quiet."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{app_url}/boucle-entrainement?donnees=moons&n=400&couches=3&largeur=64&epoques=200")
    wait_until_idle(page)
    page.get_by_role("button", name="Entraîner").click()
    expect(page.locator("[data-test-script-state='running']")).to_have_count(1)
    page.wait_for_timeout(1000)
    context.close()  # the tab is gone, mid-training
    time.sleep(2)  # Streamlit notices the closed socket and stops the script at its next st.* call
    before = server_cpu_seconds()
    time.sleep(2)
    busy = server_cpu_seconds() - before
    assert busy < 0.5, f"the server spent {busy:.2f} s of CPU in 2 s after the tab closed"
