"""The live corpus: a persistent index of a folder, kept in step with its files.

At start the folder is reconciled with the index's catalog: a file whose size and
modification time are unchanged is trusted; any other is read and hashed, and only a new or
changed content is parsed and indexed; an article whose file is gone is deleted. A restart
with nothing changed reads no file at all. While the bot runs, ``reload_async`` does the same
in a worker thread and swaps in a new Engine in one assignment, so answers never wait for a
reload and never see half of one.

With the semantic stage, the sentences' vectors are computed once (keyed by content, kept
beside the index) by ``embed_pending``, which the bot runs in the background and the
console runs at once when it takes only seconds. The newest articles are embedded first,
and the semantic stage is on as soon as any vectors exist: it uses those there are, and a
question whose candidates include a sentence not yet embedded is ranked lexically, as it
was before (``rank.rerank``), so no answer waits for, or is ranked worse for, another
article's vectors.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.core.answer import Engine, EngineSettings, Semantic, lexicon_of
from bot.core.backends import SearchIndex, Vectors, open_index, open_vectors
from bot.core.catalog import Entry, Filed
from bot.core.corpus import Article, ArticleInfo, list_articles, load_article
from bot.core.dense import Embedder, FloatArray, vector_files
from bot.core.errors import ArticleError, CorpusError, StorageError
from bot.core.index import (
    IndexBusy,
    IndexDamaged,
    Retriever,
    Stamp,
    content_hash,
    info_of,
    vectors_key,
)
from bot.core.query import Lexicon
from bot.core.read import Reader
from bot.core.text import SURFACE

log = logging.getLogger(__name__)

# Files parsed and indexed per commit when many change at once (a first build).
BATCH = 2000
# Sentences embedded between two looks at whether to stop (about half a second's work a
# thread), and how many are pooled from consecutive articles to be run by length.
EMBED_CHUNK = 64
EMBED_POOL = 512
# Sentences a process of a fleet claims at once: enough to be run by length, and few enough
# that the others find work while it embeds them.
EMBED_CLAIM = 256
# Articles whose sentences are looked up in, and offered to, a fleet's vectors at a time.
SHARE_ARTICLES = 200
# Seconds a process opening another's index waits for it to be created, when that one has
# only just begun (it writes the first files in milliseconds).
CREATING_WAIT = 10.0


class VectorShare(Protocol):
    """Vectors a fleet embeds once and shares (``replicas.SharedVectors`` on PostgreSQL)."""

    def vectors_for(self, hashes: Sequence[int]) -> dict[int, FloatArray]:
        """The vectors other processes made for these sentences."""
        ...

    def offer_sentences(self, sentences: Sequence[tuple[int, str, int]]) -> None:
        """Sentences (hash, text, priority) waiting for a vector."""
        ...

    def embed_waiting(
        self, limit: int, embed: Callable[[list[str]], FloatArray]
    ) -> list[tuple[int, FloatArray]]:
        """Embed up to ``limit`` waiting sentences no other process holds; none when
        nothing is left that another process is not already embedding."""
        ...


@dataclass(frozen=True)
class _Run:
    """One embedding run: whom it tells its progress (in sentences), what stops it, and how
    often it saves the vectors."""

    progress: Callable[[int, int], None] | None
    stop: threading.Event | None
    save_every: float

    def tell(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


@dataclass(frozen=True)
class Changes:
    """What a reload found, by article id."""

    added: tuple[ArticleInfo, ...] = ()
    changed: tuple[ArticleInfo, ...] = ()
    removed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Seconds until files that were still being written can be read again; 0 if none.
    unsettled: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def beside(index_dir: Path | None, kind: str) -> Path | None:
    """The folder beside an index where its ``kind`` is kept (``vectors``: its sentences'
    vectors; ``lexicon``: its typo lexicon); None for an index in memory."""
    return None if index_dir is None else index_dir.with_name(f"{index_dir.name}.{kind}")


def vectors_kept(folder: Path | None, model_id: str) -> bool:
    """Whether ``folder`` keeps vectors of the model ``model_id``."""
    return folder is not None and vector_files(folder, model_id)[0].is_file()


def index_folder(storage_dir: Path, corpus: Path) -> Path:
    """Where the index of a corpus folder lives: one per folder, under the storage folder."""
    where = str(corpus.resolve())
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:10]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in corpus.resolve().name)
    return storage_dir / "index" / f"{name or 'corpus'}-{digest}"


class Library:
    """Holds the Engine for a corpus folder and keeps its index in step with the files.

    ``index_dir`` None keeps the index in memory. When another process already writes to
    ``index_dir`` (a running bot, while a console command asks), the index is read as that
    process keeps it, and this one does not write. Reloads must not overlap (the bot runs
    them one at a time under one lock).
    """

    def __init__(
        self,
        folder: Path,
        settings: EngineSettings,
        max_bytes: int,
        index_dir: Path | None = None,
        settle_seconds: float = 1.0,
        embedder: Embedder | None = None,
        reader: Reader | None = None,
        share: VectorShare | None = None,
        reconcile: bool = True,
    ) -> None:
        self.folder = folder
        self.settings = settings
        self.share = share  # a fleet's shared vectors: each sentence embedded once in it
        self.embedded = 0  # sentences this process has run through the model
        self.max_bytes = max_bytes
        self.settle_seconds = settle_seconds
        self.reader = reader
        self.read_only = False
        self._swap = threading.Lock()
        self._embedding = asyncio.Lock()
        self._embedder_busy = threading.Lock()  # held while embed_pending runs
        self._closing = threading.Event()
        if not folder.is_dir():
            raise CorpusError(f"the corpus folder {folder} does not exist or is not a folder")
        self._index_dir = index_dir
        self._failed: dict[str, tuple[tuple[int, int], str]] = {}
        self.warnings: tuple[str, ...] = ()
        started = time.perf_counter()
        with _collector_paused():
            try:
                self.index = open_index(index_dir)
            except IndexBusy:
                log.info("the index in %s is kept by another process; reading it as is", index_dir)
                self.index = _read_only(index_dir)
                self.read_only = True
            try:
                changes, lexicon = self._first_reconcile(reconcile)
            except BaseException:
                self.index.close()
                raise
        view = self.index.view
        self._vectors_dir = beside(index_dir, "vectors")
        self._semantic: Semantic | None = None
        self.embedder: Embedder | None = None  # None without a model
        self._attach(embedder)
        self.engine = Engine(view, lexicon, settings, self._ready(view), reader)
        if changes:
            log.info(
                "indexed %s: %d new, %d changed, %d removed in %.1fs (%d articles)",
                folder,
                len(changes.added),
                len(changes.changed),
                len(changes.removed),
                time.perf_counter() - started,
                view.article_count,
            )

    def _first_reconcile(self, reconcile: bool) -> tuple[Changes, Lexicon]:
        """Bring the index in step with the folder (unless ``reconcile`` is false and the
        index holds articles: a bot whose watcher rescans at once answers from the index
        meanwhile) and read its typo lexicon. Damage met on the way (deeper than opening the
        index looks) is rebuilt from the files, once."""
        later = not reconcile and bool(self.index.entries)
        changes = (
            Changes() if self.read_only or later else self._reconcile(settle=False, words=False)[0]
        )
        try:
            return changes, self._lexicon()
        except IndexDamaged:
            if self.read_only:
                raise
            changes = self._reconcile(settle=False, words=False)[0]  # rebuilds the index first
            return changes, self._lexicon()

    def _lexicon(self) -> Lexicon:
        """The index's typo lexicon: the one kept beside it when the index has not changed
        since (a restart then builds nothing), else built and kept for next time."""
        folder = self._index_dir
        stamp = _index_stamp(folder) if folder is not None else None
        where = beside(folder, "lexicon")
        if where is not None and stamp is not None:
            kept = Lexicon.load(where, stamp)
            if kept is not None:
                return kept
        lexicon = lexicon_of(self.index.view)
        if where is not None and stamp is not None and not self.read_only:
            try:
                lexicon.save(where, stamp)
            except OSError as exc:  # a full disk: built again at the next start
                log.warning("the typo lexicon cannot be kept in %s: %s", where, exc)
        return lexicon

    async def reload_async(
        self, names: Iterable[str] | None = None, *, settle: bool = True
    ) -> Changes:
        """Bring the index in step with the folder (in a worker thread) and swap in a new
        Engine if anything changed. With ``names`` (file names the watcher saw change), only
        those files and the articles they hold are looked at; with ``settle``, files written
        in the last moment are left until they settle (``settle=False``: files written whole,
        as the mirror writes them)."""
        if self.read_only:
            return Changes()
        changes, new_words = await asyncio.to_thread(self._reconcile, settle=settle, names=names)
        if changes:
            self._refresh(self.engine.lexicon.extend(new_words))
            if self._semantic is not None:
                self._semantic.store.forget(changes.removed)
            log.info(
                "corpus reloaded: %d new, %d changed, %d removed",
                len(changes.added),
                len(changes.changed),
                len(changes.removed),
            )
        return changes

    def close(self) -> None:
        """Stop the embedding and wait for it, save the vectors, and release the index (even
        when the vectors cannot be saved)."""
        self._closing.set()
        try:
            with self._embedder_busy:
                if self._semantic is not None:
                    self._semantic.store.save()
        finally:
            self.index.close()

    # -- the semantic stage -----------------------------------------------------------------

    def _attach(self, embedder: Embedder | None) -> None:
        self.embedder = embedder
        if embedder is not None:
            store = open_vectors(
                self._vectors_dir, embedder.id, embedder.dim, read_only=self.read_only
            )
            self._semantic = Semantic(embedder, store)

    def use_models(self, embedder: Embedder | None, reader: Reader | None) -> None:
        """Load the models after all (a console command that found them worth loading):
        the vectors kept beside the index come with the embedder."""
        self._attach(embedder)
        self.reader = reader
        self._refresh()

    def has_vectors(self, model_id: str) -> bool:
        """Whether vectors of this model are kept beside the index (some, or all)."""
        return vectors_kept(self._vectors_dir, model_id)

    @property
    def semantic(self) -> bool:
        """Whether the semantic stage is configured (answers may still be lexical)."""
        return self._semantic is not None

    def _uncovered(self, view: Retriever) -> list[Entry]:
        """The view's articles whose sentences do not all have vectors yet."""
        if self._semantic is None:
            return []
        store = self._semantic.store
        return [
            e for e in view.entries.values() if not store.covers(e.info.id, vectors_key(e.info))
        ]

    def _ready(self, view: Retriever) -> Semantic | None:
        """The semantic stage, once there are vectors to use."""
        semantic = self._semantic
        return semantic if semantic is not None and len(semantic.store) else None

    def _refresh(self, lexicon: Lexicon | None = None) -> None:
        """Swap in an engine over the current view (semantic when it is ready)."""
        with self._swap:
            view = self.index.view
            lexicon = lexicon or self.engine.lexicon
            self.engine = Engine(view, lexicon, self.settings, self._ready(view), self.reader)

    async def embed_in_background(self, stop: threading.Event) -> None:
        """Embed what is pending in a worker thread, with a log line now and then; the bot
        calls this at start and after each reload that brought new articles (one at a
        time: a second call waits for the first, then embeds what is left)."""
        async with self._embedding:
            pending = self.pending_sentences()
            if not pending or self.read_only:
                return
            log.info(
                "embedding %d sentences, the newest articles first; each article's answers "
                "use meaning once its sentences are embedded",
                pending,
            )
            started = time.monotonic()
            last = [started]

            def progress(done: int, total: int) -> None:
                if time.monotonic() - last[0] >= 30:
                    last[0] = time.monotonic()
                    log.info("embedded %d of %d sentences", done, total)

            if await asyncio.to_thread(self.embed_pending, progress, stop):
                elapsed = time.monotonic() - started
                log.info("semantic answers on: %d sentences embedded in %.1fs", pending, elapsed)

    def pending_sentences(self) -> int:
        """Sentences of articles that are not yet embedded (some may share a stored vector)."""
        return sum(max(1, e.info.sentences) for e in self._uncovered(self.index.view))

    def unfinished(self, files: bool = True) -> tuple[int, int]:
        """What the process that owns a read-only index has still to do, as far as this one
        can tell: the folder's article files it does not hold as they are now (new, or changed
        in content; a file that cannot be read as an article is not counted, as its owner
        skips it too; 0 without ``files``, which spares listing the folder), and the
        sentences it has not embedded yet. (0, 0) where this process writes the index: it
        does both itself."""
        if not self.read_only:
            return 0, 0
        if not files:
            return 0, self.pending_sentences()
        known = self.index.filed()
        entries = self.index.view.entries
        waiting = 0
        for article_id, path, info in list_articles(self.folder).files:
            filed = known.get(article_id)
            if filed is not None and filed.aid in entries and _same_stamp(filed, path, info):
                continue  # in the view this process answers from, as the file is now
            try:
                article = load_article(Path(path), self.max_bytes)
            except ArticleError:
                continue
            entry = entries.get(filed.aid) if filed is not None else None
            if entry is None or entry.info.content_hash != article.content_hash:
                waiting += 1
        return waiting, self.pending_sentences()

    def embed_pending(
        self,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        save_every: float = 60.0,
    ) -> bool:
        """Embed the sentences of every article that has no vectors yet (blocking: run it
        in a thread), saving now and then; swap in the semantic engine when all are done.
        ``progress(done, total)`` is told in sentences. Returns False if stopped first, by
        ``stop`` or by ``close`` (which waits for it)."""
        semantic = self._semantic
        if semantic is None or self.read_only:  # the owner of the index embeds
            return semantic is None
        with self._embedder_busy:
            embed = self._embed if self.share is None else self._embed_in_fleet
            if not embed(semantic, _Run(progress, stop, save_every)):
                return False
            self._refresh()
            return self.engine.semantic is not None or not self.index.view.entries

    def _to_embed(self, view: Retriever) -> list[Entry]:
        """The view's articles that lack vectors, the newest first (undated ones last)."""
        return sorted(self._uncovered(view), key=_priority, reverse=True)

    def _stopped(self, stop: threading.Event | None) -> bool:
        return self._closing.is_set() or (stop is not None and stop.is_set())

    def _embed(self, semantic: Semantic, run: _Run) -> bool:
        """Embed and cover the view's uncovered articles, the newest first (their answers
        use meaning as soon as each is done); False if stopped first.

        The sentences of consecutive articles are pooled (up to ``EMBED_POOL``) and run
        shortest first, so that a batch holds sentences of about one length and little
        of the model's work goes to padding; a stop is heard between two chunks."""
        store, view = semantic.store, self.index.view
        todo = self._to_embed(view)
        total, done = sum(e.info.sentences for e in todo), 0
        last_save = time.monotonic()
        articles: list[Entry] = []
        pool: dict[int, str] = {}
        for number, entry in enumerate(todo):
            pool.update(_unembedded(view, store, entry))
            articles.append(entry)
            if len(pool) < EMBED_POOL and number + 1 < len(todo):
                continue
            if not self._embed_pool(semantic, pool, run.stop):
                store.save()
                return False
            for article in articles:
                store.cover(article.info.id, vectors_key(article.info))
                done += article.info.sentences
            articles, pool = [], {}
            if self.engine.semantic is None:  # the first vectors: the semantic stage is on
                self._refresh()
            run.tell(done, total)
            if time.monotonic() - last_save > run.save_every:
                store.save()
                last_save = time.monotonic()
        store.save()
        return True

    def _embed_pool(
        self, semantic: Semantic, pool: dict[int, str], stop: threading.Event | None
    ) -> bool:
        """Embed the pooled sentences, shortest first, a chunk at a time (each thread of
        the model a batch of it); False if stopped first."""
        ordered = sorted(pool.items(), key=lambda hu: len(hu[1]))
        step = EMBED_CHUNK * semantic.embedder.threads
        for start in range(0, len(ordered), step):
            if self._stopped(stop):
                return False
            chunk = ordered[start : start + step]
            vectors = self._run_model(semantic, [unit for _, unit in chunk])
            semantic.store.add([h for h, _ in chunk], vectors)
        return True

    def _run_model(self, semantic: Semantic, units: list[str]) -> FloatArray:
        self.embedded += len(units)
        return semantic.embedder.embed(units)

    def _embed_in_fleet(self, semantic: Semantic, run: _Run) -> bool:
        """``_embed_shared``, carried on when the database is back after an outage."""
        while True:
            try:
                return self._embed_shared(semantic, run)
            except StorageError as exc:
                log.warning("embedding waits for the database: %s", exc)
                semantic.store.save()
                if (run.stop or self._closing).wait(5.0) or self._closing.is_set():
                    return False

    def _embed_shared(self, semantic: Semantic, run: _Run) -> bool:
        """``_embed`` for a process of a fleet: each sentence is embedded once fleet-wide.
        The sentences this process lacks are taken from the vectors the others made, and
        the rest offered to the fleet; then every process claims batches of what waits (the
        newest articles first) until nothing is left, and takes what the others embedded
        meanwhile. False if stopped first."""
        assert self.share is not None
        share, store, view = self.share, semantic.store, self.index.view
        todo = self._to_embed(view)
        total, done = sum(e.info.sentences for e in todo), 0
        waiting: dict[int, set[int]] = {}  # article → the hashes it still lacks
        wanted: dict[int, list[int]] = {}  # hash → the articles that lack it

        def landed(hashes: Iterable[int], articles: Iterable[int] = ()) -> None:
            """These vectors are here now: cover the articles they complete."""
            nonlocal done
            complete = list(articles)
            for h in hashes:
                for aid in wanted.pop(h, ()):
                    lacking = waiting[aid]
                    lacking.discard(h)
                    if not lacking:
                        complete.append(aid)
            for aid in complete:
                entry = view.entries[aid]
                store.cover(entry.info.id, vectors_key(entry.info))
                del waiting[aid]
                done += entry.info.sentences
            if complete and self.engine.semantic is None:
                self._refresh()  # the first vectors: the semantic stage is on
            if complete:
                run.tell(done, total)

        for start in range(0, len(todo), SHARE_ARTICLES):
            offered: dict[int, tuple[str, int]] = {}
            whole: list[int] = []
            for entry in todo[start : start + SHARE_ARTICLES]:
                units = _unembedded(view, store, entry)
                waiting[entry.aid] = set(units)
                if not units:
                    whole.append(entry.aid)
                for h, unit in units.items():
                    wanted.setdefault(h, []).append(entry.aid)
                    offered.setdefault(h, (unit, _priority(entry)))
            found = share.vectors_for(list(offered))
            self._take(store, found)
            share.offer_sentences([(h, u, p) for h, (u, p) in offered.items() if h not in found])
            landed(found, whole)
        last_save, idle = time.monotonic(), 0.0
        while waiting:
            if self._stopped(run.stop):
                store.save()
                return False
            claimed = dict(
                share.embed_waiting(EMBED_CLAIM, lambda u: self._run_model(semantic, u))
            )
            if not claimed:  # what is left is being embedded elsewhere: take it once there
                claimed = share.vectors_for(list(wanted))
                idle = 0.0 if claimed else min(max(idle * 2, 0.05), 1.0)
                if idle:
                    (run.stop or self._closing).wait(idle)
            self._take(store, claimed)
            landed(claimed)
            if time.monotonic() - last_save > run.save_every:
                store.save()
                last_save = time.monotonic()
        store.save()
        return True

    @staticmethod
    def _take(store: Vectors, vectors: dict[int, FloatArray]) -> None:
        if vectors:
            hashes = list(vectors)
            store.add(hashes, np.vstack([vectors[h] for h in hashes]))

    # -- reconciling ------------------------------------------------------------------------

    def _reconcile(
        self, *, settle: bool, names: Iterable[str] | None = None, words: bool = True
    ) -> tuple[Changes, list[str]]:
        """Compare the folder (or the files ``names``) with the catalog; index what is new or
        changed, delete what is gone; return the changes and (with ``words``) the content
        words they brought.

        A file whose stamp (size, modification time) is unchanged is trusted; any other is
        read and indexed only if its content hash changed. Files are parsed and indexed in
        batches, so memory stays bounded and an interrupted first build resumes where it
        stopped. With ``settle``, a file modified in the last ``settle_seconds`` may still be
        being written: its old version (if any) is kept and ``Changes.unsettled`` says when
        to look again. Warnings about a broken file are logged once, not at every rescan.
        An index a question found damaged is rebuilt first (one log line), and so indexed
        again from the files."""
        if self.index.damaged is not None:
            self.index.rebuild()
        scope: set[str] | None = None
        if names is not None:
            names = {Path(n).name for n in names}
            scope = {os.path.splitext(n)[0] for n in names}
        known = self.index.filed(scope)  # a few files' rows, or every article's
        if names is not None:
            names |= {Path(f.path or "").name for f in known.values()}
        listing = list_articles(self.folder, names)
        warnings = list(listing.warnings)
        failed = {
            k: v for k, v in self._failed.items() if scope is not None and _stem(k) not in scope
        }
        present: set[str] = set()
        to_read: list[tuple[str, str, Stamp]] = []
        unsettled = 0.0
        now = time.time()
        for article_id, path, info in listing.files:
            stamp = Stamp(path, info.st_mtime_ns, info.st_size)
            filed = known.get(article_id)
            if filed is not None and _same_stamp(filed, path, info):
                present.add(article_id)
                continue
            age = now - info.st_mtime_ns / 1e9
            if settle and age < self.settle_seconds:
                unsettled = max(unsettled, self.settle_seconds - age)
                if filed is not None:
                    present.add(article_id)
                continue
            previous = self._failed.get(path)
            if previous is not None and previous[0] == (info.st_mtime_ns, info.st_size):
                failed[path] = previous
                warnings.append(previous[1])
                continue
            to_read.append((article_id, path, stamp))
        added: list[ArticleInfo] = []
        changed: list[ArticleInfo] = []
        new_words: dict[str, None] = {}  # each once: a folder's words, not its every word
        restamped: list[Entry] = []
        for start in range(0, len(to_read), BATCH):
            batch: list[tuple[Article, Stamp]] = []
            for article_id, path, stamp in to_read[start : start + BATCH]:
                try:
                    article = load_article(Path(path), self.max_bytes)
                except ArticleError as exc:
                    failed[path] = ((stamp.mtime_ns, stamp.size), f"skipped {exc}")
                    warnings.append(f"skipped {exc}")
                    continue
                present.add(article_id)
                filed = known.get(article_id)
                entry: Entry | None = (
                    self.index.view.entries.get(filed.aid) if filed is not None else None
                )
                if entry is not None and entry.info.content_hash == article.content_hash:
                    restamped.append(
                        Entry(entry.aid, entry.info, entry.head_text, *_fields(stamp))
                    )
                    continue
                batch.append((article, stamp))
                (added if filed is None else changed).append(info_of(article))
                if words:  # a start reads the whole lexicon from the index after
                    new_words.update(dict.fromkeys(_surface_words(article)))
            if batch:
                self.index.apply(batch)
                if len(to_read) > BATCH:
                    log.info(
                        "indexed %d of %d files", min(start + BATCH, len(to_read)), len(to_read)
                    )
        removed = [i for i in known if i not in present and (scope is None or i in scope)]
        if removed:
            self.index.apply([], removed)
        if restamped:
            self.index.restamp(restamped)
        if scope is not None:  # the warnings about other files still stand
            warnings += [w for _, w in failed.values() if w not in warnings]
        logged = set(self.warnings)
        for warning in warnings:
            if warning not in logged:
                log.warning("%s", warning)
        self._failed = failed
        self.warnings = tuple(warnings)
        changes = Changes(tuple(added), tuple(changed), tuple(removed), tuple(warnings), unsettled)
        return changes, list(new_words)


