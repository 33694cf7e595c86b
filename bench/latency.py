"""Interaction latency per page, in a real server and a real Chromium.

On each page a widget is changed N times (a slider moved by one step with the
keyboard, a toggle clicked); the latency is the time from the key press or click
(read in the page, `performance.now()`) to the app reporting
`data-test-script-state='notRunning'` after the rerun it caused, i.e. with the
page updated. The floor is the same measurement on a one-slider page
(`bench/baselines/floor_app.py`), in the same run.

Run alone: .venv/bin/python -m bench.latency
"""

from dataclasses import dataclass

from bench.harness import IDLE, chromium, median, percentile, running

INTERACTIONS = 20  # per page and setting, after two warm-ups

# Records every change of the app's script state, and the time of each key press or click.
RECORDER = """() => {
  window.benchStates = [];
  window.benchInput = 0;
  const app = document.querySelector("[data-testid=stApp]");
  new MutationObserver(() => window.benchStates.push([app.getAttribute("data-test-script-state"), performance.now()]))
    .observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  for (const type of ["keydown", "pointerdown"]) {
    document.addEventListener(type, () => { window.benchInput = performance.now(); }, true);
  }
}"""

# The rerun after the last input is over: the state went to running, then back to notRunning.
RERUN_DONE = """() => {
  const after = window.benchStates.filter(([, at]) => at >= window.benchInput);
  const ran = after.findIndex(([state]) => state === "running");
  return ran >= 0 && after.slice(ran).some(([state]) => state === "notRunning");
}"""

LATENCY = """() => {
  const after = window.benchStates.filter(([, at]) => at >= window.benchInput);
  const ran = after.findIndex(([state]) => state === "running");
  return after.slice(ran).find(([state]) => state === "notRunning")[1] - window.benchInput;
}"""


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # URL path and query
    widget: str  # "slider": the first slider of the page's main area; "toggle": the projector toggle


CASES_DEFAULT = (
    Case("accueil", "/accueil", "slider"),
    Case("tenseurs", "/tenseurs", "slider"),
    Case("autograd", "/autograd", "slider"),
    Case("fonction-de-cout", "/fonction-de-cout", "slider"),
    Case("optimiseur", "/optimiseur", "slider"),
    Case("boucle-entrainement", "/boucle-entrainement", "slider"),
    Case("resume", "/resume", "toggle"),  # no widget of its own: the sidebar's projector toggle
)
# The largest settings each page allows (sizes, steps, optimizers, model and data size).
CASES_LARGEST = (
    Case("tenseurs", "/tenseurs?ctor=randn&dims=3&d0=6&d1=6&d2=6", "slider"),
    Case("fonction-de-cout", "/fonction-de-cout?aberrants=3&ecart=15", "slider"),
    Case("optimiseur", "/optimiseur?surface=rosenbrock&opt2=adam&opt3=rmsprop&opt4=nesterov&pas=500", "slider"),
    Case("boucle-entrainement", "/boucle-entrainement?donnees=moons&n=400&couches=3&largeur=64&epoques=200", "slider"),
)


def interact(page, widget: str, index: int) -> None:
    if widget == "toggle":
        page.get_by_test_id("stSidebar").get_by_text("Mode projecteur").click()
        return
    slider = page.locator("[data-testid=stMain] [role=slider]").first
    slider.focus()
    page.keyboard.press("ArrowRight" if index % 2 == 0 else "ArrowLeft")  # back and forth: stays in range


def measure(browser, url: str, widget: str, count: int = INTERACTIONS) -> list[float]:
    """Latencies in milliseconds of `count` interactions (two warm-ups not counted)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    if widget == "toggle":
        page.get_by_test_id("stSidebar").wait_for()
    page.evaluate(RECORDER)
    latencies = []
    for index in range(count + 2):
        interact(page, widget, index)
        page.wait_for_function(RERUN_DONE, timeout=120_000)
        if index >= 2:
            latencies.append(page.evaluate(LATENCY))
        page.wait_for_timeout(100)  # the next input is a new interaction, not a burst
    page.close()
    return latencies


def latency_tables() -> str:
    with chromium() as browser:
        with running("bench/baselines/floor_app.py") as floor_server:
            floor = measure(browser, floor_server.url, "slider")
        floor_p95 = percentile(floor, 0.95)
        rows = {"default": [], "largest": []}
        with running() as server:
            for setting, cases in (("default", CASES_DEFAULT), ("largest", CASES_LARGEST)):
                for case in cases:
                    values = measure(browser, server.url + case.path, case.widget)
                    rows[setting].append((case, values))
    target = {"default": 2.0, "largest": 3.0}
    lines = [
        f"| page ({INTERACTIONS} interactions each) | settings | median | p95 | p95 / floor p95 | target |",
        "|---|---|---|---|---|---|",
        f"| floor: one-slider page | - | {median(floor):.0f} ms | {floor_p95:.0f} ms | 1.00 | |",
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
