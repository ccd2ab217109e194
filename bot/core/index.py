"""The first stage: the sentences, titles and keywords of a corpus in a persistent tantivy index.

Each sentence is one document: its stemmed terms (``body``, scored by tantivy's BM25), its
unstemmed words (``surface``, whose term dictionary is the vocabulary typos are matched
against), and stored fields for what an answer quotes: the text, its neighbours in the
paragraph, the article, the paragraph and the position. Each article is one more document:
its title and keywords (``head``) and its paragraphs, stored. A catalog beside the index
(SQLite) lists the articles with their metadata and the file each came from, so a restart
reads neither the files nor the index's documents.

``Retriever`` is all the answer pipeline asks of a first stage. ``IndexView`` implements it
over one tantivy searcher (a point-in-time snapshot: a commit never changes a view under an
answer); a search cluster could implement it as well, one request per method.

Writes go through ``CorpusIndex.apply``: delete an article's documents by its id, add the new
ones, commit, then record the catalog rows. A crash between the two is repaired by the next
reconcile, which sees the file as new or changed and writes it again (always delete first).
So is a write that fails (a full disk): the tantivy writer it killed is dropped, and the next
write opens a new one. Damaged files found at open, or by a view later, cost a rebuild.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import logging
import math
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, NamedTuple, ParamSpec, Protocol, TypeVar

import tantivy

from bot.core.catalog import Catalog, Entry, Filed, Snapshot
from bot.core.corpus import Article, ArticleInfo, Paragraph
from bot.core.summary import teaser
from bot.core.text import STOP_WORDS, SURFACE, TERMS, leans_back, words

log = logging.getLogger(__name__)

# Bumped whenever the schema, the analyzers, the stored layout or the splitting of articles
# into sentences change: an index written by another version is rebuilt from the files
# instead of being misread (the vectors beside it are kept: keyed by each sentence's text,
# only sentences that changed are embedded again). 3: a news dateline is a sentence of its
# own. 4: a dateline's place may hold letters beyond A-Z ("A CORUÑA, Spain —"). 5: a
# sentence that opens "The 47-year-old …" leans on the one before (``leans_back``), which
# its embedded unit holds too.
SCHEMA_VERSION = 5


def vectors_key(info: ArticleInfo) -> str:
    """What the vectors kept beside an index record an article's sentences as embedded for:
    its content and the schema that split it into sentences. An index rebuilt by another
    schema may split an unchanged file otherwise (3 split the dateline off), and the new
    sentences must be embedded too (the others keep their vectors, keyed by text)."""
    return f"{info.content_hash}/{SCHEMA_VERSION}"


_VERSION_FILE = "VERSION"
_CATALOG_FILE = "catalog.sqlite3"
_WRITER_HEAP = 96_000_000
_WRITER_THREADS = 2

P = ParamSpec("P")
R = TypeVar("R")

# How many sentences holding two words are read for the two side by side (a typo's
# reading beside its neighbour: ``Retriever.written_together``).
PAIR_LOOK = 50

WeightedWord = tuple[tuple[str, float], ...]
"""One question word as index terms with weights (itself, typo corrections, word forms)."""


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("article", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("aid", stored=True, fast=True)
    # Sentences
    sb.add_text_field("body", tokenizer_name="terms", index_option="freq")
    sb.add_text_field("surface", tokenizer_name="surface", index_option="basic")
    sb.add_integer_field("seq", stored=True, fast=True)
    sb.add_integer_field("para", stored=True, fast=True)
    sb.add_integer_field("chash", indexed=True, fast=True)
    sb.add_bytes_field("text", stored=True)
    sb.add_bytes_field("prev", stored=True)
    sb.add_bytes_field("next", stored=True)
    # Articles
    sb.add_integer_field("record", indexed=True)  # the aid, on the article's own document
    sb.add_text_field("head", tokenizer_name="terms", index_option="freq")
    sb.add_bytes_field("paras", stored=True)
    return sb.build()


SCHEMA = _schema()


def content_hash(text: str) -> int:
    """A text's 64-bit content key (signed, as tantivy's integer fields hold it)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def unit_text(text: str, prev: str | None) -> str:
    """What the dense stage embeds for a sentence: the sentence, and the one before it when
    it leans on it ("It was commissioned by Odo" says little without the tapestry)."""
    return f"{prev} {text}" if prev is not None and leans_back(text) else text


