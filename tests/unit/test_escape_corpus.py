"""Every known sandbox escape of tests/escape_corpus.py, run through run_program with a
namespace like an exercise's: each ends in a LearnerCodeError, quickly, without raising
out of run_program and without creating a file."""

import os
import tempfile
import time
from pathlib import Path

import pytest
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from components.learner_code import LearnerCodeError, run_program, warm_up
from tests.escape_corpus import ESCAPES

# exercise_names() below makes an optimizer inside the timed call: torch's first-use costs are not the program's time.
warm_up()

MAX_SECONDS = 3.0


def exercise_names() -> dict[str, object]:
    torch.manual_seed(0)
    x = torch.randn(10, 2)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    return {
        "x": x,
        "model": model,
        "optimizer": optim.SGD(model.parameters(), lr=0.1),
        "loader": DataLoader(TensorDataset(x, x[:, :1]), batch_size=5),
    }


def listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def test_the_corpus_is_large_and_named_uniquely():
    assert len(ESCAPES) >= 60
    assert len({name for name, _ in ESCAPES}) == len(ESCAPES)


@pytest.mark.parametrize(("name", "source"), ESCAPES, ids=[name for name, _ in ESCAPES])
def test_an_escape_ends_in_a_learner_error(name, source, tmp_path):
    canary = tmp_path / "canary"
    cwd, temporary = Path.cwd(), Path(tempfile.gettempdir())
    cwd_before, temporary_before = listing(cwd), listing(temporary)
    started = time.perf_counter()
    outcome = run_program(source.replace("CANARY", str(canary)), exercise_names())
    seconds = time.perf_counter() - started
    assert isinstance(outcome.error, LearnerCodeError), f"{name} ran to the end"
    assert seconds < MAX_SECONDS, f"{name} took {seconds:.1f} s"
    assert not canary.exists()
    assert listing(tmp_path) == set()
    assert listing(cwd) - cwd_before == set()
    # other processes share the temporary folder: only a file named like the canary is ours
    assert {entry for entry in listing(temporary) - temporary_before if "canary" in entry.lower()} == set()


def test_escape_corpus_summary():
    outcomes = [run_program(source, exercise_names()) for _, source in ESCAPES]
    tried = sum(1 for outcome in outcomes if isinstance(outcome.error, LearnerCodeError))
    print(f"escape corpus: {tried} strings")
    assert tried == len(ESCAPES)
