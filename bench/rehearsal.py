"""Community Cloud rehearsal: what the platform does, done here.

A fresh virtual environment (Python 3.12, the platform's default, when this machine
has it; else this Python), `requirements.txt` only, the app started headless as
`streamlit run streamlit_app.py`, every page opened in Chromium (and one training
started on the training page), then the server's peak resident memory compared with
Community Cloud's smallest allowance (690 MB) and its usual limit (2.7 GB).

Run: .venv/bin/python -m bench.rehearsal   (a few minutes: it installs torch)
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import IDLE, ROOT, Server, chromium
from lessons.catalog import ALL_LESSONS

LIMITS_MB = {"smallest allowance": 690, "usual limit": 2700}


def python_312() -> str | None:
    candidates = [
        shutil.which("python3.12"),
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12"))),
    ]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


class RehearsalServer(Server):
    """The app served by the rehearsal environment's own Python."""

    def __init__(self, python: str):
        self.python = python
        super().__init__()

    def command(self) -> list[str]:
        return [self.python, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true"]


def main() -> None:
    python = python_312() or getattr(sys, "_base_executable", sys.executable)
    version = subprocess.run([python, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="rehearsal-") as folder:
        venv = Path(folder) / "venv"
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "requirements.txt")],
            check=True,
            env={**os.environ, "PIP_RETRIES": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        )
        installed = time.perf_counter() - start
        torch_version = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import torch; print(torch.__version__)"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        server = RehearsalServer(str(venv / "bin" / "python"))
        try:
            with chromium() as browser:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for lesson in ALL_LESSONS:
                    page.goto(f"{server.url}/{lesson.url_path}")
                    page.wait_for_selector(IDLE, timeout=180_000)
                    page.locator("h1").first.wait_for()
                    assert page.get_by_test_id("stException").count() == 0, lesson.url_path
                page.goto(f"{server.url}/boucle-entrainement?donnees=moons")
                page.wait_for_selector(IDLE, timeout=180_000)
                page.get_by_role("button", name="Entraîner").click()
                page.get_by_text("Entraînement terminé").wait_for(timeout=180_000)
            peak, now = server.peak_rss_mb(), server.rss_mb()
        finally:
            server.stop()
    print(f"| Community Cloud rehearsal | {version}, torch {torch_version} |")
    print("|---|---|")
    print(f"| fresh venv + `pip install -r requirements.txt` | {installed:.0f} s |")
    print("| every page opened in Chromium, one training run | no exception |")
    print(f"| server RSS at the end / peak | {now:.0f} MB / {peak:.0f} MB |")
    for name, limit in LIMITS_MB.items():
        print(f"| peak vs {name} ({limit} MB) | {peak / limit:.0%} {'fits' if peak <= limit else 'OVER'} |")


if __name__ == "__main__":
    main()
