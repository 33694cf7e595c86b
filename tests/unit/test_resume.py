"""The recap's key code: every script runs as it is and prints what it promises."""

import pytest

from components.i18n import LANGUAGES, translate
from lessons.resume.snippets import OBJECTIVE_IDS, SLIDE_BREAKS, key_code, key_code_slides
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


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("objective", OBJECTIVE_IDS)
def test_the_slides_cut_a_long_script_in_two_and_lose_nothing(objective, lang):
    parts = key_code_slides(objective, lang)
    assert "".join(parts) == key_code(objective, lang)
    assert len(parts) == (2 if objective in SLIDE_BREAKS else 1)
    if len(parts) == 2:  # the loop and the validation on a slide of their own
        assert parts[1].startswith("# " + translate("resume.code.boucle_entrainement.loop", lang))
        assert "optimizer = torch.optim.SGD" in parts[0] and "for epoch" in parts[1]
