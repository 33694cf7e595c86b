"""Real Chromium against a real `streamlit run`: what a learner sees and clicks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from components.i18n import LANGUAGES, translate
from lessons.catalog import ALL_LESSONS, HOME

from .conftest import (
    IDLE,
    SCREENSHOTS,
    assert_no_crash,
    drawing_of,
    picture,
    screenshot,
    server_frames,
    show_every_result,
    show_result_without_answering,
    wait_for_app_style,
    wait_for_new_picture,
    wait_for_still_picture,
    wait_until_idle,
)


def title_of(lesson, lang: str) -> str:
    return translate("home.title" if lesson is HOME else f"{lesson.page_id}.title", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_reached_through_the_sidebar(page, app_url, lang):
    page.goto(f"{app_url}/?lang={lang}")
    wait_until_idle(page)
    navigation = page.get_by_test_id("stSidebarNav")
    for lesson in ALL_LESSONS:
        navigation.get_by_role("link", name=translate(f"nav.{lesson.page_id}", lang)).click()
        expect(page.locator("h1").first).to_contain_text(title_of(lesson, lang))
        path = f"/{lesson.url_path}"
        query = "" if lang == "fr" else f"\\?lang={lang}"  # French, the default, stays out of the URL
        expect(page).to_have_url(re.compile(f"{path}{query}$"))
        wait_until_idle(page)
        assert_no_crash(page)
        screenshot(page, f"{lang}-{lesson.page_id}")


def test_the_language_switch_rewrites_the_page_and_the_url(page, app_url):
    page.goto(app_url)
    wait_until_idle(page)
    expect(page.locator("h1").first).to_contain_text("Qu'est-ce que PyTorch")
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.locator("h1").first).to_contain_text("What is PyTorch?")
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Training loop")


def test_a_deep_link_reproduces_a_view(page, app_url):
    page.goto(f"{app_url}/?lang=en&f=sinus&x=2.0")
    wait_until_idle(page)
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("0.0770")
    expect(page.get_by_test_id("stCode").first).to_contain_text("torch.tensor(2.0, requires_grad=True)")
    assert_no_crash(page)


def test_moving_x_redraws_its_section_only_and_the_share_link_follows(page, app_url):
    frames = server_frames(page)
    page.goto(f"{app_url}/?x=1.0")
    wait_until_idle(page)
    full_run = len(frames)  # the whole page and the sidebar
    frames.clear()
    page.locator(".st-key-x").get_by_role("slider").press("ArrowRight")
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("5.2000")  # 2 x + 3 at x = 1.1
    expect(page).to_have_url(re.compile(r"x=1\.1"))
    wait_until_idle(page)
    assert len(frames) < full_run / 2  # measured: 33 messages for the demo's section, 87 for the page
    page.get_by_test_id("stSidebar").get_by_role("button", name="Partager").click()  # opening it reruns the page
    expect(page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")).to_contain_text("x=1.1")
    assert_no_crash(page)


def test_malformed_parameters_give_notices_not_tracebacks(page, app_url):
    page.goto(f"{app_url}/?lang=xx&x=banana&projecteur=oui")
    wait_until_idle(page)
    alerts = page.get_by_test_id("stAlertContentWarning")
    expect(alerts).to_have_count(3)
    expect(alerts.first).to_contain_text("Paramètre d'adresse lang ignoré")
    expect(page.locator("h1").first).to_contain_text("Qu'est-ce que PyTorch")
    assert_no_crash(page)
    screenshot(page, "fr-bad-url")


def test_a_learner_predicts_the_gradient_and_checks_it(page, app_url):
    page.goto(f"{app_url}/?x=1.0")
    wait_until_idle(page)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("spinbutton"))  # the number question
    form.get_by_role("spinbutton").fill("7")
    form.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text(translate("quiz.correct", "fr"), exact=True)).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_contain_text("1 bonne réponse sur 1 question")
    screenshot(page, "fr-accueil-quiz")


def test_tensors_page_fixes_a_matrix_product(page, app_url):
    """Visit the tensors page, see `(2, 3) @ (2, 3)` refused, transpose b, see the product."""
    page.goto(f"{app_url}/tenseurs")
    wait_until_idle(page)
    assert_no_crash(page)
    page.get_by_role("tab", name="Produit matriciel @").click()
    panel = page.get_by_role("tabpanel", name="Produit matriciel @")
    show_result_without_answering(page, "tenseurs", "matmul_shape")  # the shape is asked first
    expect(panel.get_by_text("`(2, 3) @ (2, 3)` échoue".replace("`", ""))).to_be_visible()
    screenshot(page, "fr-tenseurs-matmul-error")
    panel.get_by_text("Transposer b").click()
    expect(panel.get_by_text("donne (2, 2)")).to_be_visible()
    wait_until_idle(page)
    assert_no_crash(page)
    # a, b and c are drawn, each cell about 44 px square: c is (2, 2).
    charts = panel.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(3)
    product = charts.nth(2).locator("canvas, svg").first
    expect(product).to_be_visible()
    assert product.bounding_box()["height"] >= 2 * 44
    screenshot(page, "fr-tenseurs-matmul-fixed")


def test_tensors_page_times_the_matrix_product_on_real_devices_only(page, app_url):
    page.goto(f"{app_url}/tenseurs?lang=en")
    wait_until_idle(page)
    page.get_by_role("button", name="Measure").click()
    expect(page.get_by_text("no GPU figure is made up")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").last.locator("canvas, svg").first).to_be_visible()
    assert_no_crash(page)
    screenshot(page, "en-tenseurs-timing")


def test_autograd_page_draws_the_recorded_graph(page, app_url):
    """The graph of sin(x)*x**2, walked to the leaf: every node and the final x.grad."""
    page.goto(f"{app_url}/autograd?fonction=sin(x)*x**2&ax=1.0&etape=4")
    wait_until_idle(page)
    expect(page.get_by_test_id("stGraphVizChart")).to_have_count(0)  # the question on grad_fn comes first
    show_result_without_answering(page, "autograd", "grad_fn")
    graph = page.get_by_test_id("stGraphVizChart").locator("svg")
    expect(graph).to_be_visible()
    for name in ("MulBackward0", "SinBackward0", "PowBackward0"):
        expect(graph.get_by_text(name)).to_be_visible()
    expect(page.get_by_text("exactement x.grad = 2.22324")).to_be_visible()
    assert_no_crash(page)
    graph.scroll_into_view_if_needed()
    screenshot(page, "fr-autograd-graph")


def test_autograd_refuses_code_typed_as_a_function(page, app_url):
    page.goto(f"{app_url}/autograd?lang=en&fonction=saisie&expr=__import__('os').system('touch PWNED')")
    wait_until_idle(page)
    expect(page.get_by_text("is not allowed").first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("2")  # x**2 at 1.0 stays
    assert_no_crash(page)


def test_loss_page_shows_an_outlier_dominating_mse(page, app_url):
    page.goto(f"{app_url}/fonction-de-cout?lang=en&aberrants=2&ecart=12.0")
    wait_until_idle(page)
    expect(page.get_by_text("of the MSE but only")).to_have_count(0)  # the question comes first
    show_result_without_answering(page, "fonction_de_cout", "outlier_doubles")
    expect(page.get_by_text("of the MSE but only")).to_be_visible()
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible()
    expect(charts.nth(2)).to_be_attached()  # data, contributions, landscape (the rest is folded)
    assert_no_crash(page)
    screenshot(page, "en-fonction-de-cout")


def test_the_optimizer_animation_runs_in_the_browser_without_the_server(page, app_url):
    """The chart's picture keeps changing, the script stays notRunning, no websocket traffic."""
    frames = server_frames(page)
    page.goto(f"{app_url}/optimiseur?surface=rosenbrock&opt2=adam&lr2=0.2&pas=300")
    wait_until_idle(page)
    show_every_result(page)
    chart = page.get_by_test_id("stVegaLiteChart").first
    drawing = drawing_of(chart)
    expect(drawing).to_be_visible()
    chart.scroll_into_view_if_needed()
    received_before = len(frames)
    moved = wait_for_new_picture(drawing, picture(drawing))
    wait_for_new_picture(drawing, moved)  # and moves on: 300 steps take about 5 s
    expect(page.locator(IDLE)).to_have_count(1)
    assert len(frames) == received_before, "the server sent messages while the animation played"
    screenshot(page, "fr-optimiseur-animation")


