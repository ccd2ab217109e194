"""Question sets → P@1, refusal rate and the misses.

A question set is a YAML list of ``{q, expect, article}`` (``expect`` a string or a list of
acceptable strings) or ``{q, answered: false}`` for questions the corpus cannot answer.
"""

from __future__ import annotations

import collections
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Answer, Engine
from bot.core.errors import BotError
from bot.core.safeyaml import YamlError
from bot.core.safeyaml import load as load_yaml
from bot.core.text import normalize


@dataclass(frozen=True)
class Case:
    question: str
    expect: tuple[str, ...] = ()
    article: str | None = None
    answerable: bool = True


@dataclass(frozen=True)
class Miss:
    case: Case
    answer: Answer


@dataclass(frozen=True)
class Report:
    answerable: int
    correct: int
    unanswerable: int
    refused: int
    misses: tuple[Miss, ...]
    # Of the right answers: how many marked their answer's words, and the exact matches and
    # token F1 of those words against the expected answers (summed; 0 where none was marked).
    marked: int = 0
    span_exact: float = 0.0
    span_f1: float = 0.0
    # The citations beside the first, over every answer given, and how many of those beside
    # right answers hold one of the expected answers (each should give the same answer).
    further: int = 0
    further_holding: int = 0

    @property
    def precision_at_1(self) -> float:
        return self.correct / self.answerable if self.answerable else 0.0

    @property
    def refusal_rate(self) -> float:
        return self.refused / self.unanswerable if self.unanswerable else 0.0

    @property
    def exact_match(self) -> float:
        """Span exact match over the right answers (a right answer with no marked words
        counts as a miss)."""
        return self.span_exact / self.correct if self.correct else 0.0

    @property
    def token_f1(self) -> float:
        return self.span_f1 / self.correct if self.correct else 0.0


def load_cases(path: Path) -> list[Case]:
    """Read a question set; BotError names the entry that is malformed."""
    try:
        data = load_yaml(normalize(path.read_text(encoding="utf-8-sig")))
    except (OSError, UnicodeDecodeError) as exc:
        raise BotError(f"cannot read the question set {path}: {exc}") from None
    except YamlError as exc:
        raise BotError(f"the question set {path} is not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise BotError(f"the question set {path} must be a YAML list of questions")
    cases: list[Case] = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise BotError(f"{path}: entry {n} needs a 'q' with the question text")
        if item.get("answered") is False:
            cases.append(Case(item["q"], answerable=False))
            continue
        expect = item.get("expect")
        if not (expect is None or isinstance(expect, str | list)):
            raise BotError(f"{path}: entry {n} has an 'expect' that is not text or a list")
        expected = (expect,) if isinstance(expect, str) else tuple(map(str, expect or ()))
        if not expected:
            raise BotError(
                f"{path}: entry {n} ({item['q']!r}) needs 'expect' or 'answered: false'"
            )
        article = item.get("article")
        cases.append(Case(item["q"], expected, str(article) if article is not None else None))
    return cases


def is_correct(case: Case, answer: Answer) -> bool:
    """Top citation from the expected article, and its quote or the answer holds an expected
    string (case-insensitively)."""
    if not answer.answered or not answer.citations:
        return False
    top = answer.citations[0]
    if case.article is not None and top.article != case.article:
        return False
    haystack = (top.quote + "\n" + answer.text).casefold()
    return any(e.casefold() in haystack for e in case.expect)


def answer_words(text: str) -> list[str]:
    """An answer's words as SQuAD compares them: lower case, no punctuation or articles."""
    text = "".join(ch for ch in text.casefold() if ch not in _PUNCTUATION)
    return re.sub(r"\b(a|an|the)\b", " ", text).split()


_PUNCTUATION = frozenset(string.punctuation)


def exact_match(marked: str, expected: Sequence[str]) -> float:
    return max((float(answer_words(marked) == answer_words(e)) for e in expected), default=0.0)


def token_f1(marked: str, expected: Sequence[str]) -> float:
    """SQuAD's token F1 against the best of the expected answers."""
    best = 0.0
    got = answer_words(marked)
    for e in expected:
        want = answer_words(e)
        same = sum((collections.Counter(got) & collections.Counter(want)).values())
        if same:
            precision, recall = same / len(got), same / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def marked_scores(answer: Answer, expected: Sequence[str]) -> tuple[float, float] | None:
    """The exact match and token F1 of the words an answer marks in its first quote, against
    the expected answers; None when it marks none."""
    if answer.quote_span is None or not answer.citations:
        return None
    lo, hi = answer.quote_span
    words = answer.citations[0].quote[lo:hi]
    return exact_match(words, expected), token_f1(words, expected)


def holding(answer: Answer, expected: Sequence[str]) -> tuple[int, int]:
    """How many citations an answer gives beside its first, and how many of those hold one
    of the expected answers (case-insensitively)."""
    further = answer.citations[1:] if answer.answered else ()
    wanted = [e.casefold() for e in expected]
    held = sum(any(e in c.quote.casefold() for e in wanted) for c in further)
    return len(further), held


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    correct = refused = marked = further = further_holding = 0
    exact = f1 = 0.0
    misses: list[Miss] = []
    for case in cases:
        answer = engine.ask(case.question)
        beside, held = holding(answer, case.expect)
        further += beside
        if case.answerable:
            ok = is_correct(case, answer)
            correct += ok
            further_holding += held if ok else 0
            scored = marked_scores(answer, case.expect) if ok else None
            if scored is not None:
                marked += 1
                exact += scored[0]
                f1 += scored[1]
        else:
            ok = not answer.answered
            refused += ok
        if not ok:
            misses.append(Miss(case, answer))
    answerable = sum(c.answerable for c in cases)
    return Report(
        answerable,
        correct,
        len(cases) - answerable,
        refused,
        tuple(misses),
        marked,
        exact,
        f1,
        further,
        further_holding,
    )


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def add_typos(question: str, rng: random.Random, share: float = 1 / 3) -> str:
    """One random edit (insert, delete, substitute or swap) in about ``share`` of the words of
    four letters or more: the kind of noise people type."""

    def edit(match: re.Match[str]) -> str:
        word = match.group()
        if rng.random() >= share:
            return word
        i = rng.randrange(len(word))
        op = rng.choice(("insert", "delete", "substitute", "swap"))
        if op == "insert":
            return word[:i] + rng.choice(_LETTERS) + word[i:]
        if op == "delete":
            return word[:i] + word[i + 1 :]
        if op == "substitute":
            return word[:i] + rng.choice(_LETTERS.replace(word[i].lower(), "")) + word[i + 1 :]
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    return re.sub(r"[A-Za-z]{4,}", edit, question)
