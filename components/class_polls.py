"""Class polls, pure: drafts from the lessons' questions and exercises or from a
teacher's text, the bars of a tally and its chart, the join link and its QR code,
the session's CSV.

No streamlit here (the pages draw); a teacher's or a student's text is never Markdown:
`markdown_literal` makes it read as typed wherever Streamlit would parse it.
"""

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
import segno

from components.class_rules import KINDS, Poll, PollDraft, Tally, valid_outcome
from components.exercise import Exercise, Grade
from components.palette import VALUE_LABEL

if TYPE_CHECKING:  # components.quiz draws with streamlit: its types only
    from components.quiz import Question

URL_PATH = "classe"  # the class page's address: /classe?code=ABC123
EXERCISE_SOURCE = "exercise:"
VOTE_SOURCE = "vote"
SOLVED = "solved"  # an exercise poll's answer when the student's code passed
OTHER_OUTCOME = "other"  # a feedback key the store would refuse (none today): counted, not lost
MAX_VOTE_PROMPT_CHARS = 200
MAX_VOTE_OPTION_CHARS = 80
VOTE_OPTIONS = (2, 6)
MAX_DISTINCT_NUMBERS = 12  # up to this many distinct answers, one bar each; beyond, ranges
NUMBER_BINS = 10
BAR_PX = 38
LABEL_PX = 150
# Projecting: the projector's stylesheet zooms every chart 1.3 times (components/projector.py),
# so these draw at about 21 px (ticks, labels) and 23 px (axis titles) on the screen.
PROJECTED_LABEL_PX = 16
PROJECTED_TITLE_PX = 18
PROJECTED_BAR_PX = 48
PROJECTED_LABEL_LIMIT_PX = 260
CORRECT_COLOUR = "#1a7f37"  # 4.9:1 on white; the bar's label also starts with ✓ (not colour alone)
OTHER_COLOUR = "#4c78a8"
EXPORT_COLUMNS = ("position", "source", "kind", "prompt", "expected", "answer", "correct", "nickname", "answered_at")
# An outcome's family, for charts and the CSV: the feedback keys (components/exercise.py,
# components/learner_run.py, the lessons' exercises.py) grouped under one short name.
# A key of a lesson's own exercise (exercises.<id>.<reason>) is a known misconception.
_OUTCOME_FAMILIES = {
    "code.syntax": "syntax",
    "code.return_outside_function": "syntax",
    "code.empty": "empty",
    "exercise.empty_answer": "empty",
    "code.torch_error": "torch",
    "code.python_error": "python",
    "code.zero_division": "python",
    "code.unknown_name": "python",
    "code.attribute_typo": "python",
    "code.not_callable": "python",
    "code.bad_loop": "python",
    "code.time_budget": "budget",
    "code.memory_budget": "budget",
    "code.too_many_steps": "budget",
    "code.loop_too_long": "budget",
    "code.recursion": "budget",
    "exercise.wrong_shape": "shape",
    "exercise.wrong_dtype": "dtype",
    "exercise.wrong_device": "device",
    "exercise.wrong_values": "values",
    "exercise.wrong_number": "values",
    "exercise.not_a_tensor": "type",
    "exercise.not_a_number": "type",
    "exercise.missing_name": "missing_name",
    "exercise.grad_missing": "gradient",
    "exercise.wrong_grad": "gradient",
    "exercise.needs_requires_grad": "gradient",
    "exercise.no_requires_grad": "gradient",
}
_REFUSED_PREFIX = "code."  # the interpreter's other refusals: a name, a call, a size it does not allow
_MISCONCEPTION_PREFIX = "exercises."
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation: CommonMark escapes them all
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell


