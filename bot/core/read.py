"""The reader: a small cross-encoder that reads the question together with one candidate
sentence (the article's title and the sentence before it as context) and says whether that
sentence states what is asked, and which of its words are the answer.

Its input is ``[CLS] question [SEP] sentence [SEP] title: tail of the sentence before [SEP]``,
WordPiece tokens of MiniLM's vocabulary. It gives three outputs per input: one logit for
"this sentence answers the question", and a start and an end logit per token for the answer's
span, read only over the sentence's tokens. The training that made the shipped model is
``python -m train.reader``; this module only runs it (onnxruntime and tokenizers, no torch),
and its ``encode`` is what the training feeds the model too, so both see the same inputs.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from bot.core.dense import onnx_session
from bot.core.errors import ConfigError
from bot.core.text import QUOTATION, STOP_WORDS, fold, stem, terms, words
from bot.core.verify import Checker, Gate

DEFAULT_READER = "default"
_MODELS = Path(__file__).parent / "models"
VOCAB = _MODELS / "minilm-vocab.txt"
# Token budgets: long questions and sentences are cut (the rest of a sentence is rarely where
# the answer to a short question is), and the context gets what is left of MAX_TOKENS.
QUESTION_TOKENS = 32
# The paragraph reader's whole input, in tokens (question, paragraph and title).
PARAGRAPH_TOKENS = 320
SENTENCE_TOKENS = 72
TITLE_TOKENS = 10
CONTEXT_TOKENS = 24
# The longest answer span the reader marks, in tokens.
MAX_SPAN_TOKENS = 24
# Each token a span has beyond its first costs it this much log-probability when the best
# span is chosen: the span head alone runs on into the rest of a clause ("Emmerich Rhine
# Bridge, the longest suspension bridge in Germany, crosses…"). Chosen on the four training
# articles the shipped reader never saw: exact match there 0.607 -> 0.621, on SQuAD's
# development questions 0.574 -> 0.607 (where the rank's sentence holds the answer). With the
# span reader shipped now, which runs on further, 0.1: exact match over the right answers,
# bench.heldout 0.659 -> 0.662 (0.125 0.661, 0.15 0.659, 0.2 0.656), SQuAD 0.662 -> 0.672
# (0.02 0.640, 0.15 0.682, 0.2 0.684); no answer or refusal changed on any development set.
SPAN_LENGTH_COST = 0.1
# Each token of the question's own words (stemmed content words, ``terms``) that a span holds
# costs it this much more where the span reader marks (Reader.marked): the answer is what the
# question does not say ("[Middle Rhine] flows through the Rhine Gorge" for "what flows
# between Bingen and Bonn"). Not nothing: 1,409 of the 8,522 answers of ../shared/train's
# questions hold one of their question's words ("complexity measures" for "what type of
# measure").
ECHO_COST = 0.25
# Where a span reader marks (Reader.marked), the answer span's start and end are chosen by
# its log-probabilities and the reader's, weighted SPANS_WEIGHT and 1 - SPANS_WEIGHT. With the
# first span reader (trained on spans alone), 0.7 did best: exactly marked of the right answers
# on bench.heldout / SQuAD, the reader alone 0.621 / 0.591, the span reader alone 0.637 /
# 0.609, weighted 0.5 0.649 / 0.609, 0.7 0.647 / 0.621. The one shipped now (python -m
# train.spans: a whole reader trained on from a span reader) marks better alone: exact match
# bench.heldout / SQuAD 0.661 / 0.651 alone and asked always, against 0.661 / 0.643 weighted
# 0.7 and asked below 0.5 (F1 0.784 / 0.724 against 0.778 / 0.717). Weighed with the
# reader's own and asked always, 0.85 marks better still: exact match over the right answers
# on bench.heldout 0.668 -> 0.676 (0.7 0.671, 0.8 0.673, 0.9 0.671), SQuAD 0.691 either way
# (F1 0.757 -> 0.759), SQuAD with typos (seeds 1-3) 0.677 / 0.688 / 0.675 -> 0.683 / 0.688 /
# 0.679; no answer or refusal changed on any development set.
SPANS_WEIGHT = 0.85
# The span reader is not asked where the reader is at least SPANS_SURE sure of its own words.
# Its pass (about 20 ms on one thread, measured then) was saved that way for 45% of the right
# answers while the two were weighed; the span model shipped now is asked always (1.0), as
# the reader's own words, however sure, are marked worse than its. Asking it always cost no
# more than the noise at 1,000 articles (docs/answers.md).
SPANS_SURE = 1.0
# Where the span reader is a whole reader (python -m train.spans trains one on from a span
# reader, so it has an answers head too), its verdict on whether a passage answers is
# weighed with the reader's: ``answers`` is the sigmoid of SPANS_VERDICT of its logit and
# 1 - SPANS_VERDICT of the reader's.
SPANS_VERDICT = 0.5
# How many passages one run of a model reads. The models' int8 arithmetic scales each
# activation tensor by its range over the whole run (onnxruntime's dynamic quantization), so
# a passage read beside others, and padded to the longest of them, is read a little
# differently than alone: its verdict and its answer's words would depend on what else the
# question's pool holds. Read one at a time, each passage is read the same whatever is read
# with it (docs/answers.md, "Each passage read alone": it is faster too, no passage padded).
READ_BATCH = 1
# Where the question asks for a figure (a weight, a count, a year…) and the likeliest span
# states none, the likeliest that does is marked instead, if it is at least this likely
# against it: "290,000 tons" rather than "220 million" for "how much food weight did JD
# supply".
KIND_RATIO = 0.1
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Passage:
    """What the reader reads beside the question: a sentence and its context."""

    sentence: str
    prev: str | None
    title: str


@dataclass(frozen=True)
class Encoded:
    """One reader input: token ids, segment ids, and where the sentence's tokens are (their
    positions and their character offsets into the sentence)."""

    ids: list[int]
    types: list[int]
    first: int  # position of the sentence's first token
    offsets: list[tuple[int, int]]  # per sentence token, its characters in the sentence


class Tokens:
    """MiniLM's WordPiece tokenizer with the layout the reader reads."""

    def __init__(self, vocab: Path = VOCAB) -> None:
        from tokenizers import BertWordPieceTokenizer

        self._tok = BertWordPieceTokenizer(str(vocab), lowercase=True)
        self._tok.no_padding()
        self._tok.no_truncation()
        self.cls = self._tok.token_to_id("[CLS]")
        self.sep = self._tok.token_to_id("[SEP]")

    def encode(self, question: str, passage: Passage) -> Encoded:
        q, s, t, p = self._tok.encode_batch(
            [question, passage.sentence, passage.title, passage.prev or ""],
            add_special_tokens=False,
        )
        q_ids = q.ids[:QUESTION_TOKENS]
        s_ids = s.ids[:SENTENCE_TOKENS]
        title = t.ids[:TITLE_TOKENS]
        room = CONTEXT_TOKENS - len(title) - 1
        tail = p.ids[-room:] if room > 0 and p.ids else []
        colon = self._tok.token_to_id(":")
        context = [*title, colon, *tail] if tail else title
        ids = [self.cls, *q_ids, self.sep, *s_ids, self.sep, *context, self.sep]
        first = len(q_ids) + 2
        types = [0] * first + [1] * (len(ids) - first)
        return Encoded(ids, types, first, [tuple(o) for o in s.offsets[:SENTENCE_TOKENS]])

    def encode_paragraph(
        self, question: str, title: str, sentences: Sequence[str]
    ) -> tuple[Encoded, list[int]]:
        """The paragraph reader's input, ``[CLS] question [SEP] paragraph [SEP] title
        [SEP]`` (the paragraph cut to PARAGRAPH_TOKENS in all), and for each of the
        paragraph's tokens read, which sentence it is in. Its offsets are into the
        paragraph's sentences joined by spaces."""
        text = " ".join(sentences)
        q, t, p = self._tok.encode_batch([question, title, text], add_special_tokens=False)
        q_ids = q.ids[:QUESTION_TOKENS]
        t_ids = t.ids[:TITLE_TOKENS]
        room = max(0, PARAGRAPH_TOKENS - len(q_ids) - len(t_ids) - 4)
        offsets = [tuple(o) for o in p.offsets[:room]]
        ids = [self.cls, *q_ids, self.sep, *p.ids[:room], self.sep, *t_ids, self.sep]
        first = len(q_ids) + 2
        types = [0] * first + [1] * (len(ids) - first)
        ends = list(itertools.accumulate(len(s) + 1 for s in sentences))
        owner = [min(bisect.bisect_right(ends, lo), len(sentences) - 1) for lo, _ in offsets]
        return Encoded(ids, types, first, offsets), owner


