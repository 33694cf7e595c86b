"""The print and projector stylesheets: static text, the rules the e2e tests rely on."""

import inspect
import re

from components import projector
from components.print_style import PRINT_CSS, PRINT_ONLY_PREFIX
from components.slides import HIDDEN_PREFIX, NAVIGATION_KEY, SLIDES_CSS


def print_rules() -> str:
    return PRINT_CSS[PRINT_CSS.index("@media print") :]


def test_the_print_rules_apply_to_print_only():
    assert PRINT_CSS.count("@media print {") == 1
    before = PRINT_CSS[: PRINT_CSS.index("@media print")]
    # Outside the print query, only the sheet's size and margins (which screens ignore) and
    # the one screen rule that hides what prints only.
    keyed = f'[class*="st-key-{PRINT_ONLY_PREFIX}"]'
    screen = f'{keyed}, [data-testid="stLayoutWrapper"]:has(> {keyed})'
    assert re.sub(r"\s+", " ", before).strip() == (
        f"<style> @page {{ size: A4; margin: 12mm; }} @media screen {{ {screen} {{ display: none !important; }} }}"
    )


def test_paper_leaves_out_the_sidebar_buttons_and_navigation_and_shows_every_slide():
    rules = print_rules()
    for hidden in ("stSidebar", "stHeader", "stToolbar", "stDecoration", "stButton", f".st-key-{NAVIGATION_KEY}"):
        assert hidden in rules
    assert f'[class*="st-key-{HIDDEN_PREFIX}"] {{ display: flex !important; }}' in rules
    assert "details::details-content" in rules
    assert '[data-testid="stTabPanel"] { display: block !important; }' in rules


def test_the_print_stylesheet_comes_after_the_slides_one():
    """Same specificity: the later rule wins, so slides hidden on screen print."""
    source = inspect.getsource(projector.apply_page_style)
    assert source.index("SLIDES_CSS") < source.index("PRINT_CSS")
    assert "display: none !important" in SLIDES_CSS


def test_projector_charts_are_zoomed_and_narrowed_by_the_same_factor():
    zoom = re.search(
        r"stVegaLiteChart\"\] \{\s*zoom: ([\d.]+); width: calc\(100% / ([\d.]+)\)", projector.PROJECTOR_CSS
    )
    assert zoom and zoom.group(1) == zoom.group(2)
    graph = re.search(
        r"stGraphVizChart\"\] \{ zoom: ([\d.]+); max-width: calc\(100% / ([\d.]+)\)", projector.PROJECTOR_CSS
    )
    assert graph and graph.group(1) == graph.group(2)


def test_the_stylesheets_are_static():
    for css in (projector.BASE_CSS, projector.PROJECTOR_CSS, PRINT_CSS):
        assert "{}" not in css and "%s" not in css
        assert css.strip().startswith("<style>") and css.strip().endswith("</style>")


def test_print_only_containers_are_hidden_on_screen_only():
    screen = PRINT_CSS.split("@media screen", 1)[1].split("@media print", 1)[0]
    assert f"st-key-{PRINT_ONLY_PREFIX}" in screen and "display: none" in screen