class InvalidVote(ValueError):
    """A vote the teacher must correct; `key` names the message (classe.vote.*)."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


# --- drafts -------------------------------------------------------------------------


def poll_from_question(question: "Question", page_id: str) -> PollDraft:
    """The question as the page drew it: its prompt, and the answer PyTorch computed."""
    source = f"{page_id}/{question.question_id}"
    choices = getattr(question, "choices", None)
    if choices is not None:
        return PollDraft(
            "choice",
            question.prompt,
            question.explanation,
            choices=tuple(choices),
            expected=question.expected,
            source=source,
        )
    return PollDraft(
        "number",
        question.prompt,
        question.explanation,
        expected=repr(float(question.expected)),
        tolerance=question.tolerance,
        relative=question.relative,
        source=source,
    )


def poll_from_exercise(exercise: Exercise, title: str) -> PollDraft:
    """`title` in the teacher's language (for the CSV); each student reads the statement
    in their own language, found again by the source."""
    return PollDraft("exercise", title, source=EXERCISE_SOURCE + exercise.exercise_id)


def exercise_id_of(poll: PollDraft) -> str | None:
    return poll.source.removeprefix(EXERCISE_SOURCE) if poll.source.startswith(EXERCISE_SOURCE) else None


def exercise_outcome(result: Grade) -> str:
    """What an exercise poll stores: "solved", or the key of the first thing to fix."""
    if result.passed:
        return SOLVED
    key = result.feedback[0].key if result.feedback else OTHER_OUTCOME
    return key if valid_outcome(key) else OTHER_OUTCOME


def outcome_label_key(outcome: str) -> str:
    """The locale key (classe.outcome.*) of an exercise outcome's short, complete name:
    "solved", or the family of its feedback key (a syntax error, a wrong shape, …)."""
    if outcome == SOLVED:
        return "classe.outcome.solved"
    family = _OUTCOME_FAMILIES.get(outcome)
    if family is None and outcome.startswith(_MISCONCEPTION_PREFIX):
        family = "misconception"
    elif family is None and outcome.startswith(_REFUSED_PREFIX) and not outcome.startswith("code.hint."):
        family = "refused"
    return f"classe.outcome.{family or 'other_error'}"  # not "other": a table with "other" reads as plural forms


def plain_line(text: str) -> str:
    """One line of typed text: no control or invisible characters, spaces collapsed."""
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())


def vote_draft(prompt: str, options_text: str) -> PollDraft:
    """A quick vote from the teacher's text: a question, then one option per line."""
    prompt = plain_line(prompt)
    options = [plain_line(line) for line in options_text.splitlines()]
    options = [option for option in options if option]
    if not prompt:
        raise InvalidVote("classe.vote.no_prompt")
    if len(prompt) > MAX_VOTE_PROMPT_CHARS:
        raise InvalidVote("classe.vote.prompt_too_long", limit=MAX_VOTE_PROMPT_CHARS)
    if not VOTE_OPTIONS[0] <= len(options) <= VOTE_OPTIONS[1]:
        raise InvalidVote("classe.vote.option_count", low=VOTE_OPTIONS[0], high=VOTE_OPTIONS[1])
    if any(len(option) > MAX_VOTE_OPTION_CHARS for option in options):
        raise InvalidVote("classe.vote.option_too_long", limit=MAX_VOTE_OPTION_CHARS)
    if len(set(options)) != len(options):
        raise InvalidVote("classe.vote.duplicate_option")
    return PollDraft("vote", prompt, choices=tuple(options), source=VOTE_SOURCE)


