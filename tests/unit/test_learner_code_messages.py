"""Every message key the interpreter can answer with has its text in both languages."""

import re
from pathlib import Path

import pytest

from components.i18n import LANGUAGES, catalogue

COMPONENTS = Path(__file__).resolve().parents[2] / "components"
KEY = re.compile(r"[\"'](code\.[a-z_.]+)[\"']")


def interpreter_keys() -> set[str]:
    return {key for path in COMPONENTS.glob("learner_*.py") for key in KEY.findall(path.read_text())}


def test_the_interpreter_s_keys_are_found():
    assert {"code.torch_error", "code.time_budget", "code.hint.leaf_inplace"} <= interpreter_keys()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_interpreter_message_has_its_text(lang):
    missing = sorted(interpreter_keys() - set(catalogue(lang)))
    assert not missing, missing
