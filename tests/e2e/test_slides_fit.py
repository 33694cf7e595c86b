"""Slides made for a room, in real Chromium: presentation + projector mode on 1280 × 720.

Every slide of every page with a deck is walked with the "next" button and measured
(bench/slide_heights.py says what is measured: the main area's scrollHeight, navigation
bar included). The test fails on any slide taller than 792 px and lists them all, with
one screenshot per slide in tests/e2e/screenshots (slides-fit-<page>-<n>.png). The
table of heights is printed to the terminal either way.

The projector's text test reads computed styles: table values and metric values at
least as large as the text, charts and graphs scaled up yet inside their column, and
the main texts at 4.5:1 or more against their background in both themes.

Select these alone with `-k slides_fit`.
"""

import pytest

from bench.slide_heights import (
    DRAWN_JS,
    LIMIT_PX,
    VIEWPORT,
    deck_urls,
    heights_table,
    wait_drawn,
    walk_slides,
)
from lessons.catalog import ALL_LESSONS

from .conftest import assert_no_crash, screenshot, wait_for_app_style

MEASURED: list = []  # every slide measured in this session, for the table at the end
PAGES = [lesson.url_path for lesson in ALL_LESSONS]


@pytest.fixture(scope="module", autouse=True)
def heights_summary(request):
    """The table of every slide's height, written to the terminal after the module."""
    yield
    if MEASURED:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        text = f"\nSlide heights in presentation + projector mode, 1280 x 720 (limit {LIMIT_PX} px):\n"
        text += heights_table(MEASURED)
        if reporter:
            reporter.write_line(text)
        else:  # pragma: no cover - without pytest's terminal
            print(text)


@pytest.mark.parametrize("url_path", PAGES, ids=[path or "accueil" for path in PAGES])
def test_slides_fit_a_1280x720_screen(page, app_url, url_path):
    path, url = next((path, url) for path, url in deck_urls(app_url) if path == f"/{url_path}")
    name = url_path or "accueil"

    def check_and_shoot(page, slide):
        assert_no_crash(page, f"{path} slide {slide.number}")
        screenshot(page, f"slides-fit-{name}-{slide.number}{'-opened' if slide.opened else ''}")

    slides = walk_slides(page, path, url, on_slide=check_and_shoot)
    if not slides:
        pytest.skip(f"{path} has no slides")
    MEASURED.extend(slides)
    too_tall = [slide for slide in slides if not slide.fits]
    too_wide = [slide for slide in slides if slide.wide]
    problems = []
    if too_tall:
        problems.append(f"{len(too_tall)} of {len(slides)} slides taller than {LIMIT_PX} px:")
        problems += [
            f"  {slide.number}/{slide.total}{' (opened)' if slide.opened else ''} {slide.title}: {slide.height} px"
            for slide in too_tall
        ]
    if too_wide:
        problems.append(f"elements wider than the {slides[0].column} px column:")
        problems += [f"  {slide.number}/{slide.total} {slide.title}: {', '.join(slide.wide)}" for slide in too_wide]
    assert not problems, f"{path}\n" + "\n".join(problems) + "\n\n" + heights_table(slides)


# Every main text on screen with its colour and font size, its background (the first
# ancestor with an opaque one, else the app's), and its contrast ratio (WCAG 2).
TEXTS_JS = """() => {
  const rgba = (colour) => {
    const canvas = document.createElement('canvas').getContext('2d');
    canvas.fillStyle = colour; canvas.fillRect(0, 0, 1, 1);
    return [...canvas.getImageData(0, 0, 1, 1).data];
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] === 255) return colour;
    }
    return rgba(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor);
  };
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const main = document.querySelector('[data-testid=stMain]');
  const selector = 'p, li, h1, h2, h3, label, th, td, [data-testid=stMetricValue], [data-testid=stCaptionContainer], '
    + '[data-testid=stVegaLiteChart] svg :is(.role-axis-label, .role-axis-title, .role-legend-label) text';
  const words = (element) => (element.innerText ?? element.textContent).trim();
  return [...main.querySelectorAll(selector)]
    .filter((element) => element.checkVisibility() && words(element)
      && !element.closest('[data-testid=stAlert], a, button, [data-testid=stCode], [data-baseweb]'))
    .map((element) => {
      // A slider's value is drawn inside its thumb, but above it, on the page's background.
      const thumb = element.closest('[data-testid=stSliderThumbValue]');
      const back = background(thumb ? thumb.closest('[data-testid=stSlider]') : element);
      const svg = element instanceof SVGElement;  // an SVG chart's text is coloured by its fill
      let fore = rgba(svg ? getComputedStyle(element).fill : getComputedStyle(element).color);
      const alpha = fore[3] / 255;  // a translucent colour, blended over its background
      fore = fore.slice(0, 3).map((c, i) => c * alpha + back[i] * (1 - alpha));
      const [light, dark] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
      return {
        kind: svg ? 'chart text' : element.dataset.testid || element.tagName.toLowerCase(),
        inside: element.parentElement.closest('[data-testid]')?.dataset.testid,
        text: words(element).slice(0, 40),
        size: parseFloat(getComputedStyle(element).fontSize),
        contrast: (light + 0.05) / (dark + 0.05),
      };
    });
}"""

