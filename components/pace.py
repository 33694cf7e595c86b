"""A session that asks for more reruns than any person could is slowed down; the others are not.

A learner clicks, types or drags a few times a second at most; a script can ask for
hundreds of reruns a second, and every run of a session is one the class waits behind
(components/run_lock.py). Each session gets a token bucket: BURST reruns at once, then
RATE_PER_SECOND. A rerun beyond that first waits, before it queues for the script turn,
so the wait costs the other sessions nothing; Streamlit drops the rerun requests that
pile up meanwhile, keeping only the latest.
"""

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

BURST = 20
RATE_PER_SECOND = 8.0
MAX_DEBT = BURST  # the longest wait is MAX_DEBT / RATE_PER_SECOND: 2.5 s


@dataclass
class RerunBucket:
    tokens: float = BURST
    updated: float = field(default_factory=lambda: time.monotonic())  # looked up at each call: tests move the clock
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait_needed(self) -> float:
        """Take a token for one rerun; the seconds to wait before running it."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(BURST, self.tokens + (now - self.updated) * RATE_PER_SECOND) - 1
            self.tokens = max(self.tokens, -MAX_DEBT)
            self.updated = now
            return 0.0 if self.tokens >= 0 else -self.tokens / RATE_PER_SECOND


_BUCKET_KEY = "_pace.bucket"


def pace_this_rerun() -> None:
    """Called first by the router and by every fragment rerun, before the script turn."""
    bucket = st.session_state.setdefault(_BUCKET_KEY, RerunBucket())
    time.sleep(bucket.wait_needed())
