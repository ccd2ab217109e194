"""The answer check: whether a candidate sentence states what a question asks, from the
reader's verdict and the rank's cues read together.

The reader alone (bot/core/read.py) is a small model trained on 8,000 questions; the rank's
cues (how much of the question the sentence holds, how near its meaning is, whether it
holds the kind of thing asked for) were tuned on their own. Neither separates a sentence
that answers from one that only mentions what the question is about. The check is a
logistic model over both, fitted by ``python -m train.verifier`` on the training articles'
questions: their answer sentences against the other candidates, and against the best
candidate left once every sentence holding the answer is taken away (the article mentions
the subject, not what is asked). It picks the answer among the best candidates and gives
the probability the refusal gate reads. Its weights are a small JSON file beside the
reader's model.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.errors import ConfigError
from bot.core.query import Query
from bot.core.rank import type_bonus
from bot.core.text import words

if TYPE_CHECKING:
    from bot.core.rank import Candidate


class Reading(Protocol):
    """What the check reads of the reader's verdict (bot.core.read.Reading, which imports
    this module)."""

    @property
    def answers(self) -> float: ...

    @property
    def span(self) -> tuple[int, int] | None: ...

    @property
    def span_confidence(self) -> float: ...

    @property
    def own(self) -> float: ...


# The kinds of answer whose absence is telling: a "when" answered without a date.
TYPED = frozenset({"date", "number", "person", "money"})
FloatArray = npt.NDArray[np.float64]

# The kinds the reader's answer words are checked for ("where" too: a place has a name).
SPAN_TYPED = TYPED | {"place"}
_DIGIT = re.compile(r"\d")


def answer_words(sentence: str, reading: Reading) -> str:
    """The words the reader reads as the answer ("" when it marks none)."""
    return sentence[reading.span[0] : reading.span[1]] if reading.span else ""


def _span_kind(kind: str | None, marked: str, qwords: set[str]) -> float:
    """Whether the answer words hold the kind of thing asked for (any number counts as a
    date: "in 911")."""
    if kind is None or not marked:
        return 0.0
    if kind == "date" and _DIGIT.search(marked):
        return 1.0
    return type_bonus(kind, marked, qwords)


# What each feature is, in the order of the weights.
FEATURES = (
    "reader",  # the reader's logit for "this sentence answers"
    "reader_gap",  # that logit less the best one in the pool (0 for the best)
    "span",  # log of how sure the reader is of the answer's words
    "score_gap",  # the rank's score less the pool's best (0 for the best)
    "position",  # log(1 + place in the rank)
    "cosine",  # the dense stage's cosine (0 without it)
    "coverage",  # share of the question's weight held, neighbours and title counting part
    "direct",  # share held by the sentence itself
    "missing",  # heaviest question word held by neither it nor its title
    "unknown",  # share of the question's words the corpus does not know
    "type",  # holds the kind of thing asked for (a date for "when"...)
    "typed_missing",  # a kind is asked for and the sentence holds none
    "order",  # question words kept in order
    "span_type",  # the reader's answer words hold the kind of thing asked for
    "span_typed_missing",  # a kind is asked for and the answer words hold none
    "span_new",  # share of the answer words the question does not hold
)


def logit(p: float) -> float:
    """A probability's log-odds, kept finite."""
    p = min(max(p, 1e-5), 1 - 1e-5)
    return math.log(p / (1 - p))