# Charts and graphs: their drawn width against their column, and how much larger than
# its own coordinates the chart is drawn (the projector's zoom), with Graphviz's text height.
DRAWINGS_JS = """() => {
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  const style = getComputedStyle(block);
  const right = block.getBoundingClientRect().right - parseFloat(style.paddingRight) + 1;
  const shown = (element) => element.checkVisibility();
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].filter(shown).map((chart) => {
    const drawing = chart.querySelector('canvas, svg');
    const own = drawing.tagName === 'svg' ? drawing.width.baseVal.value : parseFloat(drawing.style.width);
    const box = drawing.getBoundingClientRect();
    return {kind: drawing.tagName, scale: box.width / own, inside: box.right <= right, width: box.width};
  });
  const graphs = [...document.querySelectorAll('[data-testid=stGraphVizChart] svg')].filter(shown).map((graph) => {
    const texts = [...graph.querySelectorAll('text')].map((text) => text.getBoundingClientRect().height);
    return {text: Math.min(...texts), inside: graph.getBoundingClientRect().right <= right};
  });
  return {charts, graphs};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_slides_fit_projector_text_tables_and_charts_grow_and_contrast(page, app_url, scheme):
    """Every page in projector mode (all sections on screen), in one theme."""
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(VIEWPORT)
    problems, seen = [], {"table": 0, "metric": 0, "chart": 0, "graph": 0}
    for lesson in ALL_LESSONS:
        page.goto(f"{app_url}/{lesson.url_path}?projecteur=1")
        wait_for_app_style(page)
        wait_drawn(page)
        page.wait_for_function(DRAWN_JS)
        assert_no_crash(page, lesson.url_path)
        where = f"/{lesson.url_path}"
        texts = page.evaluate(TEXTS_JS)
        # The text's size: that of most paragraphs (a metric's value is a paragraph too).
        sizes = [text["size"] for text in texts if text["kind"] == "p"]
        body = max(set(sizes), key=sizes.count, default=0)
        assert body >= 22, f"{where}: the projector's text is {body}px"
        for text in texts:
            if text["contrast"] < 4.5:
                problems.append(
                    f"{where}: {text['kind']} in {text['inside']} {text['text']!r} contrast {text['contrast']:.2f}:1"
                )
            if text["kind"] in ("th", "td"):
                seen["table"] += 1
                if text["size"] < body - 0.5:
                    problems.append(f"{where}: table cell {text['text']!r} {text['size']}px < text {body}px")
            if text["kind"] == "stMetricValue":
                seen["metric"] += 1
                if text["size"] < 1.5 * body:
                    problems.append(f"{where}: metric value {text['text']!r} {text['size']}px < 1.5 × {body}px")
        drawings = page.evaluate(DRAWINGS_JS)
        for chart in drawings["charts"]:
            seen["chart"] += 1
            if not chart["inside"] or chart["scale"] < 1.25:
                problems.append(f"{where}: chart ({chart['kind']}) {chart['width']:.0f}px, scale {chart['scale']:.2f}")
        for graph in drawings["graphs"]:
            seen["graph"] += 1
            if not graph["inside"] or graph["text"] < 18:
                problems.append(f"{where}: graph text {graph['text']:.1f}px high, inside: {graph['inside']}")
    assert not problems, "\n".join(problems)
    # The check saw each kind at least once. autograd's graph shows only once its
    # prediction is answered, so a graph is checked when one is on screen.
    assert all(seen[kind] for kind in ("table", "metric", "chart")), seen
