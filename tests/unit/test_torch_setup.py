"""One deliberate thread count for a server shared by many sessions."""

import pytest
import torch

from components import torch_setup


@pytest.fixture
def fresh_setup():
    threads = torch.get_num_threads()
    torch_setup.configure_torch.cache_clear()
    yield torch_setup.configure_torch
    torch_setup.configure_torch.cache_clear()
    torch.set_num_threads(threads)


def test_one_thread_per_operation_by_default(fresh_setup, monkeypatch):
    monkeypatch.delenv(torch_setup.THREADS_VARIABLE, raising=False)
    assert fresh_setup() == 1
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("0", 1), ("-4", 1), ("many", 1)])
def test_the_thread_count_can_be_raised_and_garbage_is_ignored(fresh_setup, monkeypatch, value, expected):
    monkeypatch.setenv(torch_setup.THREADS_VARIABLE, value)
    assert fresh_setup() == expected
    assert torch.get_num_threads() == expected
