"""Handouts, in real Chromium: every page printed on A4, in normal and presentation mode.

The page is laid out at the printable width of A4 (210 mm less the 12 mm margins of
components/print_style.py: 186 mm, 703 CSS px) with print media emulated, then checked:
no sidebar, no button or slide navigation on paper, every section's header there (in
presentation mode too: the same headers as the normal page), folded expanders open,
charts drawn and no wider than the paper. Each page is also printed to PDF
(tests/e2e/screenshots/print-<page>-<mode>.pdf) with a sane number of sheets, and a
screenshot of the print-emulated page is kept next to it for the eye.
"""

import re

import pytest

from bench.slide_heights import wait_drawn
from lessons.catalog import ALL_LESSONS

from .conftest import SCREENSHOTS, assert_no_crash, wait_for_app_style

PRINTABLE_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)  # 703
PAGES = [lesson.url_path for lesson in ALL_LESSONS]
MAX_SHEETS = 60

ON_PAPER_JS = """() => {
  const shown = (element) => element.checkVisibility();
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  const style = getComputedStyle(block);
  const box = block.getBoundingClientRect();
  const width = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const left = box.left + parseFloat(style.paddingLeft);
  const unwanted = ['stSidebar', 'stHeader', 'stToolbar', 'stDecoration', 'stButton', 'stDownloadButton',
                    'stFormSubmitButton', 'stPageLink'];
  return {
    width: width,
    visible: unwanted.filter((id) => [...document.querySelectorAll(`[data-testid=${id}]`)].some(shown))
      .concat([...document.querySelectorAll('.st-key-diapo_navigation')].some(shown) ? ['slide navigation'] : []),
    headers: [...block.querySelectorAll('h1, h2')].map(
      (header) => ({text: header.innerText.trim(), shown: shown(header)})),
    folded: [...block.querySelectorAll('[data-testid=stExpander] details')].map((details) => ({
      title: details.querySelector('summary').innerText.trim(),
      shown: [...details.children].filter((child) => child.tagName !== 'SUMMARY').some(
        (child) => shown(child) && child.getBoundingClientRect().height > 0),
    })),
    charts: [...block.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stGraphVizChart]')]
      .map((chart) => {
        const drawing = chart.querySelector('canvas, svg');
        const area = drawing ? drawing.getBoundingClientRect() : {left: 0, right: 0, width: 0, height: 0};
        return {kind: chart.dataset.testid, shown: !!drawing && shown(drawing) && area.height > 0,
                left: area.left - left, right: area.right - left};
      }),
  };
}"""


def sheets(pdf: bytes) -> int:
    """Pages of a PDF Chromium wrote: its page objects (`/Type /Page`, not `/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def on_paper(page, url: str, name: str) -> tuple[dict, int]:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(media="screen")
    page.goto(url)
    wait_for_app_style(page)
    wait_drawn(page)
    assert_no_crash(page, url)
    page.set_viewport_size({"width": PRINTABLE_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    wait_drawn(page)  # charts once more: Vega redraws for the narrower column
    found = page.evaluate(ON_PAPER_JS)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"print-{name}.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / f"print-{name}.pdf").write_bytes(pdf)
    return found, sheets(pdf)


def paper_problems(found: dict, count: int, where: str) -> list[str]:
    problems = [f"{where}: {element} on paper" for element in found["visible"]]
    problems += [
        f"{where}: header {header['text']!r} not printed" for header in found["headers"] if not header["shown"]
    ]
    problems += [
        f"{where}: expander {folded['title']!r} printed folded" for folded in found["folded"] if not folded["shown"]
    ]
    for chart in found["charts"]:
        if not chart["shown"]:
            problems.append(f"{where}: a {chart['kind']} not printed")
        elif chart["left"] < -1 or chart["right"] > found["width"] + 1:
            problems.append(
                f"{where}: a {chart['kind']} from {chart['left']:.0f} to {chart['right']:.0f} px,"
                f" wider than the paper's {found['width']:.0f} px"
            )
    if not 1 <= count <= MAX_SHEETS:
        problems.append(f"{where}: {count} A4 sheets")
    return problems


@pytest.mark.parametrize("url_path", PAGES, ids=[path or "accueil" for path in PAGES])
def test_print_every_section_on_a4(page, app_url, url_path):
    name = url_path or "accueil"
    normal, normal_sheets = on_paper(page, f"{app_url}/{url_path}", name)
    slides, slides_sheets = on_paper(page, f"{app_url}/{url_path}?presentation=1", f"{name}-presentation")
    assert normal["width"] <= PRINTABLE_WIDTH_PX
    problems = paper_problems(normal, normal_sheets, f"/{url_path}")
    problems += paper_problems(slides, slides_sheets, f"/{url_path}?presentation=1")
    # Presentation mode prints every slide: the same sections as the normal page.
    normal_headers = [header["text"] for header in normal["headers"]]
    slide_headers = [header["text"] for header in slides["headers"] if header["shown"]]
    missing = [text for text in normal_headers if text not in slide_headers]
    if missing:
        problems.append(f"/{url_path}?presentation=1: sections not printed: {missing}")
    assert normal_headers, f"/{url_path}: no header found"
    assert not problems, "\n".join(problems)
    print(f"/{url_path}: {normal_sheets} sheets, presentation {slides_sheets}; {len(normal['charts'])} charts")