def test_pausing_and_scrubbing_stay_in_the_browser(page, app_url):
    page.goto(f"{app_url}/optimiseur?surface=bowl&pas=100")
    wait_until_idle(page)
    show_every_result(page)
    chart = page.get_by_test_id("stVegaLiteChart").first
    drawing = drawing_of(chart)
    chart.get_by_role("checkbox").uncheck()  # pause
    page.mouse.move(0, 0)  # no hover effect on the chart
    paused = wait_for_still_picture(drawing)
    chart.get_by_role("slider").fill("60")  # scrub to step 60
    wait_for_new_picture(drawing, paused)
    expect(page.locator(IDLE)).to_have_count(1)


def test_clicking_the_map_sets_the_start(page, app_url):
    page.goto(f"{app_url}/optimiseur?surface=bowl&lang=en")
    wait_until_idle(page)
    show_every_result(page)
    start_x = page.get_by_label("Start: x")
    expect(start_x).to_have_value("-2.50")
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    box = chart.locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + 260, box["y"] + 120)  # inside the map, up and to the right
    expect(start_x).not_to_have_value("-2.50")
    wait_until_idle(page)
    assert_no_crash(page)


def test_training_runs_live_and_the_replay_scrubs_in_the_browser(page, app_url):
    page.goto(f"{app_url}/boucle-entrainement?donnees=moons&epoques=30")
    wait_until_idle(page)
    page.get_by_role("button", name="Entraîner").click()
    expect(page.get_by_text("Entraînement terminé")).to_be_visible(timeout=120_000)
    wait_until_idle(page)
    expect(page.get_by_text("Exactitude en validation (boucle correcte)")).to_be_visible()
    replay = page.get_by_test_id("stVegaLiteChart").last
    replay.scroll_into_view_if_needed()
    drawing = drawing_of(replay)
    before = picture(drawing)
    replay.get_by_role("slider").fill("1")  # back to the first epoch, in the browser
    wait_for_new_picture(drawing, before)
    expect(page.locator(IDLE)).to_have_count(1)
    assert_no_crash(page)
    screenshot(page, "fr-boucle-entrainement-trained")


