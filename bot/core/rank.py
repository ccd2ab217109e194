"""Candidates for an answer, and their order: first-stage hits, their neighbours and matching
titles fused into one score, then the best few reranked on finer cues.

The first stage scores sentences by BM25 alone. A sentence's neighbours in its paragraph lend
it part of their score (questions often name the subject in one sentence and ask about a
detail in the next), and an article whose title or keywords hold question words lends its
sentences a little. The best ``CANDIDATES`` are reranked on how much of the question's weight
each covers, question words kept in order, and whether it holds the kind of thing asked for
(a date for "when", a number for "how many", a name for "who"). Every weight is here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from bot.core.backends import Vectors
from bot.core.dense import FloatArray
from bot.core.index import Retriever, Sentence, WeightedWord, content_hash, vectors_key
from bot.core.query import (
    TOKEN,
    Query,
    QueryTerm,
)
from bot.core.text import STOP_WORDS, fold, is_dateline, leans_back, stem, terms, words

# Sentences the first stage returns, and how many of the best are reranked.
FIRST_STAGE = 100
CANDIDATES = 25
# Terms in more than this share of sentences (or RARE_MIN of them) do not pull sentences
# into the first stage: they would pull in much of the corpus, and with it the cost of a
# question. They add to the score of the sentences the rarer terms find, unless they are
# in more than COMMON_SHARE of all sentences; all of them count in the rerank.
RARE_SHARE = 0.02
RARE_MIN = 2000
COMMON_SHARE = 0.2
# Share of a neighbour's score a sentence borrows, and of its title's match.
LEND = 0.35
TITLE_LEND = 0.5
# What a question word the corpus does not know weighs, as a share of the highest idf.
UNKNOWN_WEIGHT = 0.6
# A word found only next to the sentence (its neighbours, its title) covers this share, and
# nearly all of it when the sentence leans on the one before ("It was commissioned by …").
NEARBY_COVER = 0.5
LEANING_COVER = 0.9
# BM25 as the rerank computes it over all the question's terms: a gentler length
# normalisation than the first stage's (tantivy's fixed b=0.75), so a long sentence that
# holds every word is not beaten by a short one that holds a few.
K1 = 1.2
B = 0.4
# How much each rerank cue counts. Fitted by a coarse search on public SQuAD questions (clean
# and with typos) and the paraphrased development questions; round values on purpose, so
# they describe the cues, not the questions.
WEIGHTS = {
    "bm25": 0.25,
    "neighbour": 0.0,
    "coverage": 1.0,
    "order": 0.5,
    "type": 0.5,
    "title": 0.1,
    "dense": 2.0,
    "list": 0.3,
    "acronym": 1.0,
    "role": 1.0,
}
# Without the dense stage (not configured, or the corpus not yet embedded), word overlap has
# to carry more of the ranking.
LEXICAL_WEIGHTS = {**WEIGHTS, "bm25": 1.5}
# Sentences the dense stage adds, nearest the question in meaning.
DENSE_K = 20


@dataclass(frozen=True)
class DenseQuery:
    """The question as the dense stage sees it: its vector, and the corpus's vectors."""

    vector: FloatArray
    store: Vectors


@dataclass
class Candidate:
    """A sentence that may answer, with its first-stage and rerank scores."""

    sentence: Sentence
    bm25: float = 0.0
    neighbour: float = 0.0
    title: float = 0.0
    score: float = 0.0
    coverage: float = 0.0
    matched: int = 0
    cosine: float | None = None
    # The share of the question's weight the sentence itself holds (not its neighbours nor
    # its title), and the heaviest question word that neither it, the sentence it leans on,
    # nor its title holds, as a share of the question's weight: what the answer checker
    # reads as "the article mentions the subject but not what is asked".
    direct: float = 0.0
    missing: float = 0.0
    # The same for a word that the neighbours in the paragraph do not hold either, or that
    # the articles never use.
    absent: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def first(self) -> float:
        return self.bm25 + LEND * self.neighbour + TITLE_LEND * self.title


def weighted_words(qterms: Sequence[QueryTerm]) -> list[WeightedWord]:
    return [qt.expansions for qt in qterms if qt.known]


def first_stage_words(
    view: Retriever, qterms: Sequence[QueryTerm]
) -> tuple[list[WeightedWord], list[WeightedWord]]:
    """The query's words as the first stage looks them up: the rare forms, which find the
    sentences (or, when every form is common, the rarest word), and the common ones, which
    only add to their score."""
    n = view.sentence_count
    cap = max(RARE_MIN, RARE_SHARE * n)
    rare: list[WeightedWord] = []
    common: list[WeightedWord] = []
    for qt in qterms:
        rare_forms = tuple((t, w) for t, w in qt.expansions if view.doc_freq(t) <= cap)
        if rare_forms:
            rare.append(rare_forms)
        common_forms = tuple(
            (t, w) for t, w in qt.expansions if cap < view.doc_freq(t) <= COMMON_SHARE * n
        )
        if common_forms:
            common.append(common_forms)
    if rare or not any(qt.known for qt in qterms):
        return rare, common
    rarest = min(
        (qt for qt in qterms if qt.known),
        key=lambda qt: min(view.doc_freq(t) for t, _ in qt.expansions),
    )
    return [rarest.expansions], [w for w in common if w != rarest.expansions]


def weight(view: Retriever, qt: QueryTerm) -> float:
    """What a question word weighs: the idf of its best expansion, typo cost included."""
    return max((view.idf(t) * w for t, w in qt.expansions), default=0.0)


def title_mass(view: Retriever, known: Sequence[QueryTerm], limit: int = 20) -> dict[int, float]:
    """Articles whose title or keywords hold question words, with the weight matched."""
    aids = view.titles(weighted_words(known), limit)
    if not aids:
        return {}
    n = max(1, view.article_count)
    # Per question word, its forms that some title holds, with their weight there.
    forms: list[list[tuple[str, float]]] = []
    for qt in known:
        found = []
        for term, w in qt.expansions:
            df = view.head_freq(term)
            if df:
                found.append((term, (math.log(1.0 + (n - df + 0.5) / (df + 0.5)) + 0.1) * w))
        if found:
            forms.append(found)
    out: dict[int, float] = {}
    for aid in aids:
        head = view.entries[aid].head
        mass = 0.0
        for found in forms:
            best = 0.0
            for term, value in found:
                if value > best and term in head:
                    best = value
            mass += best
        if mass > 0:
            out[aid] = mass
    return out


def gather(
    view: Retriever,
    query: Query,
    titles: dict[int, float],
    dense: DenseQuery | None = None,
    within: Sequence[str] = (),
) -> list[Candidate]:
    """The first stage: BM25 hits, lent their neighbours' and titles' scores, the best
    ``CANDIDATES`` with their text, and neighbours of those that may hold the answer; with
    the dense stage, the sentences nearest the question in meaning too. Only from the
    articles with the ids ``within``, where it names any (the lexical stage searches those
    alone; the dense stage's nearest are kept where they are among them)."""
    out = [c for c in _lexical(view, query, titles, within) if not is_dateline(c.sentence.text)]
    if dense is not None:
        seen = {(c.sentence.aid, c.sentence.seq) for c in out}
        nearest = dense.store.search(dense.vector, DENSE_K)
        kept = {view.by_id[i] for i in within if i in view.by_id}
        for s in view.by_hash([h for h, _ in nearest], 2 * DENSE_K):
            if within and s.aid not in kept:
                continue
            if (s.aid, s.seq) not in seen and not is_dateline(s.text):
                seen.add((s.aid, s.seq))
                out.append(Candidate(s, title=titles.get(s.aid, 0.0)))
    return out