def features(query: Query, pool: Sequence[Candidate], readings: Sequence[Reading]) -> FloatArray:
    """One row of FEATURES per candidate of ``pool`` (best ranked first), each read by the
    reader as ``readings`` says."""
    kind = query.kind
    typed = kind in TYPED
    unknown = _unknown_share(query)
    logits = [logit(r.answers) for r in readings]
    top_logit = max(logits, default=0.0)
    top_score = pool[0].score if pool else 0.0
    qwords = set(query.corrected.split())
    rows = []
    for i, (cand, reading, odds) in enumerate(zip(pool, readings, logits, strict=True)):
        has_type = cand.parts.get("type", 0.0)
        in_span, span_missing, span_new = _marked_cues(
            kind, answer_words(cand.sentence.text, reading), qwords
        )
        rows.append(
            (
                odds,
                odds - top_logit,
                math.log(max(reading.span_confidence, 1e-4)),
                cand.score - top_score,
                math.log1p(i),
                cand.cosine or 0.0,
                cand.coverage,
                cand.direct,
                cand.missing,
                unknown,
                has_type,
                float(typed and has_type == 0.0),
                cand.parts.get("order", 0.0),
                in_span,
                span_missing,
                span_new,
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def _unknown_share(query: Query) -> float:
    """The share of the question's terms the corpus does not know."""
    return sum(not qt.known for qt in query.terms) / max(1, len(query.terms))


def _marked_cues(kind: str | None, marked: str, qwords: set[str]) -> tuple[float, float, float]:
    """What the check and the gate read of the reader's answer words: whether they hold the
    kind of thing asked for, whether a kind is asked for and they hold none, and the share
    of them the question does not hold."""
    in_span = _span_kind(kind, marked, qwords)
    said = words(marked)
    new = sum(w not in qwords for w in said) / len(said) if said else 0.0
    return in_span, float(kind in SPAN_TYPED and in_span == 0.0), new


def _array(raw: object, size: int) -> FloatArray:
    out = np.asarray(raw, dtype=np.float64)
    if out.shape != (size,):
        raise ValueError(f"expected {size} numbers, got shape {out.shape}")
    return out


@dataclass(frozen=True)
class Linear:
    """Standardised inputs and one weight each, plus a bias."""

    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    bias: float = 0.0

    def __call__(self, rows: FloatArray) -> FloatArray:
        return np.asarray(((rows - self.mean) / self.scale) @ self.weights + self.bias)

    def to_dict(self) -> dict[str, object]:
        return {
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "bias": round(self.bias, 6),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, object], size: int) -> Linear:
        return cls(
            _array(raw["mean"], size),
            _array(raw["scale"], size),
            _array(raw["weights"], size),
            float(raw.get("bias", 0.0)),  # type: ignore[arg-type]
        )


# What the refusal reads of the chosen candidate: its choice score, its lead over the next,
# and its own features.
REFUSAL_FEATURES = ("choice", "lead", *FEATURES)


@dataclass(frozen=True)
class Checker:
    """The fitted check: ``choose`` scores the candidates of a pool (the best is the
    answer); ``refuse`` gives the probability that the chosen one answers, and below
    ``gate`` the bot says it does not know."""

    choose: Linear
    refuse: Linear
    gate: float
    meta: dict[str, object]

    def decide(self, rows: FloatArray) -> tuple[int, float, FloatArray]:
        """The chosen row, the probability that it answers, and every row's choice score."""
        best, scores, refusal_row = chosen(self.choose, rows)
        z = float(self.refuse(refusal_row[None, :])[0])
        return best, 1.0 / (1.0 + math.exp(-z)), scores

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "choose": self.choose.to_dict(),
                "refuse": self.refuse.to_dict(),
                "gate": self.gate,
                **self.meta,
            },
            indent=2,
        )

    @classmethod
    def load(cls, path: Path) -> Checker:
        try:
            raw, meta = _fitted(path, FEATURES, {"choose", "refuse", "gate"})
            return cls(
                Linear.from_dict(raw["choose"], len(FEATURES)),
                Linear.from_dict(raw["refuse"], len(REFUSAL_FEATURES)),
                float(raw["gate"]),
                meta,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"the answer check {path} cannot be used: {exc}") from None


def _fitted(
    path: Path, names: tuple[str, ...], own: set[str]
) -> tuple[dict[str, Any], dict[str, object]]:
    """A fitted model's JSON file (``Checker``'s, ``Gate``'s): its fields, once its features
    are checked to be ``names``, and the rest of them (what it records of its fit) apart
    from the features and its ``own`` fields. ValueError or KeyError where it is not one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if list(raw["features"]) != list(names):
        raise ValueError(f"its features are {raw['features']}, expected {names}")
    meta = {k: v for k, v in raw.items() if k not in own | {"features"}}
    return raw, meta


def chosen(choose: Linear, rows: FloatArray) -> tuple[int, FloatArray, FloatArray]:
    """The best row by ``choose``, every row's score, and what the refusal reads of it."""
    scores = choose(rows)
    best = int(np.argmax(scores))
    lead = float(scores[best] - np.partition(scores, -2)[-2]) if len(scores) > 1 else LONE
    return best, scores, np.concatenate(([scores[best], lead], rows[best]))


# A pool of one has no runner-up; its lead is taken as this (a clear lead).
LONE = 5.0


