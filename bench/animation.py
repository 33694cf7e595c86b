"""The optimizer animation against the naive baseline, in a real server and Chromium.

For each, over the same window: distinct pictures the browser draws per second
(a hash of the chart's canvas or SVG, read at every `requestAnimationFrame`), the frames the
browser paints per second, the websocket messages the server sends, and the server's
CPU time. The app's chart animates in the browser from data sent once; the baseline
(bench/baselines/naive_animation.py) redraws a placeholder from a server loop.

Run alone: .venv/bin/python -m bench.animation
"""

from bench.harness import IDLE, chromium, running

SECONDS = 5.0
PAGE = "/optimiseur?surface=rosenbrock&opt=sgd&lr=0.001&opt2=adam&lr2=0.03&pas=300"

FRAME_COUNTER = """
async (seconds) => {
  const probe = document.createElement("canvas");
  probe.width = 240; probe.height = 120;
  const context = probe.getContext("2d", { willReadFrequently: true });
  let last = null, changes = 0, painted = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await new Promise(requestAnimationFrame);
    painted += 1;
    let hash = 0;
    const canvas = document.querySelector("[data-testid='stVegaLiteChart'] canvas");
    const svg = document.querySelector("[data-testid='stVegaLiteChart'] svg.marks");
    if (canvas && canvas.width > 0) {
      context.drawImage(canvas, 0, 0, probe.width, probe.height);
      const pixels = context.getImageData(0, 0, probe.width, probe.height).data;
      for (let i = 0; i < pixels.length; i += 4) {
        hash = (hash * 31 + pixels[i] + 7 * pixels[i + 1] + 13 * pixels[i + 2]) | 0;
      }
    } else if (svg) {  // a chart Vega drew as SVG: its markup is the picture
      const markup = svg.outerHTML;
      for (let i = 0; i < markup.length; i += 1) hash = (hash * 31 + markup.charCodeAt(i)) | 0;
    } else {
      continue;
    }
    if (hash !== last) { changes += 1; last = hash; }
  }
  return [changes / seconds, painted / seconds];
}
"""


def measure(browser, server, path: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    received = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: received.append(frame)))
    page.goto(server.url + path)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] :is(canvas, svg.marks)", timeout=120_000)
    if "optimiseur" in path:
        page.wait_for_selector(IDLE, timeout=120_000)
        buttons = page.locator("[class*='st-key-quiz-revealed-'] button:visible")
        buttons.first.wait_for(timeout=120_000)
        while buttons.count():  # the paths show once the learner has predicted (or skipped)
            buttons.first.click()
            page.wait_for_selector(IDLE, timeout=120_000)
    page.get_by_test_id("stVegaLiteChart").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    messages_before, cpu_before = len(received), server.cpu_seconds()
    distinct, painted = page.evaluate(FRAME_COUNTER, SECONDS)
    result = {
        "distinct": distinct,
        "painted": painted,
        "messages": (len(received) - messages_before) / SECONDS,
        "cpu": (server.cpu_seconds() - cpu_before) / SECONDS,
    }
    page.close()
    return result


def animation_table() -> str:
    with chromium() as browser:
        with running() as server:
            app = measure(browser, server, PAGE)
        with running("bench/baselines/naive_animation.py") as server:
            naive = measure(browser, server, "/")
    per_frame = app["messages"] / max(app["distinct"], 1e-9)
    lines = [
        f"| animation, {SECONDS:.0f} s of play, Rosenbrock, 2 optimizers x 300 steps "
        "| this app | naive server loop | app / naive |",
        "|---|---|---|---|",
        f"| distinct pictures drawn per second | {app['distinct']:.0f} | {naive['distinct']:.0f} "
        f"| {app['distinct'] / max(naive['distinct'], 1e-9):.1f}× |",
        f"| frames painted by the browser per second | {app['painted']:.0f} | {naive['painted']:.0f} | |",
        f"| websocket messages from the server per second | {app['messages']:.0f} | {naive['messages']:.0f} | |",
        f"| server CPU time per second of animation | {app['cpu'] * 1000:.0f} ms | {naive['cpu'] * 1000:.0f} ms | |",
        "",
        f"Target ≥ 50 pictures/s with no server message per frame: "
        f"{'met' if app['distinct'] >= 50 and app['messages'] == 0 else 'MISSED'} "
        f"({app['distinct']:.0f} pictures/s, {per_frame:.2f} messages per picture).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(animation_table())