def _lexical(
    view: Retriever, query: Query, titles: dict[int, float], within: Sequence[str] = ()
) -> list[Candidate]:
    if not query.known:
        return []
    rare, common = first_stage_words(view, query.known)
    hits = view.search(rare, common, FIRST_STAGE, within)
    if not hits:
        return []
    by_key = {(h.aid, h.seq): h for h in hits}
    lent: dict[tuple[int, int], float] = {}
    for h in hits:
        best = 0.0
        for key in ((h.aid, h.seq - 1), (h.aid, h.seq + 1)):
            other = by_key.get(key)
            if other is not None and other.para == h.para and other.score > best:
                best = other.score
        lent[h.aid, h.seq] = best
    scored = sorted(
        (
            (h.score + LEND * lent[h.aid, h.seq] + TITLE_LEND * titles.get(h.aid, 0.0), h)
            for h in hits
        ),
        key=lambda sh: -sh[0],
    )[:CANDIDATES]
    best_hits = [h for _, h in scored]
    out = [
        Candidate(s, h.score, lent[h.aid, h.seq], titles.get(h.aid, 0.0))
        for h, s in zip(best_hits, view.sentences(best_hits), strict=True)
    ]
    # A neighbour that is no hit itself may still be where the answer sits ("It was
    # restored by …" after the sentence that names the painting).
    floor = scored[-1][0]
    seen = set(by_key)
    for cand in list(out):
        s = cand.sentence
        for seq, text, prev, nxt in (
            (s.seq - 1, s.prev, None, s.text),
            (s.seq + 1, s.next, s.text, None),
        ):
            if text is None or (s.aid, seq) in seen:
                continue
            seen.add((s.aid, seq))
            extra = Candidate(Sentence(s.aid, seq, s.para, text, prev, nxt), 0.0, cand.bm25)
            extra.title = cand.title
            if extra.first > floor:
                out.append(extra)
    return out


# -- rerank cues ------------------------------------------------------------------------------

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DATE_A = re.compile(
    rf"\b(1\d{{3}}|20\d{{2}}|\d+(st|nd|rd|th)? centur(y|ies)|{_MONTHS.replace(' ', '|')}|"
    r"\d{1,4}s|bc|ad|bce|ce)\b"
)
_NUMBER_A = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|dozen|half|several)\b"
)
#: A currency sign, as a sum is written: "£46 million".
CURRENCY_SIGN = r"[$€£¥₹₽₩]"
_MONEY_A = re.compile(
    rf"{CURRENCY_SIGN}|\b(dollars?|euros?|pounds|sterling|yuan|renminbi|rmb|yen|rupees?|francs?|"
    r"lira|lire|deutsche? marks?|deutschmarks?|pesos?|roubles?|rubles?|kronor|kroner|"
    r"krona|krone|reais|guilders?|shillings?|pence|usd|eur|gbp|cny|jpy|chf|cents?|"
    r"price[sd]?|costs?|fees?|free of charge|for free)\b"
)
_NAME_A = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z\u00C0-\u024F]+(?:\s+[A-Z][a-z]+)*")


@lru_cache(maxsize=50_000)
def sentence_words(sentence: str) -> tuple[str, ...]:
    return tuple(words(sentence))


@lru_cache(maxsize=50_000)
def sentence_terms(sentence: str) -> tuple[str, ...]:
    return tuple(terms(sentence))


def type_bonus(kind: str | None, sentence: str, question_words: set[str]) -> float:
    """How well a sentence holds the kind of answer asked for, from 0 to 1."""
    if kind is None:
        return 0.0
    new_words = " ".join(w for w in sentence_words(sentence) if w not in question_words)
    if kind == "money":
        return 1.0 if _MONEY_A.search(fold(sentence)) and _NUMBER_A.search(new_words) else 0.0
    if kind == "date":
        return 1.0 if _DATE_A.search(new_words) else 0.0
    if kind == "number":
        return 1.0 if _NUMBER_A.search(new_words) else 0.0
    names = [n for n in _NAME_A.findall(sentence) if fold(n.split()[0]) not in question_words]
    if kind == "person":
        return 1.0 if names else 0.0
    return 0.7 if names else 0.0


