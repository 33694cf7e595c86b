"""Every benchmark, one command: .venv/bin/python -m bench   (about 15 minutes)

Prints markdown tables: interaction latency per page against the framework's floor,
the animation against a naive server loop, a class of 1, 10 and 30 sessions (latency,
errors, memory), cold start against the bare import, training throughput against the
plain loop, the worst-case compute of one rerun per page, an exercise's grading against
the same loop as a plain script, and class mode: forty students answering a poll on SQLite
and PostgreSQL, and what their polling costs the lesson pages. Every figure is a median
or a percentile of repeated runs, and every target a ratio against a reference
measured in the same run, on the same machine.
"""

import os
import platform
import time

import torch

from bench.animation import animation_table
from bench.class_mode import class_mode_table
from bench.classroom import classroom_table
from bench.coldstart import coldstart_table
from bench.exercises import exercises_table
from bench.hostile import hostile_table
from bench.latency import latency_tables
from bench.training import training_table
from bench.worstcase import worstcase_table

SECTIONS = (
    ("Interaction latency", latency_tables),
    ("Animation", animation_table),
    ("A class of thirty", classroom_table),
    ("Cold start", coldstart_table),
    ("Training throughput", training_table),
    ("Worst case per page", worstcase_table),
    ("Grading an exercise", exercises_table),
    ("One hostile visitor", hostile_table),
    ("Class mode: forty students answer", class_mode_table),
)


def main() -> None:
    print(
        f"# Benchmarks — {time.strftime('%Y-%m-%d %H:%M')} — {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, torch {torch.__version__} (one thread per operation in the server)\n"
    )
    for title, table in SECTIONS:
        start = time.perf_counter()
        print(f"## {title}\n\n{table()}\n\n_{time.perf_counter() - start:.0f} s_\n", flush=True)


if __name__ == "__main__":
    main()