# -- what the pipeline sees ---------------------------------------------------------------


class Hit(NamedTuple):
    """A sentence found by the first stage, before its text is read."""

    aid: int
    seq: int
    para: int
    score: float
    address: object  # the engine's handle on the document (a tantivy DocAddress here)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with what an answer needs around it: its paragraph and its neighbours
    there (None at the paragraph's edge)."""

    aid: int
    seq: int
    para: int
    text: str
    prev: str | None
    next: str | None

    @property
    def unit(self) -> str:
        """The text the dense stage embeds for this sentence."""
        return unit_text(self.text, self.prev)


class Retriever(Protocol):
    """Everything the answer pipeline asks of the first stage and its catalog: what a
    search cluster would implement to take over from tantivy (one request per method; the
    frequencies and the word lists are worth caching per snapshot)."""

    @property
    def entries(self) -> Mapping[int, Entry]:
        """The catalog: every article by its number."""
        ...

    @property
    def by_id(self) -> Mapping[str, int]:
        """Article numbers by article id."""
        ...

    @property
    def sentence_count(self) -> int: ...

    @property
    def article_count(self) -> int: ...

    @property
    def max_idf(self) -> float:
        """The idf of a term no sentence holds."""
        ...

    @property
    def average_length(self) -> float:
        """Terms per sentence, on average."""
        ...

    @property
    def keywords(self) -> list[str]:
        """Every article keyword, once."""
        ...

    def newest(self, limit: int) -> list[ArticleInfo]:
        """At least the ``limit`` latest-dated articles (every article of the last date
        among them), in no particular order; fewer when fewer are dated."""
        ...

    def dated_since(self, day: dt.date) -> list[ArticleInfo]:
        """The articles dated ``day`` or later, in no particular order."""
        ...

    def undated(self, limit: int) -> list[ArticleInfo]:
        """The first ``limit`` undated articles by title (case-folded)."""
        ...

    def by_author(self, names: Sequence[str], limit: int) -> list[ArticleInfo]:
        """The ``limit`` newest articles whose author is one of ``names`` (matched by
        their words, case and accents folded: ``catalog.author_key``), undated last."""
        ...

    def doc_freq(self, term: str) -> int:
        """How many sentences hold ``term``."""
        ...

    def head_freq(self, term: str) -> int:
        """How many articles hold ``term`` in their title or keywords."""
        ...

    def co_freq(self, term: str, other: str) -> int:
        """How many sentences hold both terms (a count query: worth caching)."""
        ...

    def idf(self, term: str) -> float:
        """BM25's inverse sentence frequency of a term."""
        ...

    def known(self, term: str) -> bool:
        """Whether any sentence, title or keyword holds the term."""
        ...

    def written(self, word: str) -> bool:
        """Whether the articles write the word as it is (folded, not stemmed)."""
        ...

    def written_together(self, first: str, second: str) -> bool:
        """Whether a sentence writes the two words one right after the other (folded)."""
        ...

    def family(self, term: str) -> list[str]:
        """Other terms of the corpus from the same word family."""
        ...

    def vocabulary(self) -> list[tuple[str, int]]:
        """The corpus's words and terms with their document frequencies."""
        ...

    def units(self, aid: int) -> list[str]:
        """The dense units of an article's sentences, in order."""
        ...

    def search(
        self,
        required: Sequence[WeightedWord],
        optional: Sequence[WeightedWord] = (),
        limit: int = 10,
        within: Sequence[str] = (),
    ) -> list[Hit]:
        """The best sentences by BM25, best first: each holds one of the ``required`` words,
        and ``optional`` words add to the score of those that do; only from the articles
        with these ids, where ``within`` names any."""
        ...

    def sentences(self, hits: Sequence[Hit]) -> list[Sentence]:
        """The text and neighbours of each hit, in the same order."""
        ...

    def by_hash(self, hashes: Sequence[int], limit: int) -> list[Sentence]:
        """The sentences whose dense unit has one of these content hashes."""
        ...

    def titles(self, query: Sequence[WeightedWord], limit: int) -> list[int]:
        """Articles whose title or keywords hold query terms, best first."""
        ...

    def article(self, aid: int) -> Article | None:
        """An article with its paragraphs."""
        ...


def _term_query(word: WeightedWord, field_name: str) -> tantivy.Query | None:
    queries = [
        tantivy.Query.boost_query(tantivy.Query.term_query(SCHEMA, field_name, term), weight)
        if weight != 1.0
        else tantivy.Query.term_query(SCHEMA, field_name, term)
        for term, weight in word
    ]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else tantivy.Query.disjunction_max_query(queries)


def _query(words: Sequence[WeightedWord], field_name: str) -> tantivy.Query | None:
    parts = [q for q in (_term_query(w, field_name) for w in words) if q is not None]
    if not parts:
        return None
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])