BODY_TEXT_SIZE = """() => {
  const prose = [...document.querySelectorAll("[data-testid=stMain] [data-testid=stMarkdownContainer] p")]
    .find((p) => !p.closest("[data-testid=stCaptionContainer]"));
  return prose ? parseFloat(getComputedStyle(prose).fontSize) : 0;
}"""


def test_every_page_in_projector_mode_at_1280_by_720(page, app_url):
    """Screenshots for the teacher's check: big text, sidebar folded, charts scaled."""
    page.set_viewport_size({"width": 1280, "height": 720})
    for lesson in ALL_LESSONS:
        page.goto(f"{app_url}/{lesson.url_path}?projecteur=1")
        wait_until_idle(page)
        expect(page.locator("h1").first).to_contain_text(title_of(lesson, "fr"))
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
        # The first paragraph of prose (captions keep their own, smaller size), polled:
        # on a busy machine the stylesheet can arrive a moment after the page is idle.
        try:
            page.wait_for_function(f"({BODY_TEXT_SIZE})() >= 20")
        except PlaywrightTimeoutError:
            pytest.fail(f"{lesson.url_path}: body text is {page.evaluate(BODY_TEXT_SIZE)}px")
        assert_no_crash(page)
        page.screenshot(path=SCREENSHOTS / f"projecteur-fr-{lesson.page_id}.png")


# Violations inside Streamlit's own markup, which a page cannot change (README, Design):
# its sidebar navigation puts <div>s inside a <ul>, and its code blocks scroll
# without being focusable.
STREAMLIT_OWN_VIOLATIONS = {"list", "listitem", "scrollable-region-focusable"}


@pytest.mark.parametrize(("lang", "scheme"), [("fr", "light"), ("en", "light"), ("fr", "dark")])
def test_the_accessibility_audit_finds_no_serious_violation(page, app_url, lang, scheme):
    page.emulate_media(color_scheme=scheme)  # the app follows the visitor's theme
    audit = Axe()
    for lesson in ALL_LESSONS:
        page.goto(f"{app_url}/{lesson.url_path}?lang={lang}")
        wait_until_idle(page)
        wait_for_app_style(page)
        violations = audit.run(page).response["violations"]
        serious = [
            f"{violation['id']} ({len(violation['nodes'])}): {violation['nodes'][0]['failureSummary'][:200]}"
            for violation in violations
            if violation["impact"] in ("serious", "critical") and violation["id"] not in STREAMLIT_OWN_VIOLATIONS
        ]
        assert not serious, f"/{lesson.url_path} ({scheme}): {serious}"


DARK_CAPTION = "rgb(194, 192, 189)"
PAGE_THEME = """() => {
  const app = getComputedStyle(document.querySelector(".stApp"));
  const caption = document.querySelector("[data-testid=stCaptionContainer]");
  return [app.colorScheme, app.backgroundColor, caption ? getComputedStyle(caption).color : null];
}"""


def test_every_page_in_the_dark_theme(page, app_url):
    """Screenshots for the check by eye (charts' lines and labels on the dark background)."""
    page.emulate_media(color_scheme="dark")
    for lesson in ALL_LESSONS:
        page.goto(f"{app_url}/{lesson.url_path}")
        wait_until_idle(page)
        # The dark half of the caption's light-dark() pair; polled, as the stylesheet's
        # element is drawn by a component Streamlit loads lazily, after the page is idle.
        try:
            page.wait_for_function(f"({PAGE_THEME})()[2] === '{DARK_CAPTION}'")
        except PlaywrightTimeoutError:
            pytest.fail(f"{lesson.url_path}: the caption is {page.evaluate(PAGE_THEME)[2]}")
        scheme, background, _ = page.evaluate(PAGE_THEME)
        assert scheme == "dark" and background != "rgb(255, 255, 255)"
        assert_no_crash(page)
        screenshot(page, f"sombre-fr-{lesson.page_id}")
