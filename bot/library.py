"""The live corpus: a persistent index of a folder, kept in step with its files.

At start the folder is reconciled with the index's catalog: a file whose size and
modification time are unchanged is trusted; any other is read and hashed, and only a new or
changed content is parsed and indexed; an article whose file is gone is deleted. A restart
with nothing changed reads no file at all. While the bot runs, ``reload_async`` does the same
in a worker thread and swaps in a new Engine in one assignment, so answers never wait for a
reload and never see half of one.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.core.answer import Engine, EngineSettings, lexicon_of
from bot.core.corpus import Article, ArticleInfo, list_articles, load_article
from bot.core.index import CorpusIndex, Entry, IndexBusy, Stamp, info_of
from bot.core.text import SURFACE
from bot.errors import ArticleError, CorpusError

log = logging.getLogger(__name__)

# Files parsed and indexed per commit when many change at once (a first build).
BATCH = 2000


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


def index_folder(storage_dir: Path, corpus: Path) -> Path:
    """Where the index of a corpus folder lives: one per folder, under the storage folder."""
    where = str(corpus.resolve())
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:10]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in corpus.resolve().name)
    return storage_dir / "index" / f"{name or 'corpus'}-{digest}"


def engine_settings(settings: Settings) -> EngineSettings:
    return EngineSettings(
        min_confidence=settings["answers.min_confidence"],
        summary_sentences=settings["answers.summary_sentences"],
        max_citations=settings["answers.max_citations"],
    )


def open_library(settings: Settings) -> Library:
    """The corpus the settings name, its index (under the storage folder) brought up to
    date; files that are skipped are logged."""
    folder: Path = settings["corpus.folder"]
    storage_dir: Path = settings["storage.path"].parent
    return Library(
        folder,
        engine_settings(settings),
        settings["corpus.max_file_bytes"],
        index_folder(storage_dir, folder),
    )


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
    ) -> None:
        self.folder = folder
        self.settings = settings
        self.max_bytes = max_bytes
        self.settle_seconds = settle_seconds
        self.read_only = False
        if not folder.is_dir():
            raise CorpusError(f"the corpus folder {folder} does not exist or is not a folder")
        try:
            self.index = CorpusIndex(index_dir)
        except IndexBusy:
            log.info("the index in %s is kept by another process; reading it as it is", index_dir)
            self.index = CorpusIndex(index_dir, writable=False)
            self.read_only = True
        self._failed: dict[str, tuple[tuple[int, int], str]] = {}
        self.warnings: tuple[str, ...] = ()
        started = time.perf_counter()
        try:
            changes = Changes() if self.read_only else self._reconcile(settle=False)[0]
        except BaseException:
            self.index.close()
            raise
        view = self.index.view
        self.engine = Engine(view, lexicon_of(view), settings)
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

    async def reload_async(self, names: Iterable[str] | None = None) -> Changes:
        """Bring the index in step with the folder (in a worker thread) and swap in a new
        Engine if anything changed. With ``names`` (file names the watcher saw change), only
        those files and the articles they hold are looked at."""
        if self.read_only:
            return Changes()
        changes, new_words = await asyncio.to_thread(self._reconcile, settle=True, names=names)
        if changes:
            lexicon = self.engine.lexicon.extend(new_words)
            self.engine = Engine(self.index.view, lexicon, self.settings)
            log.info(
                "corpus reloaded: %d new, %d changed, %d removed",
                len(changes.added),
                len(changes.changed),
                len(changes.removed),
            )
        return changes

    def close(self) -> None:
        self.index.close()

    # -- reconciling ------------------------------------------------------------------------

    def _reconcile(
        self, *, settle: bool, names: Iterable[str] | None = None
    ) -> tuple[Changes, list[str]]:
        """Compare the folder (or the files ``names``) with the catalog; index what is new or
        changed, delete what is gone; return the changes and the content words they brought.

        A file whose stamp (size, modification time) is unchanged is trusted; any other is
        read and indexed only if its content hash changed. Files are parsed and indexed in
        batches, so memory stays bounded and an interrupted first build resumes where it
        stopped. With ``settle``, a file modified in the last ``settle_seconds`` may still be
        being written: its old version (if any) is kept and ``Changes.unsettled`` says when
        to look again. Warnings about a broken file are logged once, not at every rescan."""
        known = {e.info.id: e for e in self.index.entries.values()}
        scope: set[str] | None = None
        if names is not None:
            names = {Path(n).name for n in names}
            scope = {os.path.splitext(n)[0] for n in names}
            names |= {Path(known[i].path or "").name for i in scope if i in known}
        listing = list_articles(self.folder, names)
        warnings = list(listing.warnings)
        failed = {
            k: v for k, v in self._failed.items() if scope is not None and _stem(k) not in scope
        }
        present: set[str] = set()
        to_read: list[tuple[str, Path, Stamp]] = []
        unsettled = 0.0
        now = time.time()
        for article_id, path, info in listing.files:
            stamp = Stamp(str(path), info.st_mtime_ns, info.st_size)
            entry = known.get(article_id)
            if entry is not None and (entry.path, entry.mtime_ns, entry.size) == (
                stamp.path,
                stamp.mtime_ns,
                stamp.size,
            ):
                present.add(article_id)
                continue
            age = now - info.st_mtime_ns / 1e9
            if settle and age < self.settle_seconds:
                unsettled = max(unsettled, self.settle_seconds - age)
                if entry is not None:
                    present.add(article_id)
                continue
            previous = self._failed.get(str(path))
            if previous is not None and previous[0] == (info.st_mtime_ns, info.st_size):
                failed[str(path)] = previous
                warnings.append(previous[1])
                continue
            to_read.append((article_id, path, stamp))
        added: list[ArticleInfo] = []
        changed: list[ArticleInfo] = []
        new_words: list[str] = []
        restamped: list[Entry] = []
        for start in range(0, len(to_read), BATCH):
            batch: list[tuple[Article, Stamp]] = []
            for article_id, path, stamp in to_read[start : start + BATCH]:
                try:
                    article = load_article(path, self.max_bytes)
                except ArticleError as exc:
                    failed[str(path)] = ((stamp.mtime_ns, stamp.size), f"skipped {exc}")
                    warnings.append(f"skipped {exc}")
                    continue
                present.add(article_id)
                entry = known.get(article_id)
                if entry is not None and entry.info.content_hash == article.content_hash:
                    restamped.append(Entry(entry.aid, entry.info, entry.head, *_fields(stamp)))
                    continue
                batch.append((article, stamp))
                (added if entry is None else changed).append(info_of(article))
                new_words.extend(_surface_words(article))
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
        return changes, new_words


def _surface_words(article: Article) -> list[str]:
    """The content words of an article as the typo lexicon holds them."""
    texts = (article.title, *article.keywords, *(p.text for p in article.paragraphs))
    return [w for text in texts for w in SURFACE.analyze(text)]


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _fields(stamp: Stamp) -> tuple[str | None, int, int]:
    return stamp.path, stamp.mtime_ns, stamp.size