def _decode(value: object) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) and value else None


class IndexDamaged(Exception):
    """The index's files are damaged; its owner rebuilds it from the articles at its next
    reconcile."""


def _is_panic(exc: BaseException) -> bool:
    """Whether tantivy panicked (pyo3's PanicException, a BaseException): it does so on data
    it did not write, such as a cut or scribbled-over segment file."""
    return type(exc).__name__ == "PanicException"


def _is_damage(exc: BaseException) -> bool:
    """Whether a tantivy error while reading says the index's files are damaged or gone."""
    text = str(exc).lower()
    return _is_panic(exc) or (
        isinstance(exc, ValueError) and any(s in text for s in ("io error", "corrupt"))
    )


@dataclass
class _Damage:
    """What a view of the index found damaged, for the owner to rebuild at its next write."""

    reason: str | None = None


def _guarded(
    method: Callable[Concatenate[IndexView, P], R],
) -> Callable[Concatenate[IndexView, P], R]:
    """A read of the index that turns damage it meets into IndexDamaged, noted on the view
    for the index's owner to rebuild it (a panic would otherwise escape ``except Exception``)."""

    @functools.wraps(method)
    def read(view: IndexView, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(view, *args, **kwargs)
        except BaseException as exc:
            if not _is_damage(exc):
                raise
            view.damage.reason = f"it is damaged ({str(exc)[:200]})"
            raise IndexDamaged(f"the index is damaged ({str(exc)[:200]})") from exc

    return read


@dataclass(frozen=True, eq=False)
class IndexView:
    """One committed state of the index and its catalog: a Retriever, and the articles."""

    searcher: tantivy.Searcher
    entries: Snapshot
    damage: _Damage = field(default_factory=_Damage)
    _freq_cache: dict[tuple[str, str], int] = field(default_factory=dict)
    _idf_cache: dict[str, float] = field(default_factory=dict)
    _family_cache: dict[str, list[str]] = field(default_factory=dict)
    _co_cache: dict[tuple[str, str], int] = field(default_factory=dict)
    _pair_cache: dict[tuple[str, str], bool] = field(default_factory=dict)

    @property
    def by_id(self) -> Mapping[str, int]:
        return self.entries.by_id

    @functools.cached_property
    def sentence_count(self) -> int:
        return max(0, int(self.searcher.num_docs) - len(self.entries))

    @property
    def article_count(self) -> int:
        return len(self.entries)

    @_guarded
    def _freq(self, field_name: str, term: str) -> int:
        key = (field_name, term)
        found = self._freq_cache.get(key)
        if found is None:
            if len(self._freq_cache) > 200_000:
                self._freq_cache.clear()
            found = self._freq_cache[key] = int(self.searcher.doc_freq(field_name, term))
        return found

    def doc_freq(self, term: str) -> int:
        return self._freq("body", term)

    def head_freq(self, term: str) -> int:
        return self._freq("head", term)

    @_guarded
    def co_freq(self, term: str, other: str) -> int:
        key = (term, other) if term <= other else (other, term)
        found = self._co_cache.get(key)
        if found is None:
            both = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "body", t)) for t in key]
            )
            if len(self._co_cache) > 100_000:
                self._co_cache.clear()
            # ``count`` is missing from tantivy-py's type stubs, not from SearchResult.
            counted = self.searcher.search(both, 1, count=True).count  # type: ignore[attr-defined]
            found = self._co_cache[key] = int(counted)
        return found

    @_guarded
    def family(self, term: str) -> list[str]:
        """Other terms of the corpus from the same word family: one extends the other by at
        most three letters ("econom" and "economi", from "economic" and "economy"), both of
        five letters or more."""
        if len(term) < 5 or term[0].isdigit():
            return []
        found = self._family_cache.get(term)
        if found is None:
            found = [
                other
                for other, _ in self.searcher.terms_with_prefix("body", term[:5], limit=400)
                if other != term
                and len(other) >= 5
                and abs(len(other) - len(term)) <= 3
                and (other.startswith(term) or term.startswith(other))
            ]
            if len(self._family_cache) > 100_000:
                self._family_cache.clear()
            self._family_cache[term] = found
        return found

    def known(self, term: str) -> bool:
        """Whether any sentence, title or keyword holds the term."""
        return self.doc_freq(term) > 0 or self.head_freq(term) > 0

    def written(self, word: str) -> bool:
        """Whether any sentence, title or keyword holds the word as it is."""
        return self._freq("surface", word) > 0

    @_guarded
    def written_together(self, first: str, second: str) -> bool:
        """Whether a sentence writes the two words one right after the other: among the
        PAIR_LOOK sentences holding the content words of the two, one whose words have
        them side by side ("case complexity"; "more difficult", a stop word beside a word
        looked up)."""
        key = (first, second)
        found = self._pair_cache.get(key)
        if found is None:
            content = [w for w in key if w not in STOP_WORDS]
            found = False
            if content and all(self.written(w) for w in content):
                q = tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "surface", w))
                        for w in content
                    ]
                )
                pair = f" {first} {second} "
                for _, address in self.searcher.search(q, PAIR_LOOK, count=False).hits:
                    text = _decode(self.searcher.doc(address).get_first("text")) or ""
                    if pair in f" {' '.join(words(text))} ":
                        found = True
                        break
            if len(self._pair_cache) > 100_000:
                self._pair_cache.clear()
            self._pair_cache[key] = found
        return found

    def idf(self, term: str) -> float:
        """BM25's inverse sentence frequency: rare terms weigh more."""
        found = self._idf_cache.get(term)
        if found is None:
            if len(self._idf_cache) > 200_000:
                self._idf_cache.clear()
            n, df = self.sentence_count, self.doc_freq(term)
            found = self._idf_cache[term] = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        return found

    @functools.cached_property
    @_guarded
    def average_length(self) -> float:
        """Terms per sentence, on average: estimated from a sample of sentences, the same
        one however the index's segments fall (ordered by content hash: an unordered sample
        depends on which thread indexed what, and so did every BM25 score)."""
        sample = self.searcher.search(
            tantivy.Query.all_query(), 400, count=False, order_by_field="chash"
        ).hits
        lengths = [
            len(TERMS.analyze(text))
            for _, address in sample
            if (text := _decode(self.searcher.doc(address).get_first("text")))
        ]
        return max(1.0, sum(lengths) / len(lengths)) if lengths else 1.0

    @functools.cached_property
    def max_idf(self) -> float:
        return math.log(1.0 + (self.sentence_count + 0.5) / 0.5)

    @_guarded
    def search(
        self,
        required: Sequence[WeightedWord],
        optional: Sequence[WeightedWord] = (),
        limit: int = 10,
        within: Sequence[str] = (),
    ) -> list[Hit]:
        q = _query(required, "body")
        if q is None or limit <= 0:
            return []
        extra = _query(optional, "body")
        if extra is not None:
            q = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, q), (tantivy.Occur.Should, extra)]
            )
        if within:
            # A filter: the articles' ids add nothing to the score.
            ids = tantivy.Query.term_set_query(SCHEMA, "article", list(within))
            q = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, q),
                    (tantivy.Occur.Must, tantivy.Query.const_score_query(ids, 0.0)),
                ]
            )
        found = self.searcher.search(q, limit, count=False).hits
        if not found:
            return []
        addresses = [address for _, address in found]
        aids = self.searcher.fast_field_values("aid", addresses)
        seqs = self.searcher.fast_field_values("seq", addresses)
        paras = self.searcher.fast_field_values("para", addresses)
        return [
            Hit(int(a or 0), int(s or 0), int(p or 0), float(score), address)
            for (score, address), a, s, p in zip(found, aids, seqs, paras, strict=True)
        ]

    @_guarded
    def sentences(self, hits: Sequence[Hit]) -> list[Sentence]:
        out = []
        for hit in hits:
            doc = self.searcher.doc(hit.address)  # type: ignore[arg-type]
            out.append(
                Sentence(
                    hit.aid,
                    hit.seq,
                    hit.para,
                    _decode(doc.get_first("text")) or "",
                    _decode(doc.get_first("prev")),
                    _decode(doc.get_first("next")),
                )
            )
        return out

    @_guarded
    def by_hash(self, hashes: Sequence[int], limit: int) -> list[Sentence]:
        if not hashes:
            return []
        q = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "chash", h)) for h in hashes]
        )
        found = self.searcher.search(q, limit, count=False).hits
        out = []
        for _, address in found:
            doc = self.searcher.doc(address)
            out.append(
                Sentence(
                    int(doc.get_first("aid") or 0),
                    int(doc.get_first("seq") or 0),
                    int(doc.get_first("para") or 0),
                    _decode(doc.get_first("text")) or "",
                    _decode(doc.get_first("prev")),
                    _decode(doc.get_first("next")),
                )
            )
        return out

    @_guarded
    def titles(self, query: Sequence[WeightedWord], limit: int) -> list[int]:
        q = _query(query, "head")
        if q is None:
            return []
        found = self.searcher.search(q, limit, count=False).hits
        aids = self.searcher.fast_field_values("aid", [address for _, address in found])
        return [int(a) for a in aids if a is not None and int(a) in self.entries]

    def units(self, aid: int) -> list[str]:
        """The dense units of an article's sentences, in order."""
        article = self.article(aid)
        if article is None:
            return []
        return [
            unit_text(s, p.sentences[i - 1] if i else None)
            for p in article.paragraphs
            for i, s in enumerate(p.sentences)
        ]

    @_guarded
    def article(self, aid: int) -> Article | None:
        entry = self.entries.get(aid)
        if entry is None:
            return None
        q = tantivy.Query.term_query(SCHEMA, "record", aid)
        for _, address in self.searcher.search(q, 1, count=False).hits:
            doc = self.searcher.doc(address)
            raw = doc.get_first("paras")
            if isinstance(raw, bytes):
                return _article(entry, json.loads(raw))
        return None

    def newest(self, limit: int) -> list[ArticleInfo]:
        return [e.info for e in self.entries.newest(limit)]

    def dated_since(self, day: dt.date) -> list[ArticleInfo]:
        return [e.info for e in self.entries.since(day)]

    def undated(self, limit: int) -> list[ArticleInfo]:
        return [e.info for e in self.entries.undated(limit)]

    def by_author(self, names: Sequence[str], limit: int) -> list[ArticleInfo]:
        return [e.info for e in self.entries.by_author(names, limit)]

    @functools.cached_property
    def keywords(self) -> list[str]:
        """Every article keyword, once."""
        return self.entries.keywords()

    @_guarded
    def vocabulary(self) -> list[tuple[str, int]]:
        """Every content word of the corpus, and every term (stem) that is not one of its
        words, with the number of documents holding it."""
        words = {w: int(n) for w, n in self.searcher.terms_with_prefix("surface", "")}
        for term, n in self.searcher.terms_with_prefix("body", ""):
            words.setdefault(term, int(n))
        return list(words.items())


