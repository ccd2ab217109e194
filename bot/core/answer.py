"""A question → an Answer: the answering sentences, citations, confidence or a refusal.

The engine finds candidate sentences through the index (BM25 over terms, typo-tolerant),
adds the weight of the neighbouring sentences and of matching titles, and reranks the best
few with finer cues: how much of the question the sentence covers, phrases kept in order,
rapidfuzz similarity and whether the sentence holds the kind of thing asked for (a date for
"when", a number for "how many", a name for "who"). Questions about an article's author, date
or source are answered from its metadata. When the best sentence covers too little of the
question, the answer is a refusal with suggestions, never a guess.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.core.corpus import Article
from bot.core.index import Index, Query, QueryTerm
from bot.core.summary import summarize, teaser
from bot.core.text import STOP_WORDS, fold, stem, words
from bot.errors import UnknownArticle

MAX_ANSWER_CHARS = 400
CANDIDATES = 40
# A runner-up scoring at least this share of the best is shown beside it (a near tie).
CLOSE_SECOND = 0.9
# What a question word the corpus does not know weighs, as a share of the highest idf.
UNKNOWN_WEIGHT = 0.6
# How much each rerank cue counts (see Engine._fact_answer).
# Fitted by a coarse grid search on public SQuAD questions, clean and with typos; round
# values on purpose, so they describe the cues rather than the questions.
WEIGHTS = {
    "bm25": 1.5,
    "neighbour": 0.25,
    "coverage": 0.5,
    "order": 0.3,
    "type": 0.5,
    "title": 0.1,
}


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from; ``quote`` is copied exactly from the article."""

    article: str
    title: str
    author: str | None
    date: dt.date | None
    url: str | None
    paragraph: int
    quote: str

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "title": self.title,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "paragraph": self.paragraph,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question; rendering is someone else's job."""

    question: str
    answered: bool
    text: str
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    confidence: float = 0.0
    kind: str = "fact"  # fact | author | date | source | summary | none

    @property
    def article(self) -> str | None:
        """The id of the article this answer is about, for follow-up questions."""
        return self.citations[0].article if self.citations else None

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class ArticleHit:
    """An article found by a search, with its score and teaser."""

    article: Article
    score: float
    teaser: str


@dataclass(frozen=True)
class EngineSettings:
    """The answer engine's knobs (see config/bot.yaml)."""

    min_confidence: float = 0.2
    summary_sentences: int = 3
    max_citations: int = 3


# -- question cues ------------------------------------------------------------------------

_NUMBER_Q = re.compile(
    r"\b(how (many|much|long|far|big|large|old|tall|high|deep|wide|fast)|what (number|"
    r"percentage|percent|amount|proportion|share|size|length|population)|by how much)\b"
)
_DATE_Q = re.compile(
    r"\b(when|what (year|century|decade|date|time|period|month|day)|which (year|century|"
    r"decade|date|month)|how long ago|since when)\b"
)
_PERSON_Q = re.compile(r"\b(who|whom|whose|which (person|people|man|woman|individuals?))\b")
_PLACE_Q = re.compile(
    r"\b(where|what (country|city|region|place|town|area|location|river)|"
    r"which (country|city|region|place|town|area|river))\b"
)
_AUTHOR_Q = re.compile(
    r"\b(who (wrote|writes|authored|penned|published)|(who is|who's|who was) the (author|writer)"
    r"|author of|writer of|written by|wrote (it|this|that)|by whom|byline|the author)\b"
)
_DATE_META_Q = re.compile(
    r"\b(when (was|were|is|did) .*\b(published|written|posted|released|come out|appear|dated)"
    r"|publication date|publish(ed|ing)? date|date of (the |this |that )?(article|post|piece)"
    r"|how old is (it|this|that|the article))\b"
)
_SOURCE_Q = re.compile(r"\b(source|link|url|original (article|text)|where can i read)\b")
_SUMMARY_Q = re.compile(r"\b(summar(y|ise|ize|izing|ising)|tl;?dr|gist|overview|recap)\b")
_ARTICLE_WORDS = frozenset(
    "article articles piece post story essay report text paper it this that".split()
)
_META_WORDS = frozenset(
    """wrote write writes written author authored writer penned published publish publication
    date dated posted released source link url summary summarize summarise summarized gist
    overview recap tldr article piece post story essay report text original read come
    appear""".split()
)
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
_NAME_A = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z\u00C0-\u024F]+(?:\s+[A-Z][a-z]+)*")


@lru_cache(maxsize=50_000)
def _sentence_words(sentence: str) -> tuple[str, ...]:
    return tuple(words(sentence))


