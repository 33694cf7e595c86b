"""Worst-case compute per page: one rerun at the largest settings each page allows, with
its caches missed, run by AppTest in this process (server work only, no browser).

Each page's widgets are bounded (tensor sides, grid, steps, epochs, model width, four
optimizers), so these figures are the most one click can cost the shared server.

Run alone: .venv/bin/python -m bench.worstcase
"""

import time

from streamlit.testing.v1 import AppTest

from bench.harness import ROOT, median

REPEATS = 3
# The most a learner's code can cost: epochs beyond any exercise's need, stopped by the
# interpreter's time budget (components/learner_code.py), then graded.
LONGEST_LOOP = """for epoch in range(20000):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb) * {scale} / {scale}, yb)
        loss.backward()
        optimizer.step()
"""
# page script, largest settings, and a widget changed each time so every rerun misses the caches
CASES = (
    ("accueil", "lessons/accueil/page.py", {"f": "sinus"}, ("slider", "x", (-2.9, -2.8, -2.7))),
    (
        "tenseurs",
        "lessons/tenseurs/page.py",
        {"ctor": "randn", "dims": "3", "d0": "6", "d1": "6", "d2": "6"},
        ("number_input", "seed", (11, 12, 13)),
    ),
    (
        "autograd",
        "lessons/autograd/page.py",
        {"fonction": "saisie", "expr": "sin(x)*exp(-x**2)+tanh(x)**3+sqrt(abs(x)+1)"},
        ("slider", "ax", (-2.9, -2.8, -2.7)),
    ),
    (
        "fonction-de-cout",
        "lessons/fonction_de_cout/page.py",
        {"aberrants": "3", "ecart": "15", "bruit": "2.0"},
        ("number_input", "graine", (101, 102, 103)),
    ),
    (
        "optimiseur",
        "lessons/optimiseur/page.py",
        {"surface": "rosenbrock", "opt2": "adam", "opt3": "rmsprop", "opt4": "nesterov", "pas": "500"},
        ("number_input", "x0", (-1.41, -1.42, -1.43)),
    ),
    (
        "boucle-entrainement (click on Entraîner)",
        "lessons/boucle_entrainement/page.py",
        {"donnees": "moons", "n": "400", "couches": "3", "largeur": "64", "epoques": "200", "lot": "4"},
        ("button", "Entraîner", (1, 2, 3)),
    ),
    (
        "boucle-entrainement, exercise: a training loop as long as the interpreter allows",
        "lessons/boucle_entrainement/page.py",
        {},
        ("exercise", "boucle_entrainement.training_loop", tuple(LONGEST_LOOP.format(scale=s) for s in (1, 2, 3))),
    ),
)


def rerun_seconds(script: str, query: dict, action: tuple) -> list[float]:
    kind, key, values = action
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    app.query_params.update(query)
    app.run()
    app.switch_page(script).run()
    times = []
    for value in values:
        if kind == "button":
            next(button for button in app.button if button.label == key).click()
        elif kind == "exercise":  # the learner's code in the editor, then "Exécuter"
            app.text_area(key=f"exercise.{key}.answer").set_value(value)
            next(button for button in app.button if button.proto.form_id == f"exercise.{key}.form").click()
        else:
            getattr(app, kind)(key=key).set_value(value)
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        assert not app.exception, app.exception
    return times


def worstcase_table() -> str:
    lines = ["| page, largest settings, caches missed | median rerun | worst |", "|---|---|---|"]
    for name, script, query, action in CASES:
        times = rerun_seconds(script, query, action)
        lines.append(f"| {name} | {median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(worstcase_table())