# -- storing articles ---------------------------------------------------------------------


def _paras_json(article: Article) -> bytes:
    data = [[list(p.sentences), p.is_note] for p in article.paragraphs]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _article(entry: Entry, paras: list[list[object]]) -> Article:
    info = entry.info
    paragraphs = []
    for number, (sentences, is_note) in enumerate(paras, start=1):
        texts = tuple(str(s) for s in sentences)  # type: ignore[attr-defined]
        paragraphs.append(Paragraph(number, " ".join(texts), texts, bool(is_note)))
    return Article(
        id=info.id,
        title=info.title,
        paragraphs=tuple(paragraphs),
        author=info.author,
        date=info.date,
        url=info.url,
        keywords=info.keywords,
        summary=info.summary,
        content_hash=info.content_hash,
        path=Path(entry.path) if entry.path else None,
    )


def info_of(article: Article) -> ArticleInfo:
    return ArticleInfo(
        id=article.id,
        title=article.title,
        author=article.author,
        date=article.date,
        url=article.url,
        keywords=article.keywords,
        summary=article.summary,
        teaser=teaser(article),
        content_hash=article.content_hash,
        sentences=sum(len(p.sentences) for p in article.paragraphs),
    )


def sentences_of(article: Article, aid: int) -> Iterator[Sentence]:
    """An article's sentences as the index holds them (article number ``aid``): numbered in
    order through the article, each with its paragraph and its neighbours there."""
    seq = 0
    for para in article.paragraphs:
        sentences = para.sentences
        for i, text in enumerate(sentences):
            prev = sentences[i - 1] if i else None
            following = sentences[i + 1] if i + 1 < len(sentences) else None
            yield Sentence(aid, seq, para.number, text, prev, following)
            seq += 1