_YEAR_A = re.compile(
    r"\b(1\d{3}|20\d{2})s?\b|\bc\.?\s?\d{3,4}\b|\b\d{1,4}\s*(bc|bce|ad|ce)\b|\b(ad|in|by|since|"
    r"until|till|from|after|before|around|circa|year|years)\s+\d{1,4}\b|\b(\d+(st|nd|rd|th)|\w+th|"
    r"first|second|third)[- ]centur(y|ies)\b"
)
_FIGURE = re.compile(
    r"\d[\d,.]*\d|\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|"
    r"half|third|quarter|single|both|pair|twice|double|triple|several|numerous|a few|a handful)\b"
)
# Quantities that answer "how many" with no number: "several monks fled" does not say how
# many did.
_VAGUE = frozenset(("several", "numerous", "a few", "a handful"))
# "One of" names a member, not how many there are: "the P versus NP problem is one of the
# Millennium Prize Problems". Of the 514 "how many" questions in ../shared/train's SQuAD
# articles, none is answered by it.
_ONE_OF = re.compile(r"one\s+of\b")
# Nor does a sum of money ("a US$1,000,000 prize"), unless money is what is counted ("how
# many dollars"): none of those 514 questions is answered by one.
# A sign before the figure, or before the figure a magnitude word follows ("$3.6 billion").
_CURRENCY_BEFORE = re.compile(rf"{CURRENCY_SIGN}\s*(?:\d[\d,.]*\s*)?$")
# Whose currency a sum is in, between the figure and the currency: "640 million Canadian
# dollars", "200,000 Danish krone".
_CURRENCY_OF = (
    r"us|canadian|australian|new zealand|singapore|hong kong|taiwan|danish|swedish|norwegian|"
    r"swiss|mexican|chilean|argentine|colombian|egyptian|indian|pakistani|nepalese|kenyan|"
    r"ugandan|tanzanian|nigerian|south african|jamaican|brazilian|turkish|czech|hungarian|"
    r"polish|russian|ukrainian|chinese|japanese|korean|south korean"
)
_CURRENCY_AFTER = re.compile(
    r"\s*(?:(?:thousand|million|billion|trillion|m|bn)\s*won\b|"
    rf"(?:thousand|million|billion|trillion|m|bn)?\s*(?:(?:{_CURRENCY_OF}) )?(?:dollars?|euros?|"
    r"pounds|yuan|yen|rupees?|francs?|pesos?|roubles?|rubles?|marks?|guilders?|shillings?|"
    r"cents?|lira|lire|kron[aeo]r?|rand|naira|dinars?|dirhams?|reais|zlotys?|baht|ringgit|"
    r"rupiah|shekels?|lei)\b)"
)
_CURRENCY_WORDS = frozenset(
    "dollar dollars euro euros pound pounds yuan yen rupee rupees franc francs peso pesos "
    "money cents".split()
)
# What states when something happens: a year or a number that may be one, an ordinal
# ("the 10th"), a time of day ("10 p.m.", "8:30", "noon"), a century, a period or an epoch
# ("the Triassic Period", "the Miocene"), time before the present ("22,000 years ago",
# "13,000 BP"), a month or a day, a season, or a moment set by something else ("until the
# empire fell", "as soon as they enter into force").
# A time of day by the clock: "10 p.m.", "8.30am".
_CLOCK = r"\b\d{1,2}(?:[:.]\d{2})?\s?[ap]\.?m\b\.?"
_TIME_A = re.compile(
    rf"{_CLOCK}|\b\d{{1,2}}:\d{{2}}\b|\b(?:noon|midnight|o'clock)\b|"
    rf"\d{{3,}}|\d+(st|nd|rd|th)\b|\bc\.?\s?\d{{3,4}}|\b(centur(y|ies)|decades?|periods?|eras?|"
    rf"epochs?|ages|ago|bp|bc|bce|ad|ce|dynasty|reign|\w+cene|{_MONTHS.replace(' ', '|')}|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|spring|summer|autumn|winter|"
    r"morning|evening|night|today|nowadays|currently|recently|yesterday|tomorrow|tonight|"
    r"since|until|till|before|after|during|when|whenever|while|as soon as|upon|prior to|"
    r"following|immediately|later|earlier|at the time|the (?:end|start|beginning|time) of)\b"
)
# What makes a figure a year rather than a count: the words before it ("in 1066", "the year
# 2000"), or a bracket; a decade ("the 1960s", ``_DECADE``) is no count either.
_BEFORE_YEAR = re.compile(
    rf"(\(|\b(in|by|since|until|till|from|after|before|during|around|circa|of|early|late|mid|year|"
    rf"{_MONTHS.replace(' ', '|')})\s+)$"
)
# Nor is a day of a month a count ("closed 25 February 2010", "on March 3rd"), nor a figure
# in a bracketed range of dates ("Al-Biruni (973–1050)", a life).
FULL_MONTHS = _MONTHS.split()[:12]
# The months' names and their short forms, as words.
MONTHS = frozenset(_MONTHS.split())
_DATED = re.compile(
    r"\(\s*(c\.?\s*)?\d{1,4}\s*[–-]\s*(c\.?\s*)?\d{1,4}\s*\)"
    rf"|\b\d{{1,2}}(st|nd|rd|th)?\s+({'|'.join(m for m in FULL_MONTHS if m != 'may')})\b"
    rf"|\b({'|'.join(FULL_MONTHS)})\s+\d{{1,2}}(st|nd|rd|th)?\b"
)
# What may stand between a figure and its unit ("400 m", "400-metre", "400 – m").
_UNIT_GAP = r"\s?[-–]?\s?"
_WEIGHTS = r"kg|\w*grams?|g|tonnes?|tons?|pounds?|lbs?"
_TIMES = r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"
_UNIT = re.compile(
    rf"{_UNIT_GAP}(%|°|(percent|per cent|degrees?|mph|knots|(square |cubic |sq\.? )?(m|km|cm|"
    r"mm|\w*metres?|\w*meters?|feet|foot|ft|miles?|mi|inches|inch|yards?|hectares?|ha|acres?|"
    rf"km2|m2|km²|m²|m3|m³|μm|µm|nm)|{_WEIGHTS}|{_TIMES}|storeys|stories|floors|\w*watts?|"
    r"[kmg]w|volts?|kelvins?|rpm|light[- ]years?|au|parsecs?)\b)"
)
# A weight's units: those of _UNIT and a few only a weight is given in.
_WEIGHT_UNIT = re.compile(rf"{_UNIT_GAP}({_WEIGHTS}|ounces?|oz|carats?|hundredweight|stone)\b")
# A temperature's: "5,700 °C", "6,000 degrees", "300 K".
_TEMPERATURE_UNIT = re.compile(
    rf"{_UNIT_GAP}(°|(degrees?|kelvins?|celsius|centigrade|fahrenheit|k)\b)"
)
_UNITS = {"weight": _WEIGHT_UNIT, "temperature": _TEMPERATURE_UNIT}


# A figure right after a capitalised word inside a sentence is part of a name, not a count:
# "the ICC Cricket World Cup 2011", "World Cricket League Division 1", "Super Bowl 50"; not
# after a possessive ("Warsaw's 60 museums") or a capitalised stop word. Of the 514 "how
# many" questions in ../shared/train's SQuAD articles, no answer is such a figure (one of
# four annotators marked the "17" of "Apollo 17" for "all missions"; three annotations
# point at the wrong place: a "4" into "Cardinals 49–15").
_LABELLED = re.compile(
    r"(?<![.!?:;]\s)(?<!^)\b(?P<name>[A-Z][\w-]*)\s+(?P<figure>\d+)\b(?![,.]\d)"
)


def _unlabelled(text: str) -> str:
    """The text with the figures that are part of names (``_LABELLED``, ``_GLUED``) taken
    out."""

    def cut(m: re.Match[str]) -> str:
        name = m.group("name")
        return m.group() if name.lower() in STOP_WORDS else name

    return _LABELLED.sub(cut, _GLUED.sub(r"\g<name>", text))


# A figure joined to a name by a hyphen: "COVID-19", "F-16" count nothing ("what is the
# population of China" and "since the outbreak of **COVID-19**").
_GLUED = re.compile(r"\b(?P<name>[A-Z][A-Za-z]*)-\d+\b(?!-)")


def states_figure(kind: str, text: str, question_words: set[str]) -> bool:
    """Whether ``text`` states the figure a question asks for (``figure_asked``), in figures
    or words, other than the question's own: a year; a count, which a year is not ("in
    1066", "(1421)") nor an ordinal ("5th") nor "one of" nor a sum of money ("$5") nor a
    date ("25 February", "(973–1050)") nor a figure in a name ("World Cup 2011":
    ``_LABELLED``); a span, any figure; a measure, a figure with its unit ("400 m"); a
    weight or a temperature, a figure in a unit of weight or of temperature; a time, any
    date, period or moment (``_TIME_A``)."""
    folded = fold(_unlabelled(text) if kind == "count" else text)
    if kind == "age":
        # As a span, but a time of day, a share or a sum of money states no age, nor a year
        # but a birth's ("born in 1942", "(1938–2026)"): "… lost a fifth since 2021". Nor a
        # figure put otherwise than as someone's or something's age ("for six months without
        # pay"): "the 66-year-old", "Wróblewski, 63,", "she was 87", "aged 40".
        folded = _NO_AGE.sub(" ", folded)
        if not _BORN.search(folded):
            if not (_AGE_FOLDED.search(folded) or _AGE_AFTER_NAME.search(text)):
                return False
            folded = _YEAR.sub(" ", folded)
        kind = "span"
    if kind == "time":
        return any(m.group() not in question_words for m in _TIME_A.finditer(folded))
    if kind in ("year", "span"):
        dated = any(
            not (digits := re.search(r"\d+", m.group())) or digits.group() not in question_words
            for m in _YEAR_A.finditer(folded)
        )
        if kind == "year" or dated:
            return dated
        if _ONE_SPAN.search(folded):
            return True  # "a week-long event", "an hour"
    for m in _figures(kind, folded, question_words):
        if kind in ("span", "count") or _UNITS.get(kind, _UNIT).match(folded, m.end()):
            return True
    return False


