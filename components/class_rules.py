"""What a class session accepts, with no database: join codes, nicknames, students,
polls and answers, validated here before any SQL; the records the store returns; the
rate limit per session. Pure Python (no streamlit, no SQLAlchemy): components/class_store.py
stores what passes these checks.
"""

import hashlib
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a phone
JOIN_CODE_LENGTH = 6
SESSION_TTL = timedelta(hours=24)
PROGRESS_TTL = timedelta(days=90)
KINDS = ("number", "choice", "vote", "exercise")
MAX_CHOICES = 8
MAX_CHOICE_CHARS = 200
MAX_PROMPT_CHARS = 4000
MAX_NUMBER = 1e12
MAX_CHANGES = 20  # a student may change their mind, not flood the table
RATE_PER_SECOND = 40.0  # answers per class session: a class of 40 answers within a few seconds
RATE_BURST = 120

_NICKNAME = re.compile(r"[\w' -]{0,24}")  # letters (any script), digits, space, - _ '
_OUTCOME = re.compile(r"[a-z0-9_.]{1,80}")  # an exercise's grade: "solved" or a feedback key
STUDENT = re.compile(r"[0-9a-f]{64}")  # student_key's hash


@dataclass(frozen=True)
class ClassSession:
    join_code: str
    created_at: datetime
    expires_at: datetime
    closed: bool


@dataclass(frozen=True)
class PollDraft:
    kind: str  # one of KINDS
    prompt: str  # Markdown for lesson questions, in the teacher's language
    explanation: str = ""
    choices: tuple[str, ...] = ()  # choice and vote polls
    expected: str | None = None  # choice: one of `choices`; number: repr of the float; vote, exercise: None
    tolerance: float = 0.01  # number polls, as components.quiz.NumberQuestion
    relative: float = 0.001
    source: str = ""  # "tenseurs/bytes", "exercise:tenseurs.zeros", "vote"


@dataclass(frozen=True)
class Poll(PollDraft):
    poll_id: int = 0
    position: int = 0
    revealed: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class Tally:
    answers: int  # students who answered
    counts: dict[str, int] = field(default_factory=dict)  # choice/vote: every choice; exercise: outcome -> count
    numbers: tuple[float, ...] = ()  # number polls: every answer
    correct: int = 0


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_join_code(text: str) -> str | None:
    code = re.sub(r"[\s-]", "", str(text)[:20]).upper()
    if len(code) == JOIN_CODE_LENGTH and all(char in JOIN_CODE_ALPHABET for char in code):
        return code
    return None


def valid_nickname(text: str) -> bool:
    return isinstance(text, str) and _NICKNAME.fullmatch(text) is not None


def valid_outcome(text: object) -> bool:
    """An exercise poll's answer: "solved" or the grade's first feedback key."""
    return isinstance(text, str) and _OUTCOME.fullmatch(text) is not None


def student_key(browser_id: str, join_code: str) -> str:
    return hashlib.sha256(f"{browser_id}:{join_code}".encode()).hexdigest()


def check_draft(draft: PollDraft) -> None:
    if draft.kind not in KINDS:
        raise ValueError(f"unknown poll kind {draft.kind!r}")
    if not draft.prompt.strip() or len(draft.prompt) > MAX_PROMPT_CHARS or len(draft.explanation) > MAX_PROMPT_CHARS:
        raise ValueError("a prompt is 1 to 4000 characters")
    if draft.kind in ("choice", "vote"):
        if not 2 <= len(draft.choices) <= MAX_CHOICES or len(set(draft.choices)) != len(draft.choices):
            raise ValueError("2 to 8 distinct choices")
        if any(not choice.strip() or len(choice) > MAX_CHOICE_CHARS for choice in draft.choices):
            raise ValueError("a choice is 1 to 200 characters")
    if draft.kind == "choice" and draft.expected not in draft.choices:
        raise ValueError("the expected answer is one of the choices")
    if draft.kind == "number" and parse_number(draft.expected) is None:
        raise ValueError("a number poll expects a finite number")
    if len(draft.source) > 120:
        raise ValueError("source too long")


def parse_number(text: object) -> float | None:
    try:
        value = float(str(text)[:40])
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else None


def valid_answer(poll_kind: str, choices: tuple[str, ...], answer: object) -> str | None:
    """The answer as stored, or None when it is not one this poll accepts."""
    if not isinstance(answer, str):
        return None
    if poll_kind == "number":
        value = parse_number(answer)
        return None if value is None else repr(value)
    if poll_kind in ("choice", "vote"):
        return answer if answer in choices else None
    return answer if valid_outcome(answer) else None


class SessionRate:
    """A token bucket per join code, in this process: one class cannot flood the server."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, join_code: str) -> bool:
        with self._lock:
            now = time.monotonic()
            tokens, updated = self._buckets.get(join_code, (RATE_BURST, now))
            tokens = min(RATE_BURST, tokens + (now - updated) * RATE_PER_SECOND)
            if len(self._buckets) > 10_000:  # forget idle classes rather than grow without end
                self._buckets.clear()
            self._buckets[join_code] = (tokens - 1, now) if tokens >= 1 else (tokens, now)
            return tokens >= 1