def markdown_literal(text: str) -> str:
    """`text` as typed, where Streamlit reads Markdown (a radio's options): each ASCII
    punctuation escaped, so no link, image, emphasis, colour or icon survives."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", plain_line(text))


# --- the tally ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    correct: bool  # the expected answer's bar, once revealed


def tally_bars(tally: Tally, poll: Poll, labels: Mapping[str, str] | None = None) -> list[Bar]:
    """The chart's bars, in reading order. `labels`: exercise outcomes' names."""
    if poll.kind == "number":
        return _number_bars(tally.numbers, poll)
    if poll.kind == "exercise":
        ordered = sorted(tally.counts.items(), key=lambda item: (item[0] != SOLVED, -item[1], item[0]))
        return [
            Bar((labels or {}).get(key, key), count, poll.revealed and key == SOLVED) for key, count in ordered if count
        ]
    return [
        Bar(choice.replace("`", ""), tally.counts.get(choice, 0), poll.revealed and choice == poll.expected)
        for choice in poll.choices
    ]


def _number_bars(numbers: Sequence[float], poll: Poll) -> list[Bar]:
    expected = float(poll.expected) if poll.expected is not None else math.nan
    distinct = sorted(set(numbers))
    if len(distinct) <= MAX_DISTINCT_NUMBERS:
        texts = _unique_texts(distinct)
        return [
            Bar(text, numbers.count(value), poll.revealed and _close(value, expected, poll))
            for value, text in zip(distinct, texts, strict=True)
        ]
    low, high = distinct[0], distinct[-1]
    width = (high - low) / NUMBER_BINS
    counts = [0] * NUMBER_BINS
    for value in numbers:
        counts[min(int((value - low) / width), NUMBER_BINS - 1)] += 1
    bars = []
    for index, count in enumerate(counts):
        start, end = low + index * width, low + (index + 1) * width
        last = index == NUMBER_BINS - 1
        inside = start <= expected < end or (last and expected == end)
        bars.append(Bar(f"{start:.4g} – {end:.4g}", count, poll.revealed and inside))
    return bars


def _unique_texts(values: Sequence[float]) -> list[str]:
    """Short texts, unless two values would read the same: then exact ones."""
    texts = [f"{value:.6g}" for value in values]
    return texts if len(set(texts)) == len(texts) else [repr(value) for value in values]


def _close(value: float, expected: float, poll: Poll) -> bool:
    return math.isclose(value, expected, rel_tol=poll.relative, abs_tol=poll.tolerance)


def tally_chart(bars: Sequence[Bar], count_title: str, projecting: bool = False) -> alt.Chart:
    """Horizontal bars (long labels read on a phone), the count written beside each;
    the right answer's bar green and marked ✓. `projecting`: text read from the back
    of a room (projector mode)."""
    fonts = {"labelFontSize": PROJECTED_LABEL_PX, "titleFontSize": PROJECTED_TITLE_PX} if projecting else {}
    label_axis = alt.Axis(labelLimit=PROJECTED_LABEL_LIMIT_PX if projecting else LABEL_PX, **fonts)
    frame = pd.DataFrame(
        {
            "order": range(len(bars)),
            "label": [("✓ " if bar.correct else "") + bar.label for bar in bars],
            "count": [bar.count for bar in bars],
            "correct": [bar.correct for bar in bars],
        }
    )
    base = alt.Chart(frame).encode(
        # Long labels cut (the tooltip has them whole): the bars keep room on a 390 px phone.
        y=alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None, axis=label_axis),
        # Room on the right of the longest bar for its count.
        x=alt.X(
            "count:Q",
            title=count_title,
            axis=alt.Axis(tickMinStep=1, format="d", **fonts),
            scale=alt.Scale(domain=[0, max(1, *(bar.count for bar in bars)) * 1.15]),
        ),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("count:Q", title=count_title)],
    )
    bar = base.mark_bar().encode(
        color=alt.condition(alt.datum.correct, alt.value(CORRECT_COLOUR), alt.value(OTHER_COLOUR))
    )
    text = base.mark_text(align="left", dx=4, **VALUE_LABEL).encode(text="count:Q")
    # A step per bar, not a height: Streamlit fits a fixed height around the axes too, and
    # two bars in 76 px left the bands no room at all.
    return (bar + text).properties(height=alt.Step(PROJECTED_BAR_PX if projecting else BAR_PX))


# --- joining ------------------------------------------------------------------------


def join_link(page_url: str | None, join_code: str) -> str:
    """The class page's address with the code: all a student needs, nothing of the
    teacher's. `page_url` is the page's own (st.context.url); relative when unknown."""
    return f"{(page_url or '/' + URL_PATH).rstrip('/')}?code={join_code}"


def qr_png(link: str) -> bytes:
    """The link as a QR code (error correction M: a projector's glare or a smudge), in
    modules large enough to stay sharp when drawn 440 px wide (projector mode)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=14, border=4, dark="#000000", light="#ffffff")
    return buffer.getvalue()


# --- export -------------------------------------------------------------------------


def export_csv(rows: Iterable[Mapping[str, object]], text: Callable[[str], str]) -> str:
    """The session's answers, one line per student per question (their final answer),
    in the teacher's language: `text(key)` translates (classe.csv.*, classe.outcome.*).
    The prompt is plain text; a cell a spreadsheet would run as a formula (=, +, -, @)
    is quoted with ' unless it is a number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([text(f"classe.csv.{column}") for column in EXPORT_COLUMNS])
    for row in rows:
        shown = dict(row)
        shown["prompt"] = plain_text(str(row.get("prompt") or ""))
        if row.get("kind") in KINDS:
            shown["kind"] = text(f"classe.csv.kind_{row['kind']}")
        if row.get("kind") == "exercise" and row.get("answer") is not None:
            shown["answer"] = text(outcome_label_key(str(row["answer"])))
        if isinstance(row.get("correct"), bool):
            shown["correct"] = text("classe.csv.yes" if row["correct"] else "classe.csv.no")
        writer.writerow([_cell(shown.get(column)) for column in EXPORT_COLUMNS])
    return buffer.getvalue()


def plain_text(markdown: str) -> str:
    """A lesson question's Markdown as one line of text: no bold markers, no backticks."""
    return plain_line(markdown.replace("**", "").replace("`", ""))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="seconds")
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
