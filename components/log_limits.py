"""Log lines that a client can trigger at will are rate-limited.

Why: a client may ask as fast as it likes for fragments that do not exist, and
Streamlit writes one warning for each: the log would fill the disk, and writing it
would slow every other session. Here each kind of line (its logger and its message
template) gets at most MAX_LINES_PER_WINDOW lines every WINDOW_SECONDS; the first
line of the next window says how many were dropped, so nothing is hidden for good.
"""

import logging
import threading
import time

MAX_LINES_PER_WINDOW = 10
WINDOW_SECONDS = 60.0
MAX_KINDS = 1_000  # templates are few; a formatted message per client would not be


class RepeatLimit(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], list] = {}  # kind -> [window start, lines let through, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg))
        now = time.monotonic()
        with self._lock:
            if len(self._windows) > MAX_KINDS:
                self._windows.clear()
            window = self._windows.setdefault(kind, [now, 0, 0])
            if now - window[0] >= WINDOW_SECONDS:
                if window[2]:
                    record.msg = f"[{window[2]} similar lines dropped in the last minute] {record.msg}"
                window[:] = [now, 0, 0]
            if window[1] < MAX_LINES_PER_WINDOW:
                window[1] += 1
                return True
            window[2] += 1
            return False


REPEAT_LIMIT = RepeatLimit()


def limit_repeated_logs() -> None:
    """Put the filter on every logger that exists (idempotent: the router calls it on every
    run, which also covers loggers created since). A filter on a logger sees the records
    created by that logger, wherever they are handled."""
    loggers = [
        logging.getLogger(),
        *(item for item in logging.Logger.manager.loggerDict.values() if isinstance(item, logging.Logger)),
    ]
    for logger in loggers:
        if REPEAT_LIMIT not in logger.filters:
            logger.addFilter(REPEAT_LIMIT)