def batch_arrays(encoded: Sequence[Encoded]) -> tuple[IntArray, IntArray, IntArray]:
    """Padded ids, attention mask and segment ids of several inputs."""
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, e in enumerate(encoded):
        n = len(e.ids)
        ids[row, :n] = e.ids
        mask[row, :n] = 1
        types[row, :n] = e.types
    return ids, mask, types


@dataclass(frozen=True)
class Reading:
    """What the reader makes of one passage: how likely it answers the question, and the
    answer's characters in the sentence with how sure the span is (None if unsure)."""

    answers: float
    span: tuple[int, int] | None
    span_confidence: float
    # The start and end logits over the sentence's tokens, for a span reader to weigh its
    # own against (Reader.marked).
    span_logits: tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]] | None = field(
        default=None, compare=False, repr=False
    )
    # The span reader's start and end logits over the whole input, where it read the passage
    # for the verdict (SPANS_VERDICT), so that marking need not run it again.
    spans_logits: tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]] | None = field(
        default=None, compare=False, repr=False
    )
    # The reader's own verdict as a logit, before the span reader's is weighed in.
    own: float = field(default=0.0, compare=False, repr=False)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _log_softmax(logits: npt.NDArray[np.floating]) -> FloatArray:
    x = logits.astype(np.float64)
    x = x - x.max()
    out: FloatArray = x - np.log(np.exp(x).sum())
    return out


