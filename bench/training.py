"""Training-loop page: epochs per second inside the page against the plain loop.

Run: .venv/bin/python -m bench.training   (prints a markdown table)

The plain loop is core.train with no callback; the page is the real page script run
by AppTest, clicking "Entraîner", so its live progress bar and charts are included.
Target: the page keeps at least 80 % of the plain loop's epochs per second.
"""

import statistics
import time
from pathlib import Path

from components.optimizers import OptimizerSpec
from components.torch_setup import configure_torch
from lessons.boucle_entrainement import core

ROOT = Path(__file__).resolve().parents[1]
EPOCHS, REPEATS = 100, 5


def plain_epochs_per_second() -> float:
    data = core.make_data("sine", 200, 0.2, 0)
    spec = core.TrainSpec(epochs=EPOCHS, optimizer=OptimizerSpec("adam", lr=0.01))
    model = core.ModelSpec("mlp", 2, 32)
    core.train(data, model, spec)  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        core.train(data, model, spec)
        times.append(time.perf_counter() - start)
    return EPOCHS / statistics.median(times)


def page_epochs_per_second() -> tuple[float, float]:
    """(epochs per second of the whole click rerun, of its training phase alone).

    The training phase is the click rerun minus a rerun that trains nothing, so the
    rest of the page (twin, quiz, charts of the stored results) is not counted twice.
    """
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    app.query_params.update(
        {"donnees": "sine", "modele": "mlp", "couches": "2", "largeur": "32", "epoques": str(EPOCHS)}
    )
    app.run()
    app.switch_page("lessons/boucle_entrainement/page.py").run()
    times, idle = [], []
    for _ in range(REPEATS):
        [button] = [button for button in app.button if button.label == "Entraîner"]
        button.click()
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        app.run()  # the same page, results stored: no training
        idle.append(time.perf_counter() - start)
    assert not app.exception, app.exception
    whole = statistics.median(times)
    return EPOCHS / whole, EPOCHS / (whole - statistics.median(idle))


def training_table() -> str:
    configure_torch()
    plain = plain_epochs_per_second()
    whole, training = page_epochs_per_second()
    verdict = "met" if training >= 0.8 * plain else "MISSED"
    return "\n".join(
        [
            "| training, sine data, MLP 2 x 32, 100 epochs | epochs per second | vs plain loop |",
            "|---|---|---|",
            f"| plain loop (core.train, no callback) | {plain:.1f} | 100% |",
            f"| the page, training phase (live progress and charts) | {training:.1f} | {training / plain:.0%} |",
            f"| the page, whole click rerun (whole page drawn too) | {whole:.1f} | {whole / plain:.0%} |",
            "",
            f"Target ≥ 0.8× the plain loop (training phase): {verdict}.",
        ]
    )


if __name__ == "__main__":
    print(training_table())