def question_type(question: str) -> str | None:
    """The kind of thing a question asks for: number, date, person, place or None."""
    q = fold(question)
    for kind, pattern in (
        ("number", _NUMBER_Q),
        ("date", _DATE_Q),
        ("person", _PERSON_Q),
        ("place", _PLACE_Q),
    ):
        if pattern.search(q):
            return kind
    return None


def _type_bonus(kind: str | None, sentence: str, question_words: set[str]) -> float:
    """How well a sentence holds the kind of answer asked for, from 0 to 1."""
    if kind is None:
        return 0.0
    new_words = " ".join(w for w in _sentence_words(sentence) if w not in question_words)
    if kind == "date":
        return 1.0 if _DATE_A.search(new_words) else 0.0
    if kind == "number":
        return 1.0 if _NUMBER_A.search(new_words) else 0.0
    names = [n for n in _NAME_A.findall(sentence) if fold(n.split()[0]) not in question_words]
    if kind == "person":
        return 1.0 if names else 0.0
    return 0.7 if names else 0.0


def _ordered_pairs(question_terms: Sequence[str], sentence_terms: Sequence[str]) -> int:
    """How many adjacent question term pairs appear adjacent, in order, in the sentence."""
    pairs = set(pairwise(sentence_terms))
    return sum(pair in pairs for pair in pairwise(question_terms))


@dataclass
class _Scored:
    sid: int
    score: float
    coverage: float
    matched: int
    parts: dict[str, float] = field(default_factory=dict)


