"""The recap's key code: every script runs as it is and prints what it promises."""

import pytest

from components.i18n import LANGUAGES
from lessons.resume.snippets import OBJECTIVE_IDS, key_code
from tests.twin_check import run_twin


@pytest.mark.parametrize("objective", OBJECTIVE_IDS)
def test_every_key_script_runs(objective):
    printed = run_twin(key_code(objective, "fr"))
    assert printed, "the script printed nothing"


def test_the_scripts_compute_what_their_comments_say():
    assert run_twin(key_code("autograd", "fr"))["x.grad"] == "7.0"
    assert abs(float(run_twin(key_code("optimiseur", "en"))["p"]) - 3.0) < 1e-3
    printed = run_twin(key_code("boucle_entrainement", "en"))
    assert float(printed["validation"]) < 0.05


@pytest.mark.parametrize("lang", LANGUAGES)
def test_comments_follow_the_language(lang):
    text = key_code("autograd", lang)
    assert ("# La passe arrière" in text) == (lang == "fr")
