"""How tall is every slide in presentation + projector mode, on a 1280 × 720 projector?

    PYTHONPATH=. .venv/bin/python -m bench.slide_heights

Prints one markdown row per slide of every page (page, slide, title, height in px,
and what sticks out of the main column). `tests/e2e/test_slides_fit.py` walks the
slides the same way and fails on a slide taller than `LIMIT_PX`.

What is measured: the main area's `scrollHeight` (`stMain`, the element Streamlit
scrolls), which holds the navigation bar, the progress bar and the slide shown, with
the block container's top and bottom padding. Over 720 px the page scrolls; the limit
leaves 10 % (72 px) of slack for a bottom margin.
"""

from dataclasses import dataclass

from lessons.catalog import ALL_LESSONS

VIEWPORT = {"width": 1280, "height": 720}
LIMIT_PX = 792
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
NAVIGATION = ".st-key-diapo_navigation"
NEXT_BUTTON = ".st-key-diapo_suivante button"
SHOWN_SLIDE = "[class*='st-key-diapo_visible_']"
# On the slide shown: "Voir le résultat sans répondre" (components.quiz.predict_first) and
# every folded "Pour aller plus loin" (an st.expander, a <details>).
REVEAL_BUTTONS = f"{SHOWN_SLIDE} [class*='st-key-quiz-revealed-'] button"
FOLDED = f"{SHOWN_SLIDE} details:not([open]) > summary"

# Drawn: no skeleton (Streamlit's placeholder for a lazily loaded widget), every chart
# on screen has its canvas or SVG with a size, every graph its SVG, and the fonts loaded.
DRAWN_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  if (!main || document.fonts.status !== 'loaded') return false;
  if (main.querySelector('[data-testid^=stSkeleton]')) return false;
  const shown = (element) => element.checkVisibility();
  const charts = [...main.querySelectorAll('[data-testid=stVegaLiteChart]')].filter(shown);
  const drawn = (chart) => [...chart.querySelectorAll('canvas, svg')].some(
    (drawing) => drawing.getBoundingClientRect().width > 0 && drawing.getBoundingClientRect().height > 0);
  const graphs = [...main.querySelectorAll('[data-testid=stGraphVizChart]')].filter(shown);
  return charts.every(drawn) && graphs.every((graph) => graph.querySelector('svg'));
}"""

# The slide's height, and every element on screen wider than the main column.
MEASURE_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const block = main.querySelector('[data-testid=stMainBlockContainer]');
  const style = getComputedStyle(block);
  const left = block.getBoundingClientRect().left + parseFloat(style.paddingLeft);
  const right = block.getBoundingClientRect().right - parseFloat(style.paddingRight);
  const drawings = '[data-testid=stVegaLiteChart] :is(canvas, svg), [data-testid=stGraphVizChart] svg';
  const wide = [...block.querySelectorAll(`[data-testid], ${drawings}`)]
    .filter((element) => element.checkVisibility())
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.left < left - 1 || box.right > right + 1);
    })
    .map((element) => {
      const width = Math.round(element.getBoundingClientRect().width);
      return `${element.dataset.testid || element.tagName} ${width}px`;
    });
  return {height: main.scrollHeight, column: Math.round(right - left), wide: [...new Set(wide)]};
}"""


@dataclass(frozen=True)
class SlideHeight:
    page: str  # the page's url path ("/" for home)
    number: int  # counted from 1, as the indicator shows it
    total: int
    title: str
    height: int  # px
    column: int  # width of the main column, px
    wide: tuple[str, ...]  # elements wider than the column
    opened: bool = False  # measured after every result was shown and every fold opened

    @property
    def fits(self) -> bool:
        return self.height <= LIMIT_PX


def wait_drawn(page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(DRAWN_JS, timeout=30_000, polling=100)
    # A chart resizes to its column one frame after it is drawn: wait for two frames.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.wait_for_selector(IDLE, timeout=60_000)


def slide_position(page) -> tuple[int, int, str]:
    """(number, total, title) from the indicator "2 / 5 · Title"."""
    text = page.locator(NAVIGATION).inner_text()
    for line in text.splitlines():
        head, _, title = line.partition("·")
        numbers = head.replace("\u00a0", " ").split("/")
        if len(numbers) == 2 and numbers[0].strip().isdigit() and numbers[1].strip().isdigit():
            return int(numbers[0]), int(numbers[1]), title.strip()
    raise AssertionError(f"no slide indicator in {text!r}")


def deck_urls(base_url: str) -> list[tuple[str, str]]:
    """(url path, address in presentation + projector mode) of every page."""
    return [
        (f"/{lesson.url_path}", f"{base_url}/{lesson.url_path}?presentation=1&projecteur=1") for lesson in ALL_LESSONS
    ]


def open_everything(page) -> bool:
    """Show every result the slide holds back and open every fold, as a teacher would
    during the lesson; True when there was something to open."""
    opened = False
    for selector in (FOLDED, f"{REVEAL_BUTTONS}:visible"):  # folds first: a button may sit inside one
        while page.locator(selector).count():
            page.locator(selector).first.click()
            wait_drawn(page)
            # A fold opens with an animation: measure its final height, not a frame of it.
            page.wait_for_function(
                """() => document.getAnimations().every(
                  (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"""
            )
            opened = True
    return opened


def measure(page, path: str, opened: bool) -> SlideHeight:
    number, total, title = slide_position(page)
    measured = page.evaluate(MEASURE_JS)
    return SlideHeight(
        path, number, total, title, measured["height"], measured["column"], tuple(measured["wide"]), opened
    )


def walk_slides(page, path: str, url: str, on_slide=None) -> list[SlideHeight]:
    """Every slide of one page, measured as it opens, then again with its results shown
    and its folds open when it has any; `on_slide(page, slide)` after each measure (a
    screenshot). A page without a deck (no navigation bar) gives no slide."""
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    wait_drawn(page)
    if page.locator(NAVIGATION).count() == 0:
        return []
    slides = []
    while True:
        slides.append(measure(page, path, opened=False))
        if on_slide:
            on_slide(page, slides[-1])
        if open_everything(page):
            slides.append(measure(page, path, opened=True))
            if on_slide:
                on_slide(page, slides[-1])
        number, total = slides[-1].number, slides[-1].total
        if number == total:
            return slides
        page.locator(NEXT_BUTTON).click()
        page.wait_for_function(
            """([selector, expected]) => {
              const bar = document.querySelector(selector);
              return bar && bar.innerText.replace(/\\u00a0/g, ' ').includes(expected);
            }""",
            arg=[NAVIGATION, f"{number + 1} / {total}"],
            timeout=60_000,
        )
        wait_drawn(page)


def heights_table(slides: list[SlideHeight]) -> str:
    rows = ["| page | slide | title | height (px) | fits | wider than the column |", "|---|---|---|---|---|---|"]
    for slide in slides:
        rows.append(
            f"| {slide.page} | {slide.number}/{slide.total}{' opened' if slide.opened else ''} | {slide.title} | "
            f"{slide.height} | "
            f"{'yes' if slide.fits else '**no**'} | {', '.join(slide.wide)} |"
        )
    return "\n".join(rows)


def main() -> None:
    from bench.harness import chromium, running

    with running() as server, chromium() as browser:
        server.wait_healthy()
        page = browser.new_page(viewport=VIEWPORT)
        slides = [slide for path, url in deck_urls(server.url) for slide in walk_slides(page, path, url)]
    print(heights_table(slides))


if __name__ == "__main__":
    main()