class Engine:
    """Answers questions, finds and summarises articles, over one Index."""

    def __init__(self, index: Index, settings: EngineSettings | None = None) -> None:
        self.index = index
        self.settings = settings or EngineSettings()

    @classmethod
    def from_articles(
        cls, articles: Sequence[Article], settings: EngineSettings | None = None
    ) -> Engine:
        return cls(Index(articles), settings)

    @property
    def articles(self) -> tuple[Article, ...]:
        return self.index.articles

    # -- articles ----------------------------------------------------------------------------

    def latest(self, limit: int | None = None) -> list[Article]:
        """Articles newest first (undated ones last, by title)."""
        ordered = sorted(
            self.articles,
            key=lambda a: (a.date is not None, a.date or dt.date.min, a.title.casefold()),
            reverse=True,
        )
        undated = sorted((a for a in ordered if a.date is None), key=lambda a: a.title.casefold())
        ordered = [a for a in ordered if a.date is not None] + undated
        return ordered[:limit] if limit is not None else ordered

    def get(self, article_id: str) -> Article | None:
        pos = self.index.by_id.get(article_id)
        return self.articles[pos] if pos is not None else None

    def find_article(self, name: str) -> Article:
        """An article by id or by a fuzzy title; UnknownArticle if nothing is close."""
        name = name.strip()
        exact = self.get(name)
        if exact is not None:
            return exact
        if not name:
            raise UnknownArticle("which article? Give its id or part of its title")
        titles = {i: a.title for i, a in enumerate(self.articles)}
        best = process.extractOne(
            name, titles, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=86
        )
        if best is not None:
            return self.articles[best[2]]
        # Otherwise the words must be the article's own: a title or keyword word, or a body
        # that holds all of them.
        named = [qt for qt in self.index.parse(name).terms if qt.word not in _META_WORDS]
        if named and all(qt.known for qt in named):
            match = self._title_match(named)
            if match is not None and match[1] == len(named):
                return self.articles[match[0]]
            all_exact = all(qt.expansions[0][1] == 1.0 for qt in named)
            hits = self.search(name, limit=1)
            if all_exact and hits and hits[0].score >= 0.99:
                return hits[0].article
        raise UnknownArticle(f"no article matches {name!r}; /articles lists them all")

    def search(self, query: str, limit: int = 10) -> list[ArticleHit]:
        """Articles ranked for a query: title and keyword matches first, then the body text."""
        qterms = self.index.parse(query).known
        if not qterms:
            return []
        cand = self.index.candidates(qterms)
        _, mass = self.index.scores(cand, qterms)
        total = sum(self.index.weight(qt) for qt in qterms)
        per_article: dict[int, float] = {}
        if len(cand):
            arts = self.index.sentence_article[cand]
            best = np.zeros(len(self.articles), dtype=np.float32)
            np.maximum.at(best, arts, mass / total)
            per_article = {int(a): float(best[a]) for a in np.unique(arts)}
        for a, v in self.index.title_scores(qterms).items():
            per_article[a] = per_article.get(a, 0.0) + 0.5 * min(1.0, v / max(total, 1e-9) * 2)
        ranked = sorted(per_article.items(), key=lambda kv: -kv[1])[:limit]
        return [ArticleHit(self.articles[a], s, teaser(self.articles[a])) for a, s in ranked]

    def summary(self, article: Article, sentences: int | None = None) -> list[str]:
        return summarize(article, sentences or self.settings.summary_sentences)

    # -- questions ---------------------------------------------------------------------------

    def ask(self, question: str, about: str | None = None) -> Answer:
        """Answer a question; ``about`` is the article of the previous answer, for follow-ups."""
        question = " ".join(question.split())[:1000]
        query = self.index.parse(question)
        q = query.corrected
        qterms = list(query.terms)
        content = [qt for qt in qterms if qt.word not in _META_WORDS]
        refers_back = (
            about is not None
            and self.get(about) is not None
            and (
                not any(qt.known for qt in content)
                or (bool(re.search(r"\b(it|this|that|its)\b", q)) and len(content) <= 1)
            )
        )
        meta_kind = None
        if _SUMMARY_Q.search(q):
            meta_kind = "summary"
        elif _AUTHOR_Q.search(q):
            meta_kind = "author"
        elif _DATE_META_Q.search(q):
            meta_kind = "date"
        elif _SOURCE_Q.search(q):
            meta_kind = "source"
        if meta_kind is not None:
            article = self.get(about) if refers_back and about else None
            if article is None:
                article = self._meta_article(q, content)
            if article is not None:
                return self._meta_answer(question, meta_kind, article)
        if not query.known:
            return self._refusal(question, qterms)
        return self._fact_answer(question, query)

    def _meta_article(self, q: str, content: list[QueryTerm]) -> Article | None:
        """The article a metadata question names, or None if it is about the text instead."""
        known = [qt for qt in content if qt.known]
        if not known:
            return None
        names_article = bool(set(words(q)) & _ARTICLE_WORDS) or " about " in f" {q} "
        match = self._title_match(known)
        if match is not None and (match[1] >= max(1, (len(known) + 1) // 2) or names_article):
            return self.articles[match[0]]
        if names_article:
            hits = self.search(" ".join(qt.word for qt in known), limit=1)
            if hits and hits[0].score >= 0.5:
                return hits[0].article
        return None

    def _title_match(self, known: list[QueryTerm]) -> tuple[int, int] | None:
        """The article whose title and keywords best match, and how many terms they hold."""
        titles = self.index.title_scores(known)
        if not titles:
            return None
        best = max(titles.items(), key=lambda kv: kv[1])[0]
        title_terms = self.index.title_terms[best]
        covered = sum(1 for qt in known if any(t in title_terms for t, _ in qt.expansions))
        return best, covered

    def _citation(self, article: Article, paragraph: int, quote: str) -> Citation:
        return Citation(
            article.id, article.title, article.author, article.date, article.url, paragraph, quote
        )

    def _meta_answer(self, question: str, kind: str, article: Article) -> Answer:
        first = article.paragraphs[0]
        lead = self._citation(article, first.number, first.sentences[0])
        if kind == "summary":
            sentences = self.summary(article)
            para = next(
                (p.number for p in article.paragraphs for s in p.sentences if s == sentences[0]),
                first.number,
            )
            return Answer(
                question,
                True,
                " ".join(sentences),
                (self._citation(article, para, sentences[0]),),
                confidence=1.0,
                kind="summary",
            )
        if kind == "author":
            if article.author is None:
                return Answer(
                    question,
                    False,
                    f"“{article.title}” does not name its author.",
                    (lead,),
                    confidence=1.0,
                    kind="author",
                )
            text = f"“{article.title}” was written by {article.author}."
        elif kind == "date":
            if article.date is None:
                return Answer(
                    question,
                    False,
                    f"“{article.title}” carries no date.",
                    (lead,),
                    confidence=1.0,
                    kind="date",
                )
            text = (
                f"“{article.title}” was published on {article.date:%B} {article.date.day}, "
                f"{article.date.year}."
            )
        else:
            if article.url is None:
                return Answer(
                    question,
                    False,
                    f"“{article.title}” has no link to a source.",
                    (lead,),
                    confidence=1.0,
                    kind="source",
                )
            text = f"“{article.title}” is at {article.url}"
        return Answer(question, True, text, (lead,), confidence=1.0, kind=kind)

    def _fact_answer(self, question: str, query: Query) -> Answer:
        index = self.index
        qterms = list(query.terms)
        known = query.known
        hits = index.candidates(known)
        if len(hits) == 0:
            return self._refusal(question, qterms)
        term_idf = {qt.word: index.weight(qt) for qt in known}
        known_mass = max(sum(term_idf.values()), 1e-9)
        unknown_mass = sum(UNKNOWN_WEIGHT * index.max_idf for qt in qterms if not qt.known)
        total_mass = known_mass + unknown_mass
        # Neighbours in the same paragraph lend part of their score: questions often name the
        # subject in one sentence and ask about a detail in the next.
        after = np.minimum(hits + 1, index.n - 1)
        cand = np.unique(
            np.concatenate(
                [
                    hits,
                    hits[index.same_prev[hits]] - 1,
                    after[(after != hits) & index.same_prev[after]],
                ]
            )
        ).astype(np.int32)
        score_arr, _ = index.scores(cand, known)
        neighbour = np.zeros(len(cand), dtype=np.float32)
        for shift in (-1, 1):
            other = cand + shift
            pos = np.clip(np.searchsorted(cand, other), 0, len(cand) - 1)
            linked = (cand[pos] == other) & (
                index.same_prev[cand]
                if shift < 0
                else index.same_prev[np.minimum(other, index.n - 1)]
            )
            neighbour[linked] = np.maximum(neighbour[linked], score_arr[pos[linked]])
        titles = index.title_scores(known)
        title_boost = np.zeros(len(cand), dtype=np.float32)
        if titles:
            keys = np.fromiter(titles, dtype=np.int32, count=len(titles))
            values = np.fromiter(titles.values(), dtype=np.float32, count=len(titles))
            ordering = np.argsort(keys)
            keys, values = keys[ordering], values[ordering]
            arts = index.sentence_article[cand]
            pos = np.clip(np.searchsorted(keys, arts), 0, len(keys) - 1)
            found = keys[pos] == arts
            title_boost[found] = values[pos[found]]
        first = score_arr + 0.35 * neighbour + 0.5 * title_boost
        order = np.argsort(-first)[:CANDIDATES]
        kind = question_type(query.corrected)
        qwords = set(query.corrected.split())
        qstems = [t for qt in known for t, _ in qt.expansions[:1]]
        q_content = " ".join(w for w in query.corrected.split() if w not in STOP_WORDS)
        scored: list[_Scored] = []
        for i in order.tolist():
            sid = int(cand[i])
            ref = index.sentences[sid]
            s_terms = index.sentence_terms[sid]
            s_set = set(s_terms)
            window: set[str] = set()
            if index.same_prev[sid]:
                window.update(index.sentence_terms[sid - 1])
            if sid + 1 < index.n and index.same_prev[sid + 1]:
                window.update(index.sentence_terms[sid + 1])
            title_terms = index.title_terms[ref.article]
            covered = 0.0
            matched = 0
            for qt in known:
                weight = max((w for t, w in qt.expansions if t in s_set), default=0.0)
                if weight:
                    covered += term_idf[qt.word] * weight
                    matched += 1
                elif any(t in window or t in title_terms for t, _ in qt.expansions):
                    covered += 0.5 * term_idf[qt.word]
            coverage = covered / total_mass if total_mass else 0.0
            parts = {
                "bm25": float(score_arr[i]) / known_mass,
                "neighbour": float(neighbour[i]) / known_mass,
                "coverage": coverage,
                "order": _ordered_pairs(qstems, s_terms) / max(1, len(qstems) - 1),
                "type": _type_bonus(kind, ref.text, qwords),
                "title": min(1.0, titles.get(ref.article, 0.0) / max(total_mass, 1e-9)),
            }
            total = sum(WEIGHTS[name] * value for name, value in parts.items())
            scored.append(_Scored(sid, total, coverage, matched, parts))
        scored.sort(key=lambda s: -s.score)
        best = scored[0]
        confidence = min(1.0, best.coverage)
        if not self._supported(best, len(qterms)):
            return self._refusal(question, qterms, confidence)
        citations: list[Citation] = []
        seen: set[tuple[int, int]] = set()
        for cand_s in scored:
            if len(citations) >= self.settings.max_citations:
                break
            ref = index.sentences[cand_s.sid]
            key = (ref.article, ref.paragraph)
            if key in seen or (citations and not self._supported(cand_s, len(qterms))):
                continue
            seen.add(key)
            citations.append(self._citation(self.articles[ref.article], ref.paragraph, ref.text))
        span = self._span(best.sid, kind, qwords)
        if span != citations[0].quote:
            citations[0] = dataclasses.replace(citations[0], quote=span)
        text = _concise(span, q_content)
        runner_up = self._close_second(scored, span)
        if runner_up is not None and len(text) + len(runner_up) + 3 <= MAX_ANSWER_CHARS:
            text = f"{text} … {runner_up}"
        return Answer(question, True, text, tuple(citations), (), confidence, "fact")

    def _close_second(self, scored: list[_Scored], span: str) -> str | None:
        """The second-best sentence when it scores nearly as high as the best, from the same
        article: a near tie is shown rather than settled by a coin toss."""
        if len(scored) < 2:
            return None
        best, second = scored[0], scored[1]
        ref_best, ref_second = self.index.sentences[best.sid], self.index.sentences[second.sid]
        if (
            second.score >= CLOSE_SECOND * best.score
            and ref_second.article == ref_best.article
            and ref_second.text not in span
        ):
            return ref_second.text
        return None

    def _supported(self, scored: _Scored, n_terms: int) -> bool:
        """Whether a sentence says enough of the question to be an answer: it covers most of
        the question's weight, or a fair share of it with at least two of its words (one
        shared word is how unrelated questions find unrelated sentences)."""
        floor = self.settings.min_confidence
        return scored.coverage >= 3.0 * floor or (
            scored.coverage >= floor and scored.matched >= min(2, n_terms)
        )

    def _span(self, sid: int, kind: str | None, qwords: set[str]) -> str:
        """The best sentence, joined with a neighbour when that one holds what is asked for
        (a date for "when", a number for "how many"...) and this one does not, or when the
        sentence is too short to stand alone."""
        index = self.index
        text = index.sentences[sid].text
        options: list[tuple[int, int]] = []
        if index.same_prev[sid]:
            options.append((sid - 1, sid))
        if sid + 1 < index.n and index.same_prev[sid + 1]:
            options.append((sid, sid + 1))
        for a, b in options:
            joined = index.sentences[a].text + " " + index.sentences[b].text
            if len(joined) > MAX_ANSWER_CHARS:
                continue
            other = index.sentences[b if a == sid else a].text
            if (
                kind is not None
                and _type_bonus(kind, text, qwords) == 0
                and _type_bonus(kind, other, qwords) > 0
            ):
                return joined
        if len(text) < 60 and options:
            a, b = options[0]
            joined = index.sentences[a].text + " " + index.sentences[b].text
            if len(joined) <= MAX_ANSWER_CHARS:
                return joined
        return text

    def _refusal(self, question: str, qterms: list[QueryTerm], confidence: float = 0.0) -> Answer:
        return Answer(
            question, False, "", (), tuple(self.suggest(question, qterms)), confidence, "none"
        )

    def suggest(
        self, question: str, qterms: list[QueryTerm] | None = None, limit: int = 5
    ) -> list[str]:
        """Titles and keywords close to the question, for "did you mean"."""
        qterms = qterms if qterms is not None else list(self.index.parse(question).terms)
        out: list[str] = []
        known = [qt for qt in qterms if qt.known]
        if known:
            for hit in self.search(" ".join(qt.word for qt in known), limit=limit):
                out.append(hit.article.title)
        keywords = {kw: a for a in self.articles for kw in a.keywords}
        words_q = [qt.word for qt in qterms if len(qt.word) >= 4]
        for w in words_q:
            for match, _, _ in process.extract(
                w,
                list(keywords),
                scorer=fuzz.ratio,
                processor=utils.default_process,
                score_cutoff=80,
                limit=2,
            ):
                out.append(match)
        return list(dict.fromkeys(out))[:limit]


def _concise(sentence: str, q_content: str) -> str:
    """The sentence, or for a very long one the part around what the question asks about."""
    if len(sentence) <= MAX_ANSWER_CHARS:
        return sentence
    qset = {stem(w) for w in words(q_content)}
    pieces = re.split(r"(?<=[;,:–—])\s+", sentence)
    best_i, best_hits = 0, -1
    for i, piece in enumerate(pieces):
        hits = sum(stem(w) in qset for w in words(piece))
        if hits > best_hits:
            best_i, best_hits = i, hits
    start = end = best_i
    while True:
        grown = False
        if end + 1 < len(pieces) and len(" ".join(pieces[start : end + 2])) <= MAX_ANSWER_CHARS:
            end += 1
            grown = True
        if start > 0 and len(" ".join(pieces[start - 1 : end + 1])) <= MAX_ANSWER_CHARS:
            start -= 1
            grown = True
        if not grown:
            break
    text = " ".join(pieces[start : end + 1])
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 1].rsplit(" ", 1)[0]
    return ("…" if start > 0 else "") + text + ("…" if end < len(pieces) - 1 else "")
