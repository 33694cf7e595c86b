"""Cold start: from `streamlit run` to the home page drawn in Chromium, against the bare
`python -c "import streamlit, torch"` measured in the same run (medians of three).

Run alone: .venv/bin/python -m bench.coldstart
"""

import subprocess
import sys
import time

from bench.harness import ROOT, Server, chromium, median

REPEATS = 3


def bare_import_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import streamlit, torch"], check=True, cwd=ROOT)
    return time.perf_counter() - start


def cold_start_seconds(browser) -> float:
    """A new server process; the clock runs until the home page's title is on screen."""
    start = time.perf_counter()
    server = Server()
    try:
        page = browser.new_page()
        page.goto(server.url)
        page.locator("h1").first.wait_for(timeout=120_000)
        elapsed = time.perf_counter() - start
        page.close()
        return elapsed
    finally:
        server.stop()


def coldstart_table() -> str:
    bare = median([bare_import_seconds() for _ in range(REPEATS)])
    with chromium() as browser:
        cold = median([cold_start_seconds(browser) for _ in range(REPEATS)])
    verdict = "met" if cold <= 1.5 * bare else "MISSED"
    return "\n".join(
        [
            f"| cold start (median of {REPEATS}) | seconds | ratio |",
            "|---|---|---|",
            f'| `python -c "import streamlit, torch"` | {bare:.2f} s | 1.00 |',
            f"| `streamlit run` to the home page drawn in Chromium | {cold:.2f} s | {cold / bare:.2f} |",
            "",
            f"Target ≤ 1.5× the bare import: {verdict}.",
        ]
    )


if __name__ == "__main__":
    print(coldstart_table())