def best_span(
    start: npt.NDArray[np.floating],
    end: npt.NDArray[np.floating],
    enc: Encoded,
    sentence: str,
    echoes: npt.NDArray[np.bool_] | None = None,
    wanted: Callable[[tuple[int, int]], bool] | None = None,
) -> tuple[tuple[int, int], float]:
    """The most likely answer span as characters of the sentence, widened to whole words,
    and its probability (start times end, each a softmax over the sentence's tokens); a
    longer span must be likelier by SPAN_LENGTH_COST per token to be chosen, and by
    ECHO_COST for each token of ``echoes`` (the question's own words) it holds. Where the
    likeliest span is not what is ``wanted`` (the figure a question asks for), the likeliest
    that is, if it is at least KIND_RATIO as likely (``_wanted_span``)."""
    n = len(enc.offsets)
    s_logits = start[enc.first : enc.first + n].astype(np.float64)
    e_logits = end[enc.first : enc.first + n].astype(np.float64)
    p_start = np.exp(s_logits - s_logits.max())
    p_start /= p_start.sum()
    p_end = np.exp(e_logits - e_logits.max())
    p_end /= p_end.sum()
    joint = np.triu(np.outer(p_start, p_end)) - np.triu(np.outer(p_start, p_end), MAX_SPAN_TOKENS)
    extra = np.arange(n)[None, :] - np.arange(n)[:, None]  # tokens past the first
    cost = SPAN_LENGTH_COST * np.maximum(extra, 0)
    if echoes is not None and ECHO_COST > 0.0 and echoes.any():
        held = np.concatenate(([0], np.cumsum(echoes)))
        cost = cost + ECHO_COST * np.maximum(held[None, 1:] - held[:-1, None], 0)
    scores = joint * np.exp(-cost)
    first, last = (int(k) for k in np.unravel_index(int(np.argmax(scores)), scores.shape))
    span = widen(sentence, enc.offsets[first][0], enc.offsets[last][1])
    if wanted is not None and not wanted(span):
        found = _wanted_span(scores, enc, sentence, wanted)
        if found is not None:
            span, (first, last) = found
    return span, float(joint[first, last])