# The words that say which dimension a measure is of ("18 metres high", "a depth of 40 m"),
# each dimension's own; a length is only ever another dimension than one asked.
_DIMENSION_WORDS = {
    "height": "tall|taller|tallest|high|higher|highest|heights?|elevations?|altitudes?|rises?|"
    "rising|rose|stands?|stood|standing|storeys|stories|floors|above|summit|peak",
    "depth": "deep|deeper|deepest|depths?|below|beneath|under|underground|down",
    "width": "wide|wider|widest|widths?|broad|broader|breadth|across|diameters?|wingspan|span",
    "thickness": "thick|thicker|thickest|thickness",
    "length": "long|longer|longest|lengths?",
}
_DIMENSION_WORD = {
    d: re.compile(rf"\b(?:{w})\b", re.IGNORECASE) for d, w in _DIMENSION_WORDS.items()
}
# A length: a figure and its unit, not of an area or a volume, nor a speed ("40 m/s").
_LENGTH = re.compile(
    r"(?<!square )(?<!cubic )(?<!sq )(?<!sq\. )\b\d[\d,.]*(?:\s?(?:–|-|to)\s?\d[\d,.]*)?"
    r"\s?-?\s?(?:km|m|cm|mm|\w*metres?|\w*meters?|feet|foot|ft|miles?|mi|inches|inch|"
    r"yards?|storeys|stories|floors)\b(?![²³2]|\s?(?:/|per\b))",
    re.IGNORECASE,
)
_A_SHARE = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
# What labels a length as one dimension: a dimension word just after it ("30 metres long", "9
# metres in width") or "a depth of" just before it.
_LABEL_AFTER = re.compile(r"\s*(?:\(.{0,40}?\)\s*)?(?:in )?(\w+)")
_LABEL_BEFORE = re.compile(r"(\w+) (?:of|reaching|to) (?:about |some |up to |over |nearly )?$")


def _dimension_of(word: str) -> str | None:
    return next((d for d, w in _DIMENSION_WORD.items() if w.fullmatch(word)), None)


def states_dimension(dimension: str, text: str, strict: bool = True) -> bool:
    """Whether ``text`` may state a measure of ``dimension`` (``query.dimension_asked``):
    it has one of the dimension's words ("18 metres **high**", "at a **depth** of"), or a
    length not labelled as another dimension ("a 2,614-m peak", "its full 187 feet"). Not
    where its every length is another's ("how wide was the hall" and "a hall about 30
    metres long"), nor, ``strict``, where it gives no length at all ("how deep can the vole
    dive" and "dives last 20 to 40 seconds") and no share ("how deep was the recession" and
    "output fell 3 percent")."""
    if _DIMENSION_WORD[dimension].search(text):
        return True
    lengths = list(_LENGTH.finditer(text))
    if not lengths:
        # "how deep was the recession" and "output fell 3 percent": a share may measure it
        return not strict or _A_SHARE.search(text) is not None
    for m in lengths:
        after = _LABEL_AFTER.match(text, m.end())
        before = _LABEL_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        labels = {_dimension_of(g.group(1).lower()) for g in (after, before) if g is not None}
        if not labels - {None}:
            return True
    return False


def _figures(kind: str, folded: str, question_words: set[str]) -> Iterator[re.Match[str]]:
    """The figures of a folded text that may state the figure a question asks for
    (``states_figure``), but for their units: none of the question's own, nor an ordinal;
    for a count, none vague, none in "one of", a date, a sum of money (unless money is
    asked) or a year."""
    dates = [d.span() for d in _DATED.finditer(folded)] if kind == "count" else []
    for m in _FIGURE.finditer(folded):
        figure = m.group()
        if figure in question_words or re.match(r"\d+(st|nd|rd|th)\b", folded[m.start() :]):
            continue
        if kind == "span":
            if not _a_sum(folded, m, question_words):
                yield m
            continue
        if kind == "count" and (
            figure in _VAGUE
            or _ONE_OF.match(folded, m.start())
            or any(start <= m.start() < end for start, end in dates)
            or _a_sum(folded, m, question_words)
        ):
            continue
        if kind == "count" and _measured(folded, m, question_words):
            continue
        if re.fullmatch(r"1\d{3}|20\d{2}", figure) and (
            _BEFORE_YEAR.search(folded[: m.start()]) or _DECADE.match(folded, m.start())
        ):
            continue
        yield m


# What a figure measures rather than counts: a span of time, a length, an area, a weight
# ("44 days", "3,200 hectares", "2 kilometers away", "8 tonnes"), after a magnitude word or
# not ("2 million years"); or a time of day ("7 a.m."). "How many workers took part in the
# strike" is not answered by "the strike lasted 44 days". A share may answer ("how many
# Kenyans are non-religious": "2.4%", six of ../shared/train's 537 count questions), and
# the storeys and floors of _UNIT are counted things.
_MEASURED = re.compile(
    rf"(?:\s?(?:hundred|thousand|million|billion|trillion))?{_UNIT_GAP}(?:(?:square |cubic )?"
    r"(?:km|cm|mm|kilomet\w*|\w*metres?|\w*meters?|feet|foot|ft|miles?|inches|hectares?|"
    rf"acres?|km2|km²|m2|m²|{_WEIGHTS})|{_TIMES})\b"
)
_CLOCK_AT = re.compile(_CLOCK)


# One span of time said in words: "a week", "an hour-long wait".
_ONE_SPAN = re.compile(r"\b(?:an?|one) (?:hour|day|week|fortnight|month|year|decade|century)\b")


def holds_a_figure(text: str) -> bool:
    """Whether a text holds a figure, in digits or in words ("ten times", "a few")."""
    return _FIGURE.search(fold(text)) is not None


def _in_currency(folded: str, m: re.Match[str]) -> bool:
    """Whether the figure ``m`` of a folded text has a currency before it ("$148.6 billion")
    or after it ("25 million dollars")."""
    return bool(
        _CURRENCY_BEFORE.search(folded[: m.start()]) or _CURRENCY_AFTER.match(folded, m.end())
    )


def _a_sum(folded: str, m: re.Match[str], question_words: set[str]) -> bool:
    """Whether the figure ``m`` of a folded text is a sum of money (``_in_currency``) and the
    question asks no money."""
    return not question_words & _CURRENCY_WORDS and _in_currency(folded, m)


def states_sum(text: str) -> bool:
    """Whether ``text`` gives a sum of money: a figure with a currency before it ("$148.6
    billion", "NZ$28.4 billion") or after it ("84,500 dollars", "200,000 Danish krone"), or
    says it is free."""
    folded = fold(text)
    return _FREE.search(folded) is not None or any(
        _in_currency(folded, m)
        or (_THOUSANDS.fullmatch(m.group()) and _WON.match(folded, m.end()))
        for m in _FIGURE.finditer(folded)
    )


_FREE = re.compile(r"\b(?:free|free of charge|no charge)\b")
# Won, the Korean currency, after a figure of thousands ("340,000 won"; not "four won").
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{4,}")
_WON = re.compile(r"\s*won\b")


