"""Process-wide PyTorch settings, applied once per server process."""

import contextlib
import functools
import os

import torch

THREADS_VARIABLE = "LEARN_PYTORCH_THREADS"


@functools.cache
def configure_torch() -> int:
    """Give each tensor operation one CPU thread unless told otherwise.

    One Streamlit server runs every learner's script in its own thread. With torch's
    default (one thread per core for each operation), thirty sessions on a 2-vCPU
    Community Cloud container would oversubscribe the CPU and all slow down
    together; lesson tensors are small, so one thread each is the fair split.
    A teacher alone on a big machine can raise it with LEARN_PYTORCH_THREADS.
    """
    try:
        threads = max(1, int(os.environ.get(THREADS_VARIABLE, "1")))
    except ValueError:
        threads = 1
    torch.set_num_threads(threads)
    # RuntimeError: already set, or parallel work already ran; keep torch's value.
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(1)
    return threads
