"""Rerun pacing: a person's pace passes untouched, a script's is slowed to a steady rate."""

import time

import pytest

from components import pace


def test_a_burst_of_clicks_waits_for_nothing():
    bucket = pace.RerunBucket()
    assert all(bucket.wait_needed() == 0 for _ in range(pace.BURST))


def test_past_the_burst_each_rerun_waits_its_share_of_the_rate(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    bucket = pace.RerunBucket()
    for _ in range(pace.BURST):
        bucket.wait_needed()
    assert bucket.wait_needed() == pytest.approx(1 / pace.RATE_PER_SECOND)
    assert bucket.wait_needed() == pytest.approx(2 / pace.RATE_PER_SECOND)
    now[0] += 10  # a pause refills the bucket
    assert bucket.wait_needed() == 0


def test_the_wait_is_bounded_however_many_reruns_are_asked(monkeypatch):
    monkeypatch.setattr(time, "monotonic", lambda: 5.0)
    bucket = pace.RerunBucket()
    waits = [bucket.wait_needed() for _ in range(10_000)]
    assert max(waits) == pytest.approx(pace.MAX_DEBT / pace.RATE_PER_SECOND)


def test_a_person_clicking_five_times_a_second_for_a_minute_never_waits(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    bucket = pace.RerunBucket()
    for _ in range(300):
        assert bucket.wait_needed() == 0
        now[0] += 0.2