def _wanted_span(
    scores: FloatArray, enc: Encoded, sentence: str, wanted: Callable[[tuple[int, int]], bool]
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The likeliest span (as characters, and as its first and last tokens) that is what is
    ``wanted``, among those at least KIND_RATIO as likely as the likeliest of all."""
    floor = KIND_RATIO * float(scores.max())
    rows, cols = np.nonzero(scores >= floor)
    for k in np.argsort(-scores[rows, cols], kind="stable"):
        i, j = int(rows[k]), int(cols[k])
        span = widen(sentence, enc.offsets[i][0], enc.offsets[j][1])
        if span[1] > span[0] and wanted(span):
            return span, (i, j)
    return None


def widen(sentence: str, lo: int, hi: int) -> tuple[int, int]:
    """A span grown to whole words (a token may be part of one), without the punctuation
    and spaces at its end, nor a closing bracket or quote it does not open, with all of a
    name it marks part of (``_whole_name``), and with the capitalised "The" that opens it."""
    while 0 < lo < len(sentence) and sentence[lo].isalnum() and sentence[lo - 1].isalnum():
        lo -= 1
    while 0 < hi < len(sentence) and sentence[hi - 1].isalnum() and sentence[hi].isalnum():
        hi += 1
    while hi > lo and sentence[hi - 1] in " ,;:.":
        hi -= 1
    for opening, closing in ("()", "[]", "“”", "‘’"):
        part = sentence[lo:hi]
        if part.endswith(closing) and part.count(closing) > part.count(opening):
            hi -= 1
    if sentence[lo:hi].endswith('"') and sentence[lo:hi].count('"') % 2:
        hi -= 1
    for opening, closing in ("()", "[]"):
        # A bracket the span opens and does not close: the span ends before it ("120 m (390
        # ft" is "120 m"), or takes in its close where it is part of a word ("Article
        # 101(1)"), or, where it opens the span, starts after it.
        part = sentence[lo:hi]
        at = part.rfind(opening)
        if at > 0 and closing not in part[at:]:
            close = sentence.find(closing, hi)
            attached = not part[at - 1].isspace() and 0 <= close < hi + 3
            hi = close + 1 if attached else lo + at
        elif at == 0 and closing not in part:
            lo += 1
    while hi > lo and sentence[hi - 1] in " ,;:.":
        hi -= 1
    lo, hi = _whole_name(sentence, lo, hi)
    before = sentence[: max(lo - 4, 0)]
    if (
        sentence[lo:hi][:1].isupper()
        and sentence[max(lo - 4, 0) : lo] == "The "
        and not before[-1:].isalnum()
    ):
        lo -= 4  # a capitalised "The" before a name is part of it: "The Great Tech Revolution"
    lead = _LEAD_IN.match(sentence, lo, hi)
    if lead is not None and lead.end() < hi:
        lo = lead.end()
    described = _DESCRIBED.match(sentence, lo, hi)
    if (
        described is not None
        and not any(w in _NAME_PART or w in STOP_WORDS for w in described.group(2).split())
        and _NAME_ONLY.fullmatch(sentence, described.end(), hi)
    ):
        lo = described.end()
    return lo, hi


def _whole_name(sentence: str, lo: int, hi: int) -> tuple[int, int]:
    """A span that marks part of a name, grown to the whole of it: capitalised words right
    before a capitalised start ("Constance" of "into Lake Constance"; not the sentence's
    first word, capitalised anyway, nor one after an opening quote or bracket, nor "The",
    "In" and their like) and right after a capitalised last word ("The Upper" of "The
    Upper Rhine"), as SQuAD's answers name it.
    On SQuAD's development questions, exact match over the right answers 0.621 -> 0.635
    (seven gained, none lost). Through a hyphen too ("Datteln Canal" of "Wesel-Datteln
    Canal"): SQuAD 0.655 -> 0.657 with the span model shipped now, bench.heldout the same."""
    marked = sentence[lo:hi].split()
    if not marked:
        return lo, hi
    if sentence[lo].isupper():
        # A hyphenated name marked from a later part: "Datteln Canal" of "Wesel-Datteln",
        # "Lorraine" of "Alsace-Champagne-Ardenne-Lorraine" (every capitalised part before).
        if (m := _JOINED_BEFORE.search(sentence, 0, lo)) is not None:
            lo = m.start()
        while (m := _WORD_BEFORE.search(sentence, 0, lo)) is not None:
            word, opening = m.group(1), sentence[: m.start()].rstrip()
            if not word[0].isupper() or word in _NOT_NAMES or not opening:
                break
            if opening[-1] in '.!?:;"“‘(':
                break
            lo = m.start(1)
    last = marked[-1]
    if last[:1].isupper() and (m := _JOINED_AFTER.match(sentence, hi)) is not None:
        hi = m.end()
    while last[:1].isupper() and (m := _WORD_AFTER.match(sentence, hi)) is not None:
        if not m.group(1)[0].isupper() or m.group(1) in _NOT_NAMES:
            break
        hi, last = m.end(), m.group(1)
    return lo, hi


_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*) $")
_JOINED_BEFORE = re.compile(r"(?<![\w-])(?:[A-Z][\w'’]*-)+$")
_JOINED_AFTER = re.compile(r"(?:-[A-Z][\w'’]*)+")
_WORD_AFTER = re.compile(r" ([^\W\d_][\w'’-]*)")
_NOT_NAMES = frozenset(
    "The A An In On At By Of For From To With It Its This That These Those He She They His "
    "Her Their After Before During When While As Since Although However But And Or I".split()
)


# What a name may be described by before it, which SQuAD's answers leave out: "general
# Alexius Komnenos", "city of Deabolis", "river Seine"; not after "the" ("the end of World
# War I"), nor words that may be the name's own ("southern Italy"). SQuAD's development
# questions: exact match 0.587 -> 0.593; bench.heldout 0.620 -> 0.621 (one gained, none lost).
_DESCRIBED = re.compile(r"(((?:[a-z]+\s+){1,2}?)(?:(?:of|named|called)\s+)?)(?=[A-Z])")
_NAME_ONLY = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z0-9][\w'’.-]*|of|de|von|van|der|la|le|du|di|da))*"
)
_NAME_PART = frozenset(
    "southern northern eastern western central upper lower modern old new ancient early late "
    "medieval greater north south east west northeast northwest southeast southwest middle "
    "inner outer".split()
)


def as_often(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """For a question asking how often: the marked words grown to the whole frequency the
    sentence gives, "three" to "three times a week", "four years" to "every four years"."""
    lo, hi = span
    if (before := _OFTEN_BEFORE.search(sentence[:lo])) is not None:
        lo = before.start()
    after = _OFTEN_AFTER if before is None else _OFTEN_UNIT
    if (grown := after.match(sentence, hi)) is not None:
        hi = grown.end()
    return lo, hi


def as_year(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """For a question asking what year: the marked words cut to the one year they hold, "1
    May 1191" to "1191". Of the 215 year questions in ../shared/train's SQuAD articles, 201
    are answered by a year alone ("c1110" and "1496–97" among them); most others ask a
    century."""
    lo, hi = span
    years = list(_A_YEAR.finditer(sentence, lo, hi))
    if len(years) != 1:
        return span
    return years[0].span()


# A year, with the "c" of circa and the end of a range its own: "c1110", "1496–97".
_A_YEAR = re.compile(r"(?<![\w,.])(?:c\.?\s?)?\d{3,4}(?:[–-]\d{2,4})?(?![\w,.]*\d)")
_YEAR_ASKED = re.compile(r"\b(?:what|which) year\b", re.IGNORECASE)


def asks_year(question: str) -> bool:
    """Whether a question asks what year ("in what year", "which year")."""
    return _YEAR_ASKED.search(question) is not None


# Words that hedge a figure: "nearly 86 km", "more than 300 m3/s".
_HEDGES = (
    r"nearly|about|approximately|roughly|almost|around|some|over|more than|less than"
    r"|fewer than|up to"
)


def after_named(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """Marked words that describe someone or something before giving the name, cut to the
    name: "Norman named Oursel" to "Oursel". None of the 8,522 answers to
    ../shared/train's questions holds "named" or "called" before a name; 64 begin right
    after one."""
    lo, hi = span
    named = list(_NAMED.finditer(sentence, lo, hi))
    return (named[-1].end(), hi) if named else span


_NAMED = re.compile(r"\b(?:named|called)\s+(?=[A-Z])")


def to_the_place(sentence: str, span: tuple[int, int], question: str) -> tuple[int, int]:
    """For a question asking which country, continent, city … : marked words that name a
    part of a place, cut to the place, "Atlantic coast of Africa" to "Africa". Of the 151
    such questions in ../shared/train's articles, two have an answer of that shape ("county
    of Northumberland"), and there the place alone is an answer too."""
    if _PLACE_ASKED.search(question) is None:
        return span
    lo, hi = span
    part = _PART_OF.match(sentence, lo, hi)
    return span if part is None else (part.end(), hi)


_PLACE_ASKED = re.compile(
    r"\b(?:what|which) (?:\w+ )?(?:country|countries|nation|city|cities|town|village|county|"
    r"province|continent|island|state|region)\b",
    re.IGNORECASE,
)
# Words before "of" that are no list and end in lower case: "Atlantic coast of", not
# "Luxembourg and a very small part of".
_PART_OF = re.compile(
    r"(?:(?:the )?(?!(?:and|or|but)\b)[A-Za-z][\w-]* )*?(?!(?:and|or)\b)[a-z][\w-]* of "
    r"(?:the )?(?=[A-Z])"
)


def as_approximated(sentence: str, span: tuple[int, int], question: str) -> tuple[int, int]:
    """For a question asking roughly how many ("approximately how many drawings"): marked
    words that are a figure the sentence qualifies, grown to the qualifier, "330" to "over
    330". Of the 28 such training questions whose sentence has a qualifier before the
    figure, 18 are answered with it (of the other "how many" and "how much" questions, 43 of
    82)."""
    if _APPROXIMATELY.search(question) is None:
        return span
    lo, hi = span
    qualified = _QUALIFIER.search(sentence, max(0, lo - QUALIFIER_REACH), lo)
    return span if qualified is None else (qualified.start(), hi)


_APPROXIMATELY = re.compile(
    r"\b(?:approximately|roughly|about|around|estimated)\b[^?]*\bhow (?:many|much)\b"
    r"|\bhow (?:many|much)\b.*\b(?:approximately|roughly)\b",  # not "around the world"
    re.IGNORECASE,
)
# The hedges ``widen`` takes off a marked figure (_HEDGES), and a few more.
_QUALIFIER = re.compile(
    rf"\b(?:{_HEDGES}|at least|close to|just over|just under|under)\s+$", re.IGNORECASE
)
# How far before the figure a qualifier is looked for, in characters.
QUALIFIER_REACH = 20


def without_lead_in(sentence: str, span: tuple[int, int], question: str) -> tuple[int, int]:
    """Marked words cut to what they say: without a lead-in that orders or links the
    sentence ("Fourth, national courts" to "national courts"; none of the 8,522 training
    answers opens with one, 13 begin right after one), nor the possessive of a name the
    question gives ("Michelangelo's David" to "David" for "which sculpture by
    Michelangelo": 27 training answers begin right after such a possessive, 7 hold it)."""
    lo, hi = span
    if (lead := _LINKING.match(sentence, lo, hi)) is not None:
        lo = lead.end()
    owner = _OWNER.match(sentence, lo, hi)
    if owner is not None and hi > owner.end():
        asked = {w for w in words(question) if w not in STOP_WORDS}
        if all(w in asked for w in words(owner.group(1))):
            lo = owner.end()
    return lo, hi


_LINKING = re.compile(
    r"(?:first|second|third|fourth|fifth|finally|firstly|secondly|thirdly|lastly|however|"
    r"moreover|furthermore|additionally|also|thus|therefore),\s+",
    re.IGNORECASE,
)
_OWNER = re.compile(r"([A-Z][\w-]*(?: [A-Z][\w-]*)*)['’]s\s+")


def without_counted(sentence: str, span: tuple[int, int], question: str) -> tuple[int, int]:
    """For a question asking how many of something ("how many tons"): marked words that end
    with the thing counted, cut before it, "8 tonnes" to "8". Of the 287 "how many"
    questions in ../shared/train's SQuAD articles whose sentence gives the figure with the
    thing counted after it, 249 are answered by the figure alone."""
    asked = _HOW_MANY.search(question)
    lo, hi = span
    last = _LAST_WORD.search(sentence, lo, hi)
    if asked is None or last is None or last.start() == lo:
        return span
    counted, said = asked.group(1).casefold(), last.group().casefold()
    if counted in STOP_WORDS or (
        stem(said) != stem(counted) and fuzz.ratio(said, counted) < COUNTED_SPELT
    ):
        return span
    hi = len(sentence[: last.start()].rstrip())
    # "two sons and five [grandchildren]": the figure the counted thing follows, alone.
    joined = list(_JOINED.finditer(sentence, lo, hi))
    if joined and _COUNT_ALONE.fullmatch(sentence, joined[-1].end(), hi):
        before = sentence[lo : joined[-1].start()].split()
        # Not "3 and 4 bones", both of them counted.
        if before and not _COUNT_ALONE.fullmatch(before[-1]):
            lo = joined[-1].end()
    return lo, hi


# Where the last of several things joined in marked words begins.
_JOINED = re.compile(r",\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
# A figure by itself, perhaps hedged: "five", "about 300", "more than 2,000".
_COUNT_ALONE = re.compile(
    r"(?:(?:about|nearly|almost|around|over|some|more than|fewer than|less than|at least)\s+)?"
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|"
    r"dozens|hundreds|thousands|millions)(?:\s+(?:hundred|thousand|million|billion))?",
    re.IGNORECASE,
)


# "how many tons": the thing counted, a word that is not a stop word.
_HOW_MANY = re.compile(r"\bhow many ([a-z]+)\b", re.IGNORECASE)
_LAST_WORD = re.compile(r"(?<=\s)[^\W\d_]+(?=\W*$)")
# The thing counted spelt otherwise at the end of the marked words: "tonnes" for "tons",
# "kilometres" for "kilometers" (rapidfuzz ratio).
COUNTED_SPELT = 80


def as_listed(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """For a question asking for several things ("which two bodies", "which countries"):
    marked words that are one item of a list the sentence gives, grown to the whole list,
    "Council of the European Union" of "the European Parliament and the Council of the
    European Union"; "France" of "France, Italy, Belgium … and Germany". The other items
    must look like the marked one: names beside a name, figures beside a figure, and beside
    words in lower case as many such words or fewer ("pharmacy practice science and applied
    information science"; a lower-case item may be followed by a name: "the courts of member
    states and the Court of Justice"). Marked words that already hold a list stay as they are."""
    lo, hi = span
    part = sentence[lo:hi]
    if not part or " and " in part or " or " in part or ", " in part:
        return span
    # What the marked words name, listed in brackets right after them: "the Nordic region
    # (Sweden, Denmark, Finland, and Norway)" for "which countries".
    bracketed = _BRACKETED_LIST.match(sentence, hi, min(len(sentence), hi + LIST_REACH))
    if bracketed is not None:
        return lo, bracketed.end()
    lower = part[:1].islower()
    if lower:
        n = len(part.split())
        earlier = rf"{_NOT_STOP}{_LOWER}(?:\s+{_LOWER}){{0,{n - 1}}}"
        # An item after the marked words ends where the clause does: "… and assess drug
        # allergies while designing" is no item of "adverse drug reactions".
        item = rf"{earlier}{_CLAUSE_ENDS}"
    else:
        item = earlier = _A_FIGURE if part[:1].isdigit() else _A_NAME
    # Within LIST_REACH of the marked words: a list is read, not a runaway sentence (each
    # search is quadratic in what it may look at).
    end, start = min(len(sentence), hi + LIST_REACH), max(0, lo - LIST_REACH)
    grown = re.compile(rf"(?:{_SEP}{item})*{_AND}{item}").match(sentence, hi, end)
    if grown is None and lower:
        grown = re.compile(rf"{_AND}{_A_NAME}{_CLAUSE_ENDS}").match(sentence, hi, end)
    if grown is not None:
        hi = grown.end()
    # The items before it: "A and", or "A, B, " where a list goes on after it.
    first = rf"(?<![\w'’-]){earlier}"
    before = re.compile(rf"{first}(?:{_SEP}{earlier})*{_AND}$").search(sentence, start, lo)
    if before is None and grown is not None:
        before = re.compile(rf"{first}(?:{_SEP}{earlier})*{_SEP}$").search(sentence, start, lo)
    if before is not None:
        lo = before.start()
    while hi > lo and sentence[hi - 1] in " ,;:.":
        hi -= 1
    return lo, hi


LIST_REACH = 300  # characters either side of the marked words that a list may take in

# Asking for several by number: "what are the two bodies", "both".
_SEVERAL = re.compile(r"\b(?:two|three|four|five|six|both|several)\b", re.IGNORECASE)


def as_quoted(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """For a question asking what someone said: marked words inside a quotation grown to
    all of it, without its closing stop or comma ("a turning point" of "… called the
    decision “a turning point for the whole region.”"). Other words stay as marked."""
    for m in QUOTATION.finditer(sentence):
        group = 1 if m.group(1) is not None else 2
        lo, hi = m.start(group), m.end(group)
        if lo <= span[0] and span[1] <= hi:
            while hi > lo and sentence[hi - 1] in " ,;:.":
                hi -= 1
            return lo, hi
    return span


def asks_several(question: str) -> bool:
    """Whether a question asks for several things by number ("which two courts")."""
    return _SEVERAL.search(question) is not None


_NAME_WORD = (
    r"(?:[A-Z][\w'’&-]*(?:\.[\w'’&-]+)*\.?(?=[\s,;:)]|$)|\d[\d,.]*\d|\d)(?:\s?\([\w'’.-]+\))?"
)
_A_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:of|the|de|du|del|der|von|van|for|on)\s+)*{_NAME_WORD})*"
_A_FIGURE = r"\d[\d,.]*"
_LOWER = r"[a-z][\w'’-]*"
_NOT_STOP = (
    rf"(?!(?:{'|'.join(re.escape(w) for w in sorted(STOP_WORDS, key=len, reverse=True))})\b)"
)
_CLAUSE_ENDS = r"(?=\s*(?:[,.;:)]|$))"
_SEP = r",\s+(?:the\s+)?"
_AND = r",?\s+(?:and|or)\s+(?:the\s+)?"
_BRACKETED_LIST = re.compile(rf"\s*\({_A_NAME}(?:{_SEP}{_A_NAME})*{_AND}{_A_NAME}\)")


_OFTEN_BEFORE = re.compile(r"\b(?:every|each|once|twice)\s+$", re.IGNORECASE)
_OFTEN_AFTER = re.compile(
    r"\s+(?:times?\s+)?(?:a|an|per|each|every)\s+\w+|\s+times\b", re.IGNORECASE
)
_OFTEN_UNIT = re.compile(r"\s+(?:hours?|days?|weeks?|months?|years?|decades?)\b", re.IGNORECASE)


# What may open the span the reader marks but is not the answer itself: a preposition
# ("at Basel", "through the Rhine Gorge", "By 9000 BP") and a hedge on a figure ("nearly
# 86 km", "more than 300 m3/s"); the quote still shows them beside the marked words. On
# SQuAD's development questions, exact match over the right answers 0.482 -> 0.492.
_LEAD_IN = re.compile(
    r"(?:(?:at|in|on|through|from|by|into|onto|within|during|near)\s+)?"
    rf"(?:(?:{_HEDGES})\s+(?=\d))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReaderFiles:
    onnx: Path
    meta: dict[str, object]
    # The answer check fitted to this reader (bot/core/verify.py), when its folder has one.
    checker: Path | None = None
    # A span reader beside it (``spans.onnx``, ``python -m train.spans``): a whole reader
    # whose verdict is weighed with this one's (SPANS_VERDICT) and which marks the chosen
    # answer's words where no marker does.
    spans: Path | None = None
    # A marker beside them (``marks.onnx``, read only beside a span reader): it marks the
    # chosen answer's words, reading that one passage afresh, and gives no verdict. The span
    # reader shipped was trained on from it on news as well, for its verdicts (bench/news4:
    # 38 -> 43 of 55 right), and marks SQuAD's answers a little worse than it (exact match
    # 0.699 against 0.707 over the right answers; with the marker 0.709): news answers are
    # marked by other conventions than SQuAD's.
    marks: Path | None = None
    # The gate fitted to these models (``gate.json``, ``python -m train.gate``): the last
    # check of an answer before it is given (bot/core/verify.py's Gate).
    gate: Path | None = None
    # A paragraph reader beside them (``paragraphs.onnx``, ``python -m train.paragraphs``):
    # it reads a whole paragraph with the question and tells, per sentence, how likely the
    # answer is there (``Reader.paragraph``): the rank weighs that in.
    paragraphs: Path | None = None


def reader_files(name: str) -> ReaderFiles | None:
    """The model ``answers.reader_model`` names: ``default`` (the one shipped), a folder
    holding ``model.onnx``, or ``none``."""
    if name.strip().lower() == "none":
        return None
    folder = _MODELS / "reader" if name == DEFAULT_READER else Path(name).expanduser()
    onnx = folder / "model.onnx"
    if not onnx.is_file():
        raise ConfigError(
            f"answers.reader_model is {name!r}: expected default, none, or a folder holding "
            "model.onnx (made by python -m train.reader)"
        )
    meta_path = folder / "meta.json"
    meta: dict[str, object] = {}
    if meta_path.is_file():
        try:
            meta = dict(json.loads(meta_path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{meta_path} cannot be read: {exc}") from None
    checker = folder / "verifier.json"
    spans = folder / "spans.onnx"
    marks = folder / "marks.onnx"
    gate = folder / "gate.json"
    paragraphs = folder / "paragraphs.onnx"
    return ReaderFiles(
        onnx,
        meta,
        checker if checker.is_file() else None,
        spans if spans.is_file() else None,
        marks if marks.is_file() and spans.is_file() else None,
        gate if gate.is_file() else None,
        paragraphs if paragraphs.is_file() else None,
    )


class Reader:
    """Runs the reader model; safe to call from several threads."""

    def __init__(self, files: ReaderFiles, threads: int = 1) -> None:
        self.tokens = Tokens()
        self.meta = files.meta
        self.checker = Checker.load(files.checker) if files.checker is not None else None
        self.gate = Gate.load(files.gate) if files.gate is not None else None
        self._session = onnx_session(files.onnx, threads)
        self._spans = onnx_session(files.spans, threads) if files.spans is not None else None
        self._marks = onnx_session(files.marks, threads) if files.marks is not None else None
        self._paragraphs = (
            onnx_session(files.paragraphs, threads) if files.paragraphs is not None else None
        )

    @property
    def has_spans(self) -> bool:
        """Whether a span reader reads beside this one (``ReaderFiles.spans``): its verdict
        is weighed in, and it, or the marker beside it, marks the answer's words."""
        return self._spans is not None

    def read(
        self, question: str, passages: Sequence[Passage], spans: bool = True
    ) -> list[Reading]:
        """The reader's verdict on each passage, in order, weighed with the span reader's
        (SPANS_VERDICT); without ``spans``, the reader's own (a first look, for ``confirm``)."""
        if not passages:
            return []
        encoded = [self.tokens.encode(question, p) for p in passages]
        answer, start, end = _run(self._session, encoded, None)
        out = []
        for row, (enc, passage) in enumerate(zip(encoded, passages, strict=True)):
            own = float(answer[row])
            if not enc.offsets:
                out.append(Reading(_sigmoid(own), None, 0.0, own=own))
                continue
            span, sure = best_span(start[row], end[row], enc, passage.sentence)
            lo, hi = enc.first, enc.first + len(enc.offsets)
            logits = (start[row, lo:hi], end[row, lo:hi])
            marked = span if span[1] > span[0] else None
            out.append(Reading(_sigmoid(own), marked, sure, logits, own=own))
        return self._confirmed(encoded, out) if spans else out

    @property
    def reads_paragraphs(self) -> bool:
        """Whether a paragraph reader reads beside this one (``ReaderFiles.paragraphs``)."""
        return self._paragraphs is not None

    def paragraph(self, question: str, title: str, sentences: Sequence[str]) -> list[float]:
        """The paragraph reader's reading of a paragraph (its ``sentences``, in order) with
        the question: per sentence, the log-odds of the likeliest answer span starting in it
        against no answer in the paragraph; -inf for a sentence past what it reads."""
        assert self._paragraphs is not None
        enc, owner = self.tokens.encode_paragraph(question, title, sentences)
        start, end = (row[0] for row in _run_batch(self._paragraphs, [enc], ["start", "end"]))
        n = len(owner)
        out = [-math.inf] * len(sentences)
        if n == 0:
            return out
        s = start[enc.first : enc.first + n].astype(np.float64)
        e = end[enc.first : enc.first + n].astype(np.float64)
        null = float(start[0]) + float(end[0])
        # The best end within MAX_SPAN_TOKENS of each start: a running window maximum.
        padded = np.concatenate([e, np.full(MAX_SPAN_TOKENS - 1, -np.inf)])
        windows = np.lib.stride_tricks.sliding_window_view(padded, MAX_SPAN_TOKENS)[:n]
        best = s + windows.max(axis=1) - null
        for k, v in zip(owner, best, strict=True):
            out[k] = max(out[k], float(v))
        return out

    def confirm(
        self, question: str, passages: Sequence[Passage], first: Sequence[Reading]
    ) -> list[Reading]:
        """The readings ``read(..., spans=False)`` gave these passages, with the span
        reader's verdict weighed in, as ``read`` would have them."""
        if not passages:
            return []
        return self._confirmed([self.tokens.encode(question, p) for p in passages], first)

    def _confirmed(self, encoded: list[Encoded], readings: Sequence[Reading]) -> list[Reading]:
        if self._spans is None or SPANS_VERDICT <= 0.0:
            return list(readings)
        verdict, start, end = _run(self._spans, encoded, None)
        out = []
        for row, (enc, reading) in enumerate(zip(encoded, readings, strict=True)):
            mixed = (1 - SPANS_VERDICT) * reading.own + SPANS_VERDICT * float(verdict[row])
            n = len(enc.ids)
            theirs = (start[row, :n], end[row, :n]) if enc.offsets else None
            out.append(replace(reading, answers=_sigmoid(mixed), spans_logits=theirs))
        return out

    def marked(
        self,
        question: str,
        passage: Passage,
        reading: Reading,
        wanted: Callable[[tuple[int, int]], bool] | None = None,
    ) -> Reading:
        """``reading`` (this reader's of ``passage``) with the answer words as the marker
        (``ReaderFiles.marks``; without one, the span reader, from the run that gave its
        verdict) marks them, weighed with this reader's (SPANS_WEIGHT), and how sure they
        are, where there is a span reader and this reader is less than SPANS_SURE sure of its
        own words; else ``reading`` as it is. ``wanted`` tells the words a question asks for (a
        figure) where nearly as likely as the likeliest (``best_span``); without a span
        reader the reader's own words stand, wanted or not."""
        if self._spans is None or (
            reading.span is not None and reading.span_confidence >= SPANS_SURE
        ):
            return reading
        enc = self.tokens.encode(question, passage)
        if not enc.offsets:
            return replace(reading, span=None, span_confidence=0.0)
        theirs = reading.spans_logits if self._marks is None else None
        if theirs is None or len(theirs[0]) != len(enc.ids):
            start, end = _run(self._marks or self._spans, [enc], ["start", "end"])
            theirs = (start[0], end[0])
        lo, hi = enc.first, enc.first + len(enc.offsets)
        mixed = []
        for ours, logits in zip(reading.span_logits or (None, None), theirs, strict=True):
            out = logits.astype(np.float64)
            out[lo:hi] = _log_softmax(out[lo:hi])
            if ours is not None and len(ours) == hi - lo:
                out[lo:hi] = SPANS_WEIGHT * out[lo:hi] + (1 - SPANS_WEIGHT) * _log_softmax(ours)
            mixed.append(out)
        echoes = _echoes(question, passage.sentence, enc.offsets)
        span, sure = best_span(mixed[0], mixed[1], enc, passage.sentence, echoes, wanted)
        return replace(reading, span=span if span[1] > span[0] else None, span_confidence=sure)


def _echoes(
    question: str, sentence: str, offsets: Sequence[tuple[int, int]]
) -> npt.NDArray[np.bool_]:
    """For each of the sentence's tokens, whether the word it is part of is one of the
    question's content words (``terms``, stemmed: "flows" for "flow")."""
    asked = set(terms(question))
    echo = np.zeros(len(offsets), dtype=bool)
    if not asked:
        return echo
    for m in _A_WORD.finditer(sentence):
        if stem(fold(m.group())) not in asked:
            continue
        for k, (lo, hi) in enumerate(offsets):
            if lo < m.end() and hi > m.start():
                echo[k] = True
    return echo


_A_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _run(session: Any, encoded: list[Encoded], outputs: list[str] | None) -> list[Any]:
    """A model's ``outputs`` (all of them for None) for several encoded inputs, READ_BATCH
    of them a run: one row each, the per-token outputs padded to the longest input (the
    padding is never read)."""
    if READ_BATCH < 1 or len(encoded) <= READ_BATCH:
        return _run_batch(session, encoded, outputs)
    runs = [
        _run_batch(session, encoded[at : at + READ_BATCH], outputs)
        for at in range(0, len(encoded), READ_BATCH)
    ]
    width = max(len(e.ids) for e in encoded)
    result = []
    for parts in zip(*runs, strict=True):
        if parts[0].ndim == 1:
            result.append(np.concatenate(parts))
            continue
        joined = np.zeros((len(encoded), width), dtype=parts[0].dtype)
        row = 0
        for part in parts:
            joined[row : row + len(part), : part.shape[1]] = part
            row += len(part)
        result.append(joined)
    return result


def _run_batch(session: Any, encoded: list[Encoded], outputs: list[str] | None) -> list[Any]:
    ids, mask, types = batch_arrays(encoded)
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    result: list[Any] = session.run(outputs, feed)
    return result