def _documents(article: Article, aid: int) -> Iterator[tantivy.Document]:
    for s in sentences_of(article, aid):
        doc = tantivy.Document()
        doc.add_text("article", article.id)
        doc.add_integer("aid", aid)
        doc.add_text("body", s.text)
        doc.add_text("surface", s.text)
        doc.add_integer("seq", s.seq)
        doc.add_integer("para", s.para)
        doc.add_integer("chash", content_hash(s.unit))
        doc.add_bytes("text", s.text.encode("utf-8"))
        if s.prev is not None:
            doc.add_bytes("prev", s.prev.encode("utf-8"))
        if s.next is not None:
            doc.add_bytes("next", s.next.encode("utf-8"))
        yield doc
    doc = tantivy.Document()
    doc.add_text("article", article.id)
    doc.add_integer("aid", aid)
    doc.add_integer("record", aid)
    head = " ".join((article.title, *article.keywords))
    doc.add_text("head", head)
    doc.add_text("surface", head)
    doc.add_bytes("paras", _paras_json(article))
    yield doc


@dataclass(frozen=True, slots=True)
class Stamp:
    """Where an article's file is and how it looked when it was read."""

    path: str | None = None
    mtime_ns: int = 0
    size: int = 0


class IndexBusy(Exception):
    """Another process writes to this index folder."""