def _measured(folded: str, m: re.Match[str], question_words: set[str]) -> bool:
    """Whether the figure ``m`` of a folded text measures something (``_MEASURED``) other
    than what the question names ("how many years", "how many tons": "8 tonnes")."""
    if _CLOCK_AT.match(folded, m.start()):
        return True
    unit = _MEASURED.match(folded, m.end())
    if unit is None:
        return False
    said = _unit_word(unit.group().split()[-1].lstrip("-–"))
    if said in {_unit_word(w) for w in question_words}:
        return False
    # Another unit of the same measure, where the question counts in it: "how many paid
    # holiday days" (plural), not "how many batteries on an average day".
    counted = {_unit_word(w) for w in question_words if w.endswith("s")}
    return not counted & _SAME_MEASURE.get(said, frozenset())


def _unit_word(word: str) -> str:
    """A unit's name in one spelling: "tonnes" and "tons" as "ton", "metres" as "meter"."""
    return re.sub(r"tre$", "ter", re.sub(r"tonne$", "ton", word.removesuffix("s")))


# The units that measure the same thing, as ``_unit_word`` spells them: "how many paid
# holiday days" is answered by "4 weeks".
_MEASURES = (
    "second minute hour day week month year decade century centurie",
    "km kilometer mile meter feet foot ft cm mm inche",
    "hectare acre km2 km² m2 m²",
    "kg kilogram gram ton pound lb",
)
_SAME_MEASURE = {unit: frozenset(units.split()) for units in _MEASURES for unit in units.split()}


def measures(word: str) -> bool:
    """Whether a word is a unit of a measure ``_MEASURES`` knows ("days", "miles"): a count
    of it may be given in another of its units ("4 weeks" for "how many days")."""
    return _unit_word(fold(word)) in _SAME_MEASURE


# Figures that state no one's age: a time of day ("9 p.m.", "7.45"), a share, a sum.
_NO_AGE = re.compile(
    rf"{_CLOCK}|\b\d{{1,2}}[:.]\d{{2}}\b|"
    r"\d[\d,.]*\s?(?:%|percent|per cent)|[$€£¥]\s?\d[\d,.]*|"
    r"\d[\d,.]*\s?(?:million|billion)?\s?(?:dollars|euros|pounds|yen|kroner|francs)\b"
)


# An age as such: "the 29-year-old", "400 years old", "aged 40", "at the age of 12", "she
# was 87", "the youngest is 19", "when he was 14", "at 25,", "(34)".
_AGE_FOLDED = re.compile(
    r"\b\d{1,3}[- ]years?[- ]old\b|\b\d{1,3} years? of age\b|\b(?:aged|age of|ages of) \d{1,3}\b"
    r"|\b(?:is|was|are|were|turned|turns|at) \d{1,3}(?=[.,;:)]|$| (?:and|when|after|before)\b)"
    r"|\(\d{1,3}\)"
)
# An age put after a name: "Corporal Matías Olivera, 26, and …", "Wróblewski, 63, has …".
_AGE_AFTER_NAME = re.compile(r"\b[A-Z][\w'’.-]*, \d{1,3}(?=,| and\b|\.|\))")
_BORN = re.compile(r"\bborn\b|\(\s*(?:b\.\s*)?\d{4}\s*[–-]")


def counted_thing(question: str) -> tuple[str, ...]:
    """The words naming what a "how many" question counts: the run of content words after
    it, up to a stop word or a verb in "-ed" ("how many council seats did …": council,
    seats; "how many soldiers served in …": soldiers; "how many of the report's
    recommendations …": report, recommendations); none where it counts a unit ("how many
    kilometres long", a measure), times, or nothing named ("how many were there")."""
    m = _HOW_MANY.search(fold(question))
    if m is None:
        return ()
    named: list[str] = []
    for word in words(m.string[m.end() :]):
        if word == "s":  # "the report's recommendations"
            continue
        if word in STOP_WORDS or not word.isalpha():
            if named:
                break
            continue
        if named and word.endswith("ed"):
            break
        named.append(word)
    if not named or named[0] == "times" or _UNIT.fullmatch(" " + named[0]):
        return ()
    return tuple(named)


def counts_of(text: str, thing: Sequence[str], question_words: set[str]) -> list[str] | None:
    """How ``text``'s figures read beside what a question counts (``counted_thing``): None
    where one of them counts it by its words (one of the thing's words, by stem, among the
    four content words before a figure or the three after: "214 illegal structures", "her
    team of nine", "the number of marchers at 6,500"), or stands with no thing of its own
    before a verb ("5,000 to 30,000 were killed"); otherwise each figure with the words after
    it ("20,000 hectares around montiferru"), for the engine to weigh in meaning. Only
    figures that may state a count are read (``_figures``: no year, date, sum of money
    unless money is asked, nor "one of"), so a text with none gives an empty list."""
    stems = {stem(w) for w in thing}
    folded = fold(_unlabelled(text))
    phrases = []
    for m in _figures("count", folded, question_words):
        following = words(folded[m.end() : m.end() + 80])[:6]
        if following[:1] and following[0] in _COUNT_VERBS:
            return None
        after = [w for w in following if w not in STOP_WORDS][:3]
        before = [
            w for w in words(folded[max(0, m.start() - 80) : m.start()]) if w not in STOP_WORDS
        ]
        if stems & {stem(w) for w in before[-4:] + after}:
            return None
        phrases.append(" ".join([m.group(), *after]))
    return phrases


_HOW_MANY = re.compile(r"\bhow many\b")
# The words that end what a "how many" question counts, and that after a figure say it
# stands for a thing named before ("5,000 to 30,000 were killed").
_COUNT_VERBS = frozenset(
    "did do does were was are is will would have has had can could should might must".split()
)


# Times in a text, each a span of years: a year ("in 1191", "AD 9", "55 BC"), a decade
# ("the 1050s"), a range ("1914–18", "between 1402 and 1405", "from 1795 to 1815"), a
# century ("the 12th century", "the 1st century BC"). A figure with a thousands comma is not
# a year ("1,230 km").
_YEAR = re.compile(r"(?<![\d,.])(1\d{3}|20\d{2})(?!\w|[,.]\d|\s*b\.?c)")
_ERA_YEAR = re.compile(r"\b(\d{1,4})\s*(bce?|b\.c\.|ad|ce)\b|\b(?:ad|a\.d\.)\s*(\d{1,4})\b")
_EARLY_YEAR = re.compile(r"\b(?:in|by|since|until|till|after|before|around|circa|c\.)\s+(\d{3})\b")
_DECADE = re.compile(r"(?<![\d,.])(1\d{2}|20\d)0s\b")
_YEAR_RANGE = re.compile(
    r"(?<![\d,.])(1\d{3}|20\d{2})\s*(?:–|—|-|/|to|and|until|till)\s*(\d{2,4})(?![\d,.]\d)"
)
_CENTURY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)[- ]centur(?:y|ies)\b(\s*(?:bce?|b\.c\.))?")