# What the last check reads of the answer the engine is about to give (``gate_features``).
GATE_FEATURES = (
    "reader",  # the verdict on the quoted sentence, as a logit (the span reader weighed in)
    "own",  # the reader's own logit, before the span reader's is weighed in
    "span",  # log of how sure the marker is of the answer's words
    "span_new",  # share of the marked words the question does not hold
    "span_type",  # the marked words hold the kind of thing asked for
    "span_typed_missing",  # a kind is asked for and the marked words hold none
    "cosine",  # the dense stage's cosine (0 without it)
    "missing",  # heaviest question word held by neither it nor its title
    "absent",  # the same, the paragraph counting too
    "unknown",  # share of the question's words the corpus does not know
    "type",  # the sentence holds the kind of thing asked for
    "typed_missing",  # a kind is asked for and the sentence holds none
    "order",  # question words kept in order
    "lead",  # log of the rank's score over the next distinct candidate's
    "switched",  # the reader chose another sentence than the rank's best
    "read_on",  # the answer's words are in the sentence after the rank's best
    "terms",  # log(1 + the question's terms)
)


def gate_features(
    query: Query,
    best: Candidate,
    reading: Reading,
    read_in: str,
    runner_up: float,
    switched: bool,
) -> FloatArray:
    """The row the gate reads for the answer about to be given: ``best`` quoted, ``reading``
    the verdict on ``read_in`` (its sentence, or the one after it) with its marked words,
    ``runner_up`` the rank's score of the next distinct candidate (0 if none)."""
    kind = query.kind
    qwords = set(query.corrected.split())
    in_span, span_missing, span_new = _marked_cues(kind, answer_words(read_in, reading), qwords)
    has_type = best.parts.get("type", 0.0)
    row = (
        logit(reading.answers),
        reading.own,
        math.log(max(reading.span_confidence, 1e-4)),
        span_new,
        in_span,
        span_missing,
        best.cosine or 0.0,
        best.missing,
        best.absent,
        _unknown_share(query),
        has_type,
        float(kind in TYPED and has_type == 0.0),
        best.parts.get("order", 0.0),
        math.log(max(best.score, 1e-6) / max(runner_up, 1e-6)) if runner_up > 0 else LONE,
        float(switched),
        float(read_in != best.sentence.text),
        math.log1p(len(query.terms)),
    )
    return np.asarray(row, dtype=np.float64)


_GATE_COSINE = GATE_FEATURES.index("cosine")


@dataclass(frozen=True)
class Gate:
    """The last check before an answer is given: the probability, from GATE_FEATURES, that
    the quoted sentence states what is asked; below ``gate`` the bot says it does not know.
    It reads only answers whose sentence the dense stage finds less close in meaning than
    ``cosine``: a paraphrase, which the reader reads poorly ("who ordered the making of the
    tapestry" and "It was commissioned by Odo"), is never doubted by it, as the engine's
    rules spare it too. Fitted by ``python -m train.gate`` on answers to the training
    articles' questions, those the articles answer and those they only seem to, below that
    cosine; a small JSON file beside the reader."""

    weigh: Linear
    gate: float
    cosine: float
    meta: dict[str, object]

    def answers(self, row: FloatArray) -> float:
        z = float(self.weigh(row[None, :])[0])
        return 1.0 / (1.0 + math.exp(-z))

    def doubts(self, row: FloatArray) -> bool:
        """Whether the answer ``row`` describes is refused: below the gate, and not close
        in meaning to the question."""
        return row[_GATE_COSINE] < self.cosine and self.answers(row) < self.gate

    def to_json(self) -> str:
        head = {"features": list(GATE_FEATURES), "weigh": self.weigh.to_dict()}
        return json.dumps(head | {"gate": self.gate, "cosine": self.cosine} | self.meta, indent=2)

    @classmethod
    def load(cls, path: Path) -> Gate:
        try:
            raw, meta = _fitted(path, GATE_FEATURES, {"weigh", "gate", "cosine"})
            gate, cosine = float(raw["gate"]), float(raw["cosine"])
            if not 0.0 <= gate < 1.0:
                raise ValueError(f"its gate is {gate}, expected a probability below 1")
            weigh = Linear.from_dict(raw["weigh"], len(GATE_FEATURES))
            return cls(weigh, gate, cosine, meta)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"the answer gate {path} cannot be used: {exc}") from None