def _outdated(folder: Path) -> str | None:
    """Why the index in ``folder`` is not of this schema version (None when it is)."""
    try:
        with (folder / _VERSION_FILE).open("rb") as f:
            found = f.read(32).strip()
    except OSError:
        found = b"none"
    if found == str(SCHEMA_VERSION).encode():
        return None
    if found != b"none" and not (found.isascii() and found.isdigit()):
        return f"its {_VERSION_FILE} file is damaged"
    return f"it was written by schema version {found.decode()}, this is {SCHEMA_VERSION}"


def _probe(searcher: tantivy.Searcher) -> None:
    """Read a little of every segment (each field's term dictionary, the first document's
    fast and stored fields), so that damage there is found at open, not by every question."""
    for name in ("article", "body", "surface", "head"):
        searcher.doc_freq(name, "a")
    for name in ("chash", "record"):
        searcher.doc_freq(name, 0)
    for segment in range(searcher.num_segments):
        first = tantivy.DocAddress(segment, 0)
        for name in ("aid", "seq", "para"):
            searcher.fast_field_values(name, [first])
        searcher.doc(first)


class CorpusIndex:
    """The persistent index of one corpus: tantivy documents plus the catalog.

    ``CorpusIndex(None)`` keeps everything in memory (tests, one-off commands). With a folder,
    an index written by another version of the schema, or one that cannot be opened or read,
    is rebuilt empty with one log line; the caller then reindexes the files (``damaged`` says
    when a view met damage after the index was opened: ``rebuild`` it). Only one process may
    write to a folder: a second one gets IndexBusy. A write that fails (a full disk) leaves
    nothing behind and kills tantivy's writer: the next write opens a new one.
    """

    def __init__(self, folder: Path | None, *, writable: bool = True) -> None:
        self.folder = folder
        self._lock: _FolderLock | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._damage = _Damage()
        if folder is None:
            self._start(tantivy.Index(SCHEMA), Catalog(None), writable=True)
        elif not writable:
            catalog = Catalog(folder / _CATALOG_FILE, writable=False)
            self._start(tantivy.Index.open(str(folder)), catalog, False)
        else:
            self._lock = _FolderLock(folder)  # IndexBusy if another process owns it
            try:
                self._open_or_rebuild(folder)
            except BaseException:
                self._lock.release()
                raise

    def _open_or_rebuild(self, folder: Path) -> None:
        if folder.exists():
            reason = _outdated(folder) or self._open(folder)
            if reason is None:
                return
            log.warning("rebuilding the index in %s: %s", folder, reason)
            shutil.rmtree(folder, ignore_errors=True)
        self._create(folder)

    def _create(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(SCHEMA, path=str(folder))
        (folder / _VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n", encoding="utf-8")
        self._start(index, Catalog(folder / _CATALOG_FILE), writable=True)

    def _open(self, folder: Path) -> str | None:
        """Open the index in ``folder``: None if it opened, else why it cannot be used."""
        try:
            index = tantivy.Index.open(str(folder))
            _probe(index.searcher())
            self._start(index, Catalog(folder / _CATALOG_FILE), writable=True)
        except (ValueError, OSError, sqlite3.Error, KeyError) as exc:
            return f"it cannot be opened ({str(exc)[:200]})"
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            return f"it is damaged ({str(exc)[:200]})"
        return None

    def _start(self, index: tantivy.Index, catalog: Catalog, writable: bool) -> None:
        index.register_tokenizer("terms", TERMS)
        index.register_tokenizer("surface", SURFACE)
        self._index = index
        self._writable = writable
        try:
            self.catalog = catalog
            self._next_aid = catalog.max_aid + 1
            self.view = self._make_view()
            if writable:
                self._writer = self._open_writer()
        except BaseException:
            catalog.close()
            raise
        self.catalog = catalog

    def _open_writer(self) -> tantivy.IndexWriter:
        try:
            return self._index.writer(_WRITER_HEAP, _WRITER_THREADS)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise IndexBusy(f"another process writes to {self.folder}") from None
            raise

    def _drop_writer(self) -> None:
        """Discard what the writer holds uncommitted and let it go with its lock (a writer
        that met a write error is dead for good; the next write opens a new one)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.rollback()
            with contextlib.suppress(Exception):
                writer.wait_merging_threads()  # drops it now, whoever still refers to it

    def _make_view(self) -> IndexView:
        self._index.reload()
        return IndexView(self._index.searcher(), self.catalog.snapshot(), self._damage)

    @property
    def entries(self) -> Mapping[int, Entry]:
        return self.view.entries

    def filed(self, article_ids: Iterable[str] | None = None) -> dict[str, Filed]:
        """The indexed articles (all, or those of these ids) by id: each one's number and
        its file's stamp."""
        return self.catalog.filed(article_ids)

    @property
    def damaged(self) -> str | None:
        """What a view found damaged since the index was opened (None: nothing)."""
        return self._damage.reason

    def rebuild(self) -> None:
        """Start again from an empty index, with one log line (its files are damaged); the
        caller then reindexes the files. Until it succeeds, ``damaged`` still says why."""
        if not self._writable:
            raise IndexBusy(f"the index in {self.folder} is read-only here")
        reason = self._damage.reason or "it was found damaged"
        self._damage = _Damage(reason)  # views of the old files no longer report here
        self._drop_writer()
        self.catalog.close()
        if self.folder is None:
            self._start(tantivy.Index(SCHEMA), Catalog(None), writable=True)
        else:
            log.warning("rebuilding the index in %s: %s", self.folder, reason)
            shutil.rmtree(self.folder, ignore_errors=True)
            self._create(self.folder)
        self._damage.reason = None

    def apply(
        self, added: Sequence[tuple[Article, Stamp]], removed: Sequence[str] = ()
    ) -> IndexView:
        """Replace or add ``added``, delete ``removed`` (article ids), commit, and return the
        new view. Documents are always deleted by article id before they are added, so a
        write repeated after a crash leaves no duplicates. A write that fails records
        nothing: the next reconcile writes the same articles again."""
        if not self._writable:
            raise IndexBusy(f"the index in {self.folder} is read-only here")
        by_id = self.catalog.aids([*removed, *(a.id for a, _ in added)])
        try:
            if self._writer is None:  # dropped by a failed write: a new one
                self._writer = self._open_writer()
            new_entries = self._write(self._writer, added, removed, by_id)
            self._writer.commit()
        except BaseException:
            self._drop_writer()  # its uncommitted deletions must not reach a later commit
            raise
        gone = [by_id[article_id] for article_id in dict.fromkeys(removed) if article_id in by_id]
        self.catalog.write(new_entries, gone)
        self.view = self._make_view()
        return self.view

    def _write(
        self,
        writer: tantivy.IndexWriter,
        added: Sequence[tuple[Article, Stamp]],
        removed: Sequence[str],
        by_id: Mapping[str, int],
    ) -> list[Entry]:
        """Queue the deletions and the documents; return the catalog rows they make."""
        for article_id in {*removed, *(a.id for a, _ in added)}:
            writer.delete_documents_by_term("article", article_id)
        new_entries = []
        for article, stamp in added:
            aid = by_id.get(article.id)
            if aid is None:
                aid = self._next_aid
                self._next_aid += 1
            for doc in _documents(article, aid):
                writer.add_document(doc)
            head = " ".join(
                sorted(set(TERMS.analyze(" ".join((article.title, *article.keywords)))))
            )
            new_entries.append(
                Entry(aid, info_of(article), head, stamp.path, stamp.mtime_ns, stamp.size)
            )
        return new_entries

    def restamp(self, entries: Sequence[Entry]) -> None:
        """Record new file stamps for articles whose content did not change."""
        self.catalog.restamp(entries)

    def close(self) -> None:
        """Release the writer and the folder's lock (the index stays on disk)."""
        try:
            self._drop_writer()
            self.catalog.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None


class _FolderLock:
    """An exclusive OS lock on ``<folder>.lock``: one process owns an index folder, and it
    is the only one that may rebuild it. The OS drops the lock if the process dies."""

    def __init__(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(folder.with_name(folder.name + ".lock"), "a+b")  # noqa: SIM115
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            raise IndexBusy(f"another process owns the index in {folder}") from None

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()