def _a_year_in_a_question(folded: str, m: re.Match[str]) -> bool:
    """Whether four figures in a question are a year: after a word that places a time ("in
    1191", "after 1935", "(1066") or at the question's end, and never before a unit ("1500
    km", which the article may write "1,500 km")."""
    if _UNIT.match(folded, m.end()):
        return False
    if _BEFORE_YEAR.search(folded[: m.start()]):
        return True
    return re.match(r"\s*[?.!,]?\s*$", folded[m.end() :]) is not None


def times_in(text: str, *, question: bool = False) -> list[tuple[int, int, str]]:
    """The times ``text`` names, each as its first and last year (before Christ below
    zero) and its words. In a question, only a bare year of four figures that reads as a
    year (``_a_year_in_a_question``: "in 300" or "1500 km" there may be a figure)."""
    folded = fold(text)
    found = [
        (int(m.group(1)), int(m.group(1)), m.group())
        for m in _YEAR.finditer(folded)
        if not question or _a_year_in_a_question(folded, m)
    ]
    for m in _ERA_YEAR.finditer(folded):
        year = int(m.group(1) or m.group(3))
        if m.group(2) is not None and m.group(2).startswith("b"):
            year = -year
        elif question and m.group(3) is None:
            continue  # "10 ad slots": in a question, AD only before its year ("AD 9")
        found.append((year, year, m.group()))
    if not question:
        found += [
            (int(m.group(1)), int(m.group(1)), m.group()) for m in _EARLY_YEAR.finditer(folded)
        ]
    for m in _DECADE.finditer(folded):
        first = int(m.group(1)) * 10
        found.append((first, first + 9, m.group()))
    for m in _YEAR_RANGE.finditer(folded):
        first, end = int(m.group(1)), m.group(2)
        last = int(end) if len(end) == 4 else int(str(first)[: 4 - len(end)] + end)
        if last >= first:
            found.append((first, last, m.group()))
    for m in _CENTURY.finditer(folded):
        century = int(m.group(1))
        span = ((century - 1) * 100, century * 100)
        first, last = (-span[1], -span[0]) if m.group(2) else span
        found.append((first, last, m.group()))
    return found


def reaches(first: int, last: int, times: list[tuple[int, int, str]]) -> bool:
    """Whether one of ``times`` (``times_in``) overlaps the years ``first`` to ``last``:
    "1172" and "the 12th century", "the 10th century" and "in 911"."""
    return any(a <= last and first <= b for a, b, _ in times)


_ENUMERATION_RE = re.compile(
    r"\b(including|such as|among them|namely|as well as)\b|[^,;:]+,[^,;:]+,[^,;:]*\b(and|or)\b|:\s"
)


def list_bonus(sentence: str) -> float:
    """Whether a sentence enumerates things (what a question asking for several wants)."""
    return 1.0 if _ENUMERATION_RE.search(sentence) else 0.0


_DIGIT_WORDS = {"2": "t", "4": "f", "3": "t", "1": "o"}


# Small words an abbreviation may skip ("Department of Defense": DoD) or take a letter from
# ("consumer-to-manufacturer": C2M).
_SKIPPABLE = frozenset("of and the for to in on at by de du la von van a an".split())
# Words between an abbreviation and the words it stands for, when they follow it: "NP
# stands for …", "C2M is short for …", "the FIS or Front Islamique de Salut", "…, i.e. …".
_SPELT_AFTER = frozenset(
    "stands stand stood for is was short means meaning meant or also known as called i e".split()
)


def spells_out(acronym: str, sentence: str) -> float:
    """Whether a sentence spells out an abbreviation: words whose initials make it, right
    before it ("consumer-to-manufacturer (C2M)") or right after it, or after "stands for",
    "is short for" and the like ("NP stands for nondeterministic polynomial"); small words
    (``_SKIPPABLE``) skipped or not, at most one other word between two letters
    ("bounded-error probabilistic polynomial": BPP). Not from the abbreviation itself nor
    from single letters: "NP-hard problems", "neither in P" and "if P is not equal to NP"
    spell out no "NP"."""
    folded = fold(sentence)
    bare = acronym.replace(".", "")
    if bare not in folded.replace(".", ""):
        return 0.0
    target = [_DIGIT_WORDS.get(c, c) for c in bare if c.isalnum()]
    if len(target) < 2:
        return 0.0
    tokens = re.findall(r"[a-z0-9]+", folded)
    pattern = "[A-Z]*[a-z0-9]?[A-Z]*".join(f"[{c}{c.upper()}]" for c in target)

    def marks(run: Sequence[str]) -> str:
        return "".join(
            w[0].upper() if w in _SKIPPABLE else w[0]
            for w in run
            if w != bare and (len(w) > 1 or w in _SKIPPABLE)
        )

    reach = 3 * len(target)
    for at, word in enumerate(tokens):
        if word != bare:
            continue
        # ("… polynomial time (BPP)": one word more may close the run)
        if re.search(f"(?:{pattern})[A-Z]*[a-z0-9]?$", marks(tokens[max(0, at - reach) : at])):
            return 1.0
        after = at + 1
        while after < len(tokens) and tokens[after] in _SPELT_AFTER:
            after += 1
        if re.match(pattern, marks(tokens[after : after + reach])):
            return 1.0
    return 0.0


# What follows a word a sentence glosses: a parenthesis ("the Obersee (\"upper lake\")"), or
# "meaning", "means" or "i.e." before the clause ends ("Warszawa, …, meaning \"belonging to
# Warsz\"").
_GLOSS_AFTER = r"[\"”’']?(?:\s*\(|[^.;:]{0,100}?\b(?:meaning|means|meant|i\.e\.))"


def glosses(word: str, sentence: str) -> float:
    """Whether a sentence says what a word means: the word, then a parenthesis or
    "meaning" (the question "what does Obersee mean", the sentence "… the Obersee (\"upper
    lake\")")."""
    pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-]){_GLOSS_AFTER}"
    return 1.0 if re.search(pattern, fold(sentence)) else 0.0


# A sentence defining a thing: the thing opens it (after "a", "an", "the", or a short opening
# phrase such as "In complexity theory,"), perhaps with a parenthesis ("The Rhine (Romansh:
# Rein, …)") or an aside, and a verb of being puts it in a class ("is a", "are one of", "is
# the") or says what it means ("refers to", "means"); or, anywhere, "the thing, which is …",
# "the thing, a …" ("a statocyst, a balance sensor …"), "the thing (the …)" ("structural
# geology (the study of …)") or "the thing, meaning …".
_DEFINITION_OPENS = (
    r"^(?:(?:in|for|at|on|within|under|throughout|according to)\b[^,]{0,60},\s*)?"
    r"(?:(?:a|an|the)\s+)?[\"“'‘]?"
)
_DEFINITION_THEN = r"[\"”'’]?(?:\s*\([^)]*\))?"
# An aside between commas before the verb: "The Duchy of Normandy, which they formed by treaty
# with the French crown, was a great fief …".
_DEFINITION_ASIDE = r"(?:,\s[^,;()]{1,80},)?"
_BEING = r"(?:is|are|was|were)\s+(?:(?:also|now|still|usually|often|generally|typically)\s+)?"
_CLASSED = rf"{_BEING}(?P<what>(?P<one>an?|one of)\s|(?:the|any|each|some)\s)"
_MEANING = r"(?:refers? to|means|denotes|stands for|is defined as|are defined as)\s+"
# Where the words marked as what the thing is stop: an aside begins; and where they are more
# than CLAUSE_KEPT, at the clause that begins after them ("a European river that begins in
# the Swiss canton of …", "a 12th/13th-century nobleman who owned a village located at …"),
# though a short one is kept as part of what it is ("a plastid that lacks chlorophyll").
_CLASS_ENDS = re.compile(
    r"[,;:()–—]|\.\s*$|\s(?:because|although|though|since|if|unless|so that)(?![\w-])"
)
_CLAUSE_OPENS = re.compile(r"\s(?:that|which|who|whose|where|whereby|while|when)\s")
DEFINITION_WORDS = 15  # at most this many words marked as what a thing is
CLAUSE_KEPT = 8  # a clause is cut off words saying what a thing is longer than this


