"""Log lines a client can trigger at will: a few per minute of each kind, then a count."""

import logging
import time

from components import log_limits


def test_repeated_lines_are_dropped_then_counted_in_the_next_window(monkeypatch, caplog):
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    limit = log_limits.RepeatLimit()
    logger = logging.getLogger("test.repeat_limit")
    logger.addFilter(limit)
    try:
        with caplog.at_level(logging.WARNING, logger="test.repeat_limit"):
            for number in range(1_000):
                logger.warning("Couldn't find fragment with id %s.", number)
            logger.warning("another kind of line")
            assert len(caplog.records) == log_limits.MAX_LINES_PER_WINDOW + 1
            now[0] += log_limits.WINDOW_SECONDS
            logger.warning("Couldn't find fragment with id %s.", "late")
        last = caplog.records[-1].getMessage()
        dropped = 1_000 - log_limits.MAX_LINES_PER_WINDOW
        assert last == f"[{dropped} similar lines dropped in the last minute] Couldn't find fragment with id late."
    finally:
        logger.removeFilter(limit)


def test_every_existing_logger_gets_the_limit_once():
    streamlit_logger = logging.getLogger("streamlit.runtime.scriptrunner.script_runner")
    log_limits.limit_repeated_logs()
    log_limits.limit_repeated_logs()
    assert streamlit_logger.filters.count(log_limits.REPEAT_LIMIT) == 1
