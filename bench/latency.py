"""Interaction latency per page, in a real server and a real Chromium.

On each page a widget is changed N times (a click on a slider's track, alternately
left and right of the middle; a toggle switched with the space bar). The latency is
the time from the click or key press (read in the page, `performance.now()`) to the
browser frame that follows the last websocket message of the rerun it caused, i.e.
with the page updated. (The app's `data-test-script-state` attribute is not enough:
a rerun of a few milliseconds goes running and back within one React commit, and
the attribute never changes.)

The floor is the same measurement on a one-slider page (`bench/baselines/floor_app.py`),
in the same run. A second reference, a slider above 100 static elements
(`bench/baselines/static_page.py`), shows what Streamlit alone costs to redraw a page
of a lesson's size.

Run alone: .venv/bin/python -m bench.latency
"""

import sys
from dataclasses import dataclass

from bench.harness import IDLE, chromium, median, percentile, running

INTERACTIONS = 20  # per page and setting, after two warm-ups

# Installed before the app loads: the time of every websocket message from the server
# and of the animation frame that follows it, and of each click or key press.
RECORDER = """
window.benchMessages = [];
window.benchInput = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => {
      const at = performance.now();
      requestAnimationFrame(() => window.benchMessages.push([at, performance.now()]));
    });
  }
};
for (const type of ["keydown", "pointerdown"]) {
  document.addEventListener(type, () => { window.benchInput = performance.now(); }, true);
}
"""

# The rerun the last input caused is over: messages came after it, none for QUIET_MS,
# and the app says it is not running.
QUIET_MS = 300
RERUN_DONE = f"""() => {{
  const after = window.benchMessages.filter(([at]) => at >= window.benchInput);
  const idle = document.querySelector("[data-test-script-state='notRunning']") !== null;
  return idle && after.length > 0 && performance.now() - after[after.length - 1][0] > {QUIET_MS};
}}"""

# From the input to the frame after the run's last message: the page drawn with the result.
LATENCY = """() => {
  const after = window.benchMessages.filter(([at]) => at >= window.benchInput);
  return after[after.length - 1][1] - window.benchInput;
}"""


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # URL path and query
    key: str  # the widget's key: Streamlit marks its element with the class st-key-<key>
    kind: str = "slider"  # a slider's track clicked, or a toggle switched with the space bar


CASES_DEFAULT = (
    Case("accueil", "/", "x"),
    Case("tenseurs", "/tenseurs", "grad", "toggle"),
    Case("autograd", "/autograd", "ax"),
    Case("fonction-de-cout", "/fonction-de-cout", "w"),
    Case("optimiseur", "/optimiseur", "lr"),
    Case("boucle-entrainement", "/boucle-entrainement", "bruit_d"),
    Case("resume", "/resume", "projecteur", "toggle"),  # no widget of its own: the sidebar's projector toggle
)
FLOOR = Case("floor", "/", "x")
# The largest settings each page allows (sizes, steps, optimizers, model and data size).
CASES_LARGEST = (
    Case("tenseurs", "/tenseurs?ctor=randn&dims=3&d0=6&d1=6&d2=6", "d1"),
    Case("fonction-de-cout", "/fonction-de-cout?aberrants=3&ecart=15", "w"),
    Case("optimiseur", "/optimiseur?surface=rosenbrock&opt2=adam&opt3=rmsprop&opt4=nesterov&pas=500", "lr"),
    Case("boucle-entrainement", "/boucle-entrainement?donnees=moons&n=400&couches=3&largeur=64&epoques=200", "bruit_d"),
)


def interact(page, case: Case, index: int) -> None:
    widget = page.locator(f".st-key-{case.key}")
    if case.kind == "toggle":
        widget.first.locator("input").first.focus()  # the keyboard: no scrolling of the sidebar
        page.keyboard.press("Space")
        return
    # A click on the track, alternately left and right of the middle: a committed change
    # each time (keyboard steps are debounced by the slider and may merge).
    track = widget.first.locator("[data-rac][style*='relative']").first  # the slider's track
    box = track.bounding_box()
    track.click(position={"x": box["width"] * (0.3 if index % 2 == 0 else 0.7), "y": box["height"] / 2})


def measure(browser, url: str, case: Case, count: int = INTERACTIONS) -> list[float]:
    """Latencies in milliseconds of `count` interactions (two warm-ups not counted)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORDER)
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.locator(f".st-key-{case.key}").first.wait_for()
    page.wait_for_timeout(QUIET_MS)
    print(f"  latency: {url}", file=sys.stderr)
    latencies = []
    for index in range(count + 2):
        interact(page, case, index)
        try:
            page.wait_for_function(RERUN_DONE, timeout=60_000)
        except Exception as error:
            raise RuntimeError(f"{case.name}: interaction {index} caused no rerun") from error
        if index >= 2:
            latencies.append(page.evaluate(LATENCY))
    page.close()
    return latencies


def latency_tables() -> str:
    with chromium() as browser:
        with running("bench/baselines/floor_app.py") as floor_server:
            floor = measure(browser, floor_server.url, FLOOR)
        with running("bench/baselines/static_page.py") as static_server:
            static = measure(browser, static_server.url, FLOOR)
        floor_p95 = percentile(floor, 0.95)
        rows = {"default": [], "largest": []}
        with running() as server:
            for setting, cases in (("default", CASES_DEFAULT), ("largest", CASES_LARGEST)):
                for case in cases:
                    values = measure(browser, server.url + case.path, case)
                    rows[setting].append((case, values))
    target = {"default": 2.0, "largest": 3.0}
    lines = [
        f"| page ({INTERACTIONS} interactions each) | settings | median | p95 | p95 / floor p95 | target |",
        "|---|---|---|---|---|---|",
        f"| floor: one-slider page | - | {median(floor):.0f} ms | {floor_p95:.0f} ms | 1.00 | |",
        f"| reference: one slider above 100 static elements, no computation | - | {median(static):.0f} ms "
        f"| {percentile(static, 0.95):.0f} ms | {percentile(static, 0.95) / floor_p95:.2f} | |",
    ]
    for setting, measured in rows.items():
        for case, values in measured:
            ratio = percentile(values, 0.95) / floor_p95
            verdict = "met" if ratio <= target[setting] else "MISSED"
            lines.append(
                f"| {case.name} | {setting} | {median(values):.0f} ms | {percentile(values, 0.95):.0f} ms "
                f"| {ratio:.2f} | ≤ {target[setting]:.0f}× {verdict} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(latency_tables())