@lru_cache(maxsize=256)
def _definitions(body: str) -> list[tuple[re.Pattern[str], int]]:
    """The patterns of a sentence defining the thing ``body`` matches, each with its strength
    (0: 2 where the class is "a", "an" or "one of", else 1); the thing is the group
    ``name``, and what it is starts at the group ``what`` where it matches, else where the
    pattern ends."""
    named = rf"(?P<name>{body})"
    alone = rf"(?<![\w-]){named}"
    flags = re.IGNORECASE
    return [
        (
            re.compile(
                rf"{_DEFINITION_OPENS}{named}{_DEFINITION_THEN}{_DEFINITION_ASIDE}"
                rf"(?:,\s+(?:which|who)\s+|\s+)(?:{_CLASSED}|{_MEANING})",
                flags,
            ),
            0,
        ),
        (re.compile(rf"{alone}{_DEFINITION_THEN},\s+(?:which|who)\s+{_CLASSED}", flags), 0),
        (re.compile(rf"{alone}[\"”'’]?,\s+(?P<what>an?\s)", flags), 2),
        (re.compile(rf"{alone}\s*\((?P<what>(?:an?|the)\s)", flags), 2),
        (re.compile(rf"{alone}[\"”'’]?,\s+meaning\s+(?:that\s+)?", flags), 1),
    ]


def defines(
    thing: str, sentence: str, someone: bool = False
) -> tuple[int, tuple[int, int] | None] | None:
    """Whether a sentence defines a thing (folded, as ``query.defined_asked`` gives it): 2
    where it puts it in a class with "a", "an" or "one of" ("A reduction is a transformation
    of one problem into another problem"), 1 otherwise ("The Rhine is the longest river in
    Germany", "… the complexity class P, which is the set of …"), with the span of the words
    saying what it is (up to an aside or, past ``CLAUSE_KEPT`` words, the clause after
    them; at most ``DEFINITION_WORDS``, else None); None where it does not define it.
    Someone (``someone``) is also defined by the words before the name ("the famed Viking
    ruler Rollo", ``_named_after``); a thing is not: "the modern-day IEEE", "the
    energy-storage molecules ATP"."""
    folded = fold(sentence)
    text = folded if len(folded) == len(sentence) else sentence
    # each word as written, or with an apostrophe after it ("Seven Years' War")
    parts = [re.escape(w) + r"['’]?" for w in re.split(r"[\s-]+", thing) if w]
    if not parts:
        return None
    body = r"[\s\-–]+".join(parts) + r"(?:s|es)?(?![\w-])"
    found, strength = next(
        (
            (m, kind)
            for pattern, kind in _definitions(body)
            for m in pattern.finditer(text)
            # someone is named in capitals: "Rollo was", not "the rollo was"
            if not someone or sentence[m.start("name")].isupper()
        ),
        (None, 0),
    )
    if found is None:
        return _named_after(body, sentence) if someone else None
    if strength == 0:
        strength = 2 if found.groupdict().get("one") else 1
    start = found.start("what") if found.groupdict().get("what") is not None else found.end()
    rest = sentence[start:]
    stop = _CLASS_ENDS.search(rest)
    rest = rest[: stop.start()] if stop is not None else rest.rstrip()
    if len(rest.split()) > CLAUSE_KEPT and (clause := _CLAUSE_OPENS.search(rest)):
        rest = rest[: clause.start()]
    end = start + len(rest)
    while start < end and (sentence[start].isspace() or sentence[start] in _QUOTES):
        start += 1  # "Shunto, which means “spring offensive,” began …": spring offensive
    while end > start and (sentence[end - 1].isspace() or sentence[end - 1] in _QUOTES):
        end -= 1
    if start == end or len(sentence[start:end].split()) > DEFINITION_WORDS:
        return strength, None
    return strength, (start, end)


# Who someone is, said in the words before the name: "the famed Viking ruler Rollo", "the US
# researcher Stephen Cook", "their leader Rollo" (a determiner, at most three words, the last
# in lower case, then the name in capitals).
_NAMED_AFTER = (
    r"(?P<what>\b(?:[Tt]he|[Aa]n?|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?P<noun>[a-z][\w-]*))\s+"
)
# Words before a name that do not say what it is: a verb ("The treaty offered Rollo"), a time
# ("the year Rollo died").
_NOT_WHAT = re.compile(r"\w+(?:ed|ing)|year|years|day|days|time|month|week|night|moment")


def _named_after(body: str, sentence: str) -> tuple[int, tuple[int, int] | None] | None:
    """Where a sentence says what a name is in the words before it (``_NAMED_AFTER``), 1 and
    those words' span; else None."""
    for found in re.finditer(rf"{_NAMED_AFTER}(?P<name>(?i:{body}))", sentence):
        noun = found.group("noun")
        if (
            found.group("name")[:1].isupper()
            and noun not in STOP_WORDS
            and not _NOT_WHAT.fullmatch(noun)
        ):
            return 1, found.span("what")
    return None


_QUOTES = frozenset("\"'“”‘’«»")


_NOTE_OPENS = r"[(\[]?\s*(?:the )?(?:author|writer)s?"
_AUTHOR_NOTE = re.compile(rf"^{_NOTE_OPENS}\b", re.IGNORECASE)
# The role the note gives: "(The author is CEO of JD Retail. …".
_NOTE_ROLE = re.compile(
    rf"{_NOTE_OPENS} (?:is|was|are|were) (?:an? |the )?([^.;()]+)", re.IGNORECASE
)


def about_the_author(sentence: str) -> float:
    """Whether a sentence is an author's note ("(The author is CEO of …")."""
    return 1.0 if _AUTHOR_NOTE.match(sentence) else 0.0


def role_in_note(note: str) -> tuple[int, int] | None:
    """Where an author's note says the author's role: "CEO of JD Retail" in "(The author
    is CEO of JD Retail. …"; None when it does not say it that way."""
    found = _NOTE_ROLE.match(note)
    return found.span(1) if found else None


def ordered_pairs(question_terms: Sequence[str], s_terms: Sequence[str]) -> int:
    """How many adjacent question term pairs appear adjacent, in order, in the sentence."""
    pairs = set(pairwise(s_terms))
    return sum(pair in pairs for pair in pairwise(question_terms))


