"""Articles → a searchable index of fact sentences, titles and keywords.

The index is an inverted index: each stemmed term points at the sentences that hold it, so a
question only touches the postings of its own terms and its cost stays nearly flat as the
corpus grows. Terms are weighted by BM25 (rare words count more than common ones). A word the
corpus does not know is matched to known words within its typo budget with rapidfuzz.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.corpus import Article
from bot.core.text import STOP_WORDS, stem, typo_budget, words

K1 = 1.2
B = 0.4
# Terms in more than this share of sentences (or RARE_MIN sentences) don't generate candidates.
RARE_SHARE = 0.02
RARE_MIN = 2000
MAX_CANDIDATES = 3000
FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class SentenceRef:
    """Where a sentence lives: article position, paragraph number, index in the paragraph."""

    article: int
    paragraph: int
    position: int
    text: str


@dataclass(frozen=True)
class QueryTerm:
    """One content word of a question and the index terms it stands for, with weights."""

    word: str
    expansions: tuple[tuple[str, float], ...]

    @property
    def known(self) -> bool:
        return bool(self.expansions)


@dataclass(frozen=True)
class Query:
    """A parsed question: its content terms, and its text with typos corrected where the
    correction is clear (so cues such as "when" survive "whne")."""

    terms: tuple[QueryTerm, ...]
    corrected: str

    @property
    def known(self) -> list[QueryTerm]:
        return [qt for qt in self.terms if qt.known]


# Stop words long enough to be recognised through one typo ("whcih" → "which", "wht" → "what").
_FIXABLE_STOP_WORDS = sorted(w for w in STOP_WORDS if len(w) >= 4)


def _deletion_index(
    vocabulary: Sequence[str],
) -> Generator[None, None, tuple[npt.NDArray[np.int64], IntArray]]:
    """Hashes of each word and of its one-letter deletions, sorted, with the word's position:
    a compact symmetric-deletion index (the idea behind SymSpell) for typo lookups in a few
    binary searches instead of a scan of the vocabulary."""
    keys: list[int] = []
    owners: list[int] = []
    for wid, w in enumerate(vocabulary):
        variants = {w} | {w[:i] + w[i + 1 :] for i in range(len(w))}
        keys.extend(hash(v) for v in variants)
        owners.extend([wid] * len(variants))
        if wid % _STEP == _STEP - 1:
            yield
    key_arr = np.asarray(keys, dtype=np.int64)
    order = np.argsort(key_arr, kind="stable")
    return key_arr[order], np.asarray(owners, dtype=np.int32)[order]


@dataclass(frozen=True)
class Analysis:
    """An article's words, worked out once: per sentence its content words and their terms.
    Cached by (article id, content hash), so a rebuild re-reads only what changed."""

    surface: tuple[tuple[str, ...], ...]
    stems: tuple[tuple[str, ...], ...]
    head: tuple[str, ...]
    head_terms: frozenset[str]


def analyse(article: Article) -> Analysis:
    # Interned, so the thousands of occurrences of a word share one string object.
    surface = tuple(
        tuple(sys.intern(w) for w in words(sentence) if w not in STOP_WORDS)
        for para in article.paragraphs
        for sentence in para.sentences
    )
    head = tuple(w for w in words(article.title) if w not in STOP_WORDS) + tuple(
        w for kw in article.keywords for w in words(kw) if w not in STOP_WORDS
    )
    return Analysis(
        surface,
        tuple(tuple(stem(w) for w in tokens) for tokens in surface),
        head,
        frozenset(stem(w) for w in head),
    )


AnalysisCache = dict[tuple[str, str], Analysis]
# Work units between yields of a stepwise build (articles, or terms when finishing).
_STEP = 2000


class Index:
    """An immutable index over a list of articles.

    ``Index(articles)`` builds it at once; ``Index.steps(articles, cache)`` is a generator
    that builds it in small steps and returns it, so a running bot can rebuild between
    answers instead of stopping them.
    """

    def __init__(self, articles: Sequence[Article], cache: AnalysisCache | None = None) -> None:
        for _ in self._build(articles, {} if cache is None else cache):
            pass

    @classmethod
    def steps(
        cls, articles: Sequence[Article], cache: AnalysisCache
    ) -> Generator[None, None, Index]:
        index = cls.__new__(cls)
        yield from index._build(articles, cache)
        return index

    def _build(self, articles: Sequence[Article], cache: AnalysisCache) -> Iterator[None]:
        self.articles: tuple[Article, ...] = tuple(articles)
        self.by_id = {a.id: i for i, a in enumerate(self.articles)}
        refs: list[SentenceRef] = []
        postings: dict[str, list[int]] = defaultdict(list)
        freqs: dict[str, list[int]] = defaultdict(list)
        lengths: list[int] = []
        surface: Counter[str] = Counter()
        title_postings: dict[str, set[int]] = defaultdict(set)
        article_df: Counter[str] = Counter()
        sentence_terms: list[tuple[str, ...]] = []
        title_terms: list[frozenset[str]] = []
        for a_pos, article in enumerate(self.articles):
            key = (article.id, article.content_hash)
            analysis = cache.get(key)
            if analysis is None:
                analysis = cache[key] = analyse(article)
            article_terms: set[str] = set()
            flat = (
                (p.number, i, s) for p in article.paragraphs for i, s in enumerate(p.sentences)
            )
            for (number, s_pos, sentence), tokens, stems in zip(
                flat, analysis.surface, analysis.stems, strict=True
            ):
                sid = len(refs)
                refs.append(SentenceRef(a_pos, number, s_pos, sentence))
                surface.update(tokens)
                sentence_terms.append(stems)
                counts = Counter(stems)
                for term, tf in counts.items():
                    postings[term].append(sid)
                    freqs[term].append(tf)
                article_terms.update(counts)
                lengths.append(max(1, len(stems)))
            surface.update(analysis.head)
            title_terms.append(analysis.head_terms)
            for term in analysis.head_terms:
                title_postings[term].add(a_pos)
            article_df.update(article_terms)
            yield
        self.sentences: tuple[SentenceRef, ...] = tuple(refs)
        # The content terms of each sentence in order, for reranking a few candidates.
        self.sentence_terms: tuple[tuple[str, ...], ...] = tuple(sentence_terms)
        self.title_terms: tuple[frozenset[str], ...] = tuple(title_terms)
        self.n = len(refs)
        self.postings: dict[str, tuple[IntArray, FloatArray]] = {}
        for done, (t, ids) in enumerate(postings.items(), start=1):
            self.postings[t] = (
                np.asarray(ids, dtype=np.int32),
                np.asarray(freqs[t], dtype=np.float32),
            )
            if done % _STEP == 0:
                yield
        self.lengths = np.asarray(lengths, dtype=np.float32)
        self.avg_length = float(self.lengths.mean()) if self.n else 1.0
        self.sentence_article = np.asarray([r.article for r in refs], dtype=np.int32)
        paragraph_key = np.asarray(
            [r.article * 100_000 + r.paragraph for r in refs], dtype=np.int64
        )
        # same_prev[i]: sentence i-1 is in the same paragraph as sentence i.
        self.same_prev = np.zeros(self.n, dtype=bool)
        if self.n > 1:
            self.same_prev[1:] = paragraph_key[1:] == paragraph_key[:-1]
        self.title_postings = {
            t: np.asarray(sorted(v), dtype=np.int32) for t, v in title_postings.items()
        }
        self.article_df = article_df
        yield
        # Surface words, most frequent first, for typo matching; each maps to its term.
        self.vocabulary: list[str] = [
            w for w, _ in surface.most_common() if not w[0].isdigit() and len(w) >= 3
        ]
        yield
        self._deletes, self._delete_words = yield from _deletion_index(self.vocabulary)
        self.known_terms = set(self.postings) | set(self.title_postings)

    # -- term statistics -------------------------------------------------------------------

    def idf(self, term: str) -> float:
        """BM25 inverse sentence frequency: rare terms weigh more."""
        df = len(self.postings[term][0]) if term in self.postings else 0
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def weight(self, qt: QueryTerm) -> float:
        """What a question word weighs: the idf of its best expansion, typo cost included."""
        return max((self.idf(t) * w for t, w in qt.expansions), default=0.0)

    @property
    def max_idf(self) -> float:
        return math.log(1.0 + (self.n + 0.5) / 0.5)

    # -- question side ---------------------------------------------------------------------

    def expand(self, word: str) -> tuple[QueryTerm, str]:
        """The index terms a question word stands for, and the word as corrected.

        A word the corpus knows stands for itself. An unknown word is matched to known words
        within its typo budget (rapidfuzz, optimal string alignment distance); a typo costs
        weight, more for two edits than one.
        """
        term = stem(word)
        if term in self.known_terms:
            return QueryTerm(word, ((term, 1.0), *self._variants(term))), word
        # Words of four letters get one edit only here, for words the corpus does not know,
        # so "Rine" still finds "Rhine" while known short words never drift.
        budget = typo_budget(word) or (1 if len(word) == 4 else 0)
        found: dict[str, float] = {}
        corrected = word
        best_distance = budget + 1
        # A name with a possessive or plural "s" ("Boutrups") is one letter off before any
        # typo, and the stemmer only strips that "s" from dictionary words: try it without.
        forms = [word, word[:-1]] if word.endswith("s") and len(word) >= 6 else [word]
        for form in forms if budget and not word[0].isdigit() else ():
            for match in self._near(form):
                dist = OSA.distance(form, match, score_cutoff=budget)
                t = stem(match)
                if dist > budget or t not in self.known_terms:
                    continue
                weight = (0.85 if len(word) >= 5 else 0.7) if dist <= 1 else 0.6
                found[t] = max(found.get(t, 0.0), weight)
                if dist < best_distance:
                    corrected, best_distance = match, int(dist)
            if found:
                break
        if not found:
            return QueryTerm(word, self._variants(term)), word
        best = sorted(found.items(), key=lambda kv: -kv[1])[:3]
        return QueryTerm(word, tuple(best)), corrected

    def _near(self, word: str) -> list[str]:
        """Known words that share the word itself or a one-letter deletion of it with one of
        their own deletions: every word one edit away, and most two edits away."""
        probes = {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
        keys = np.asarray([hash(p) for p in probes], dtype=np.int64)
        lo = np.searchsorted(self._deletes, keys, side="left")
        hi = np.searchsorted(self._deletes, keys, side="right")
        ids = {
            int(i)
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
            for i in self._delete_words[a:b]
        }
        # Most frequent first (the vocabulary is in frequency order), so ties go to them.
        return [self.vocabulary[i] for i in sorted(ids)[:200]]

    def _variants(self, term: str) -> tuple[tuple[str, float], ...]:
        """Comparative and superlative forms the stemmer keeps apart ("long", "longest")."""
        if len(term) < 3 or term[0].isdigit():
            return ()
        forms: set[str] = set()
        for suffix in ("est", "er"):
            if term.endswith(suffix) and len(term) - len(suffix) >= 3:
                base = term[: -len(suffix)]
                forms.update({base, base[:-1] if base[-1:] == base[-2:-1] else base})
                forms.add(base + "e")
                forms.add(stem(base + "e"))
        forms.update({term + "er", term + "est", term + "r", term + "st"})
        forms.update({term + term[-1] + "er", term + term[-1] + "est"})
        forms.discard(term)
        return tuple((f, 0.8) for f in sorted(forms) if f in self.postings)

    def parse(self, text: str) -> Query:
        """The distinct content words of a question, expanded against the index."""
        seen: set[str] = set()
        out: list[QueryTerm] = []
        fixed: list[str] = []
        for w in words(text):
            if w in STOP_WORDS:
                fixed.append(w)
                continue
            if len(w) >= 3 and stem(w) not in self.known_terms:
                stop = process.extractOne(
                    w, _FIXABLE_STOP_WORDS, scorer=OSA.distance, score_cutoff=1
                )
                if stop is not None:
                    fixed.append(stop[0])
                    continue
            qt, corrected = self.expand(w)
            fixed.append(corrected)
            if w not in seen:
                seen.add(w)
                out.append(qt)
        return Query(tuple(out), " ".join(fixed))

    # -- scoring ---------------------------------------------------------------------------

    def _entries(self, query: Iterable[QueryTerm]) -> list[tuple[IntArray, FloatArray, float]]:
        """Postings of every expansion of the query, with its weighted idf, rarest first."""
        entries = [
            (*self.postings[term], self.idf(term) * weight)
            for qt in query
            for term, weight in qt.expansions
            if term in self.postings
        ]
        return sorted(entries, key=lambda e: len(e[0]))

    def _bm25(self, sids: IntArray, tf: FloatArray, idf: float) -> FloatArray:
        norm = K1 * (1 - B + B * self.lengths[sids] / self.avg_length)
        return (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)

    def candidates(self, query: Iterable[QueryTerm]) -> IntArray:
        """Sentence ids worth scoring, sorted: those holding the query's rarer terms.

        Terms found in more than a few percent of sentences do not pull sentences in (they
        would pull in most of the corpus); they still count when candidates are scored. The
        set is capped by a first score, so its size, and the cost of a question, stays bounded
        as the corpus grows.
        """
        entries = self._entries(query)
        if not entries:
            return np.zeros(0, dtype=np.int32)
        limit = max(RARE_MIN, int(self.n * RARE_SHARE))
        generators = [e for e in entries if len(e[0]) <= limit] or entries[:1]
        ids = np.concatenate([e[0] for e in generators])
        values = np.concatenate([self._bm25(e[0], e[1], e[2]) for e in generators])
        cand, inverse = np.unique(ids, return_inverse=True)
        if len(cand) > MAX_CANDIDATES:
            partial = np.bincount(inverse, values)
            keep = np.argpartition(-partial, MAX_CANDIDATES)[:MAX_CANDIDATES]
            cand = np.sort(cand[keep])
        return cand.astype(np.int32)

    def scores(self, sids: IntArray, query: Iterable[QueryTerm]) -> tuple[FloatArray, FloatArray]:
        """BM25 score and matched idf mass of the given sorted sentence ids."""
        score = np.zeros(len(sids), dtype=np.float32)
        mass = np.zeros(len(sids), dtype=np.float32)
        if len(sids) == 0:
            return score, mass
        for ids, tf, idf in self._entries(query):
            pos = np.minimum(np.searchsorted(ids, sids), len(ids) - 1)
            hit = ids[pos] == sids
            if not hit.any():
                continue
            score[hit] += self._bm25(sids[hit], tf[pos[hit]], idf)
            mass[hit] += idf
        return score, mass

    def title_scores(self, query: Iterable[QueryTerm]) -> dict[int, float]:
        """Articles whose title or keywords hold question terms, with the idf mass matched."""
        scores: dict[int, float] = defaultdict(float)
        n_articles = max(1, len(self.articles))
        for qt in query:
            best: dict[int, float] = {}
            for term, weight in qt.expansions:
                hits = self.title_postings.get(term)
                if hits is None:
                    continue
                df = self.article_df.get(term, 0) + len(hits)
                idf = math.log(1.0 + (n_articles - df + 0.5) / (df + 0.5)) + 0.1
                for a in hits.tolist():
                    best[a] = max(best.get(a, 0.0), idf * weight)
            for a, v in best.items():
                scores[a] += v
        return dict(scores)