def _surface_words(article: Article) -> list[str]:
    """The content words of an article as the typo lexicon holds them."""
    texts = (article.title, *article.keywords, *(p.text for p in article.paragraphs))
    return [w for text in texts for w in SURFACE.analyze(text)]


def _read_only(index_dir: Path | None) -> SearchIndex:
    """The index another process owns, opened read-only. An owner that has only just begun
    may not have written the index's files yet (a first run, or a rebuild): this waits for
    them up to CREATING_WAIT seconds, then says so."""
    deadline = time.monotonic() + CREATING_WAIT
    while True:
        try:
            return open_index(index_dir, writable=False)
        except (ValueError, OSError, sqlite3.Error) as exc:
            if time.monotonic() >= deadline:
                raise CorpusError(
                    f"another process keeps the index in {index_dir} and has not finished"
                    f" creating it ({str(exc)[:200]}); run this again when it has (or give"
                    " this command a storage path of its own in its config)"
                ) from None
            time.sleep(0.1)


def _same_stamp(filed: Filed, path: str, info: os.stat_result) -> bool:
    """Whether a file is as the index last read it (path, modification time, size)."""
    return (filed.path, filed.mtime_ns, filed.size) == (path, info.st_mtime_ns, info.st_size)


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _fields(stamp: Stamp) -> tuple[str | None, int, int]:
    return stamp.path, stamp.mtime_ns, stamp.size


def _priority(entry: Entry) -> int:
    """Which articles are embedded first, here and in the fleet's queue: the higher the
    sooner (the newest by date; an undated one after every dated one)."""
    date = entry.info.date
    return date.toordinal() if date is not None else 0


def _unembedded(view: Retriever, store: Vectors, entry: Entry) -> dict[int, str]:
    """An article's sentences that have no vector yet, by content hash."""
    units = {content_hash(u): u for u in view.units(entry.aid)}
    return {h: units[h] for h in store.missing(list(units))}


def _index_stamp(folder: Path) -> str | None:
    """What identifies the index's state: its metadata (written anew at every commit) and
    the name, size and time of each of its files (so that a file changed behind its back
    is not trusted either); not the catalog, which changes without the words."""
    try:
        digest = hashlib.sha256((folder / "meta.json").read_bytes())
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if not entry.name.startswith("catalog.") and entry.is_file():
                    info = entry.stat()
                    digest.update(f"{entry.name} {info.st_size} {info.st_mtime_ns}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()[:20]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Opening an index makes an object or more for each of its articles, and they all live
    on: Python's cycle collector, run again and again meanwhile, would find nothing to free
    (a third of a restart's time at 100,000 articles). It is paused for the opening."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