def rerank(
    view: Retriever,
    query: Query,
    candidates: list[Candidate],
    titles: dict[int, float],
    dense: DenseQuery | None = None,
) -> list[Candidate]:
    """Score each candidate on the rerank cues (and its meaning's nearness to the
    question's, with the dense stage); best first."""
    if dense is not None and not _all_embedded(view, dense, candidates):
        # A candidate's article is not embedded yet: the question is ranked lexically, as
        # it was before any vectors, not on a scale that article's sentences cannot reach.
        dense = None
    if dense is not None:
        hashes = [content_hash(c.sentence.unit) for c in candidates]
        cosines = dense.store.cosines(dense.vector, hashes)
        for cand, h in zip(candidates, hashes, strict=True):
            cand.cosine = cosines.get(h)
    known = query.known
    term_weight = {qt.word: weight(view, qt) for qt in known}
    known_mass = max(sum(term_weight.values()), 1e-9)
    unknown_mass = sum(UNKNOWN_WEIGHT * view.max_idf for qt in query.terms if not qt.known)
    total_mass = known_mass + unknown_mass
    unknown_weight = UNKNOWN_WEIGHT * view.max_idf if unknown_mass else 0.0
    kind = query.kind
    qwords = set(query.corrected.split())
    qstems = [qt.expansions[0][0] for qt in known]
    weights = WEIGHTS if dense is not None else LEXICAL_WEIGHTS
    wants_list = query.wants_list
    acronyms = query.acronyms
    author_role = query.author_role
    surnamed = _surnamed(view, query)
    for cand in candidates:
        s = cand.sentence
        unit = s.unit
        s_terms = sentence_terms(s.text)
        s_set = set(s_terms)
        nearby: set[str] | None = None
        head: frozenset[str] = frozenset()  # the title's terms, read with the neighbours'
        leaning: set[str] = set()
        covered = 0.0
        direct = 0.0
        missing = 0.0
        absent = 0.0
        matched = 0
        for qt in known:
            w = 0.0
            for t, tw in qt.expansions:
                if tw > w and t in s_set:
                    w = tw
            if w:
                covered += term_weight[qt.word] * w
                direct += term_weight[qt.word] * w
                matched += 1
                continue
            if (surname := surnamed.get(qt.word)) is not None and _named_in(surname, s.text):
                # "Christina Boutrup" asked, and "Last year Boutrup published …": the
                # surname names her once the article has named her in full.
                covered += LEANING_COVER * term_weight[qt.word]
                continue
            if nearby is None:
                head = view.entries[s.aid].head
                nearby = _nearby_terms(head, s)
                leaning = set(sentence_terms(s.prev)) if s.prev and leans_back(s.text) else set()
            if any(t in leaning for t, _ in qt.expansions):
                covered += LEANING_COVER * term_weight[qt.word]
                continue
            if any(t in nearby for t, _ in qt.expansions):
                covered += NEARBY_COVER * term_weight[qt.word]
            else:
                absent = max(absent, term_weight[qt.word])
            if not any(t in head for t, _ in qt.expansions):
                missing = max(missing, term_weight[qt.word])
        cand.bm25 = _bm25(view, known, s_terms)
        cand.coverage = covered / total_mass
        cand.direct = direct / total_mass
        cand.missing = missing / total_mass
        # A word the articles never use is in no sentence.
        cand.absent = max(absent, unknown_weight) / total_mass
        cand.matched = matched
        cand.parts = {
            "bm25": cand.bm25 / known_mass,
            "neighbour": cand.neighbour / known_mass,
            "coverage": cand.coverage,
            "order": ordered_pairs(qstems, s_terms) / max(1, len(qstems) - 1),
            "type": type_bonus(kind, s.text, qwords),
            "title": min(1.0, titles.get(s.aid, 0.0) / total_mass),
        }
        if wants_list:
            cand.parts["list"] = list_bonus(s.text)
        if acronyms:
            cand.parts["acronym"] = max(
                max(spells_out(a, unit), glosses(a, unit)) for a in acronyms
            )
        if author_role:
            cand.parts["role"] = about_the_author(s.text)
        if dense is not None:
            cand.parts["dense"] = cand.cosine or 0.0
        cand.score = sum(weights[name] * value for name, value in cand.parts.items())
    return sorted(candidates, key=lambda c: -c.score)


def _all_embedded(view: Retriever, dense: DenseQuery, candidates: list[Candidate]) -> bool:
    """Whether every candidate's article has all its vectors."""
    infos = (view.entries[aid].info for aid in {c.sentence.aid for c in candidates})
    return all(dense.store.covers(info.id, vectors_key(info)) for info in infos)


def _bm25(view: Retriever, known: Sequence[QueryTerm], s_terms: Sequence[str]) -> float:
    norm = K1 * (1 - B + B * len(s_terms) / view.average_length)
    score = 0.0
    for qt in known:
        for term, w in qt.expansions:
            tf = s_terms.count(term)
            if tf:
                score += view.idf(term) * w * tf * (K1 + 1) / (tf + norm)
    return score


def _surnamed(view: Retriever, query: Query) -> dict[str, str]:
    """The question's capitalised words that open a name the articles write with the next
    capitalised word ("Christina" of "Christina Boutrup"), folded, each with that next
    word: where a sentence names the person by the last alone, as news and encyclopedia
    articles do after the first mention, the first is no word the sentence lacks
    (``rerank``). Not the question's first word, capitalised anyway, nor the first word of
    a place's name (``_PLACE_HEADS``)."""
    known = {qt.word for qt in query.known}
    typed = [m for m in TOKEN.finditer(query.text) if m.group()[0].isupper()]
    found = {}
    for first, second in pairwise(typed):
        pair = fold(first.group()), fold(second.group())
        if (
            first.start() > 0
            and pair[0] not in _PLACE_HEADS
            and query.text[first.end() : second.start()] == " "
            and set(pair) <= known
            and view.written_together(*pair)
        ):
            found[pair[0]] = pair[1]
    return found


# The first words of names of places and bodies, which the rest of the name does not stand
# for alone: "Lake Constance" is not the "Constance hopper", "Upper Rhine" not the Rhine.
_PLACE_HEADS = frozenset(
    """lake river mount mountain mountains cape port fort bay sea ocean gulf island islands
    isle saint st north south east west northern southern eastern western upper lower new
    old great little university college museum hall church cathedral castle palace street
    road bridge station national royal""".split()
)
# A capitalised word right before where a text is cut: "… the painter Marit ".
_CAPITALISED_BEFORE = re.compile(r"(?<![^\W_])[^\W\d_][^\W_]*\s$")


def _named_in(word: str, text: str) -> bool:
    """Whether ``text`` writes ``word`` (folded) capitalised and alone, as a surname: "Last
    year Boutrup published"; not after another capitalised word, which would make it
    someone else's ("His wife, the painter Marit Dahl" is not Erik Dahl)."""
    for m in TOKEN.finditer(text):
        if not m.group()[0].isupper() or fold(m.group()) != word:
            continue
        before = _CAPITALISED_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        if before is None or not before.group()[0].isupper():
            return True
    return False


def _nearby_terms(head: frozenset[str], s: Sentence) -> set[str]:
    """The terms next to a sentence: its neighbours' in the paragraph, its title's."""
    nearby = set(head)
    for other in (s.prev, s.next):
        if other is not None:
            nearby.update(sentence_terms(other))
    return nearby


def content_words(corrected: str) -> str:
    """The question's words without its stop words, for trimming long sentences."""
    return " ".join(w for w in corrected.split() if w not in STOP_WORDS)
