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
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.core.answer import Engine, EngineSettings, lexicon_of
from bot.core.corpus import Article, list_articles, load_article
from bot.core.index import CorpusIndex, Entry, IndexBusy, Stamp
from bot.core.text import SURFACE
from bot.errors import ArticleError, CorpusError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changes:
    """What a reload found, by article id."""

    added: tuple[Article, ...] = ()
    changed: tuple[Article, ...] = ()
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
            changes = Changes() if self.read_only else self._reconcile(settle=False)
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

    async def reload_async(self) -> Changes:
        """Bring the index in step with the folder (in a worker thread) and swap in a new
        Engine if anything changed."""
        if self.read_only:
            return Changes()
        changes = await asyncio.to_thread(self._reconcile, settle=True)
        if changes:
            engine = self.engine
            new_words = [
                w
                for article in (*changes.added, *changes.changed)
                for text in (
                    article.title,
                    *article.keywords,
                    *(s for p in article.paragraphs for s in p.sentences),
                )
                for w in SURFACE.analyze(text)
            ]
            view = self.index.view
            self.engine = Engine(view, engine.lexicon.extend(new_words), self.settings)
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

    def _reconcile(self, *, settle: bool) -> Changes:
        """Compare the folder with the catalog; index what is new or changed, delete what is
        gone. With ``settle``, a file modified in the last ``settle_seconds`` may still be
        being written: its old version (if any) is kept and ``Changes.unsettled`` says when
        to look again. Warnings about a broken file are logged once, not at every rescan."""
        listing = list_articles(self.folder)
        known = {e.info.id: e for e in self.index.entries.values()}
        warnings = list(listing.warnings)
        added: list[tuple[Article, Stamp]] = []
        restamped: list[Entry] = []
        is_new: dict[str, bool] = {}
        unsettled = 0.0
        now = time.time()
        failed: dict[str, tuple[tuple[int, int], str]] = {}
        present: set[str] = set()
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
            key = str(path)
            previous = self._failed.get(key)
            if previous is not None and previous[0] == (info.st_mtime_ns, info.st_size):
                failed[key] = previous
                warnings.append(previous[1])
                continue
            try:
                article = load_article(path, self.max_bytes)
            except ArticleError as exc:
                failed[key] = ((info.st_mtime_ns, info.st_size), f"skipped {exc}")
                warnings.append(f"skipped {exc}")
                continue
            present.add(article_id)
            if entry is not None and entry.info.content_hash == article.content_hash:
                restamped.append(Entry(entry.aid, entry.info, entry.head, *_stamp_fields(stamp)))
                continue
            is_new[article_id] = entry is None
            added.append((article, stamp))
        removed = [i for i in known if i not in present]
        for warning in warnings:
            if warning not in {w for _, w in self._failed.values()} | set(self.warnings):
                log.warning("%s", warning)
        self._failed = failed
        self.warnings = tuple(warnings)
        if added or removed:
            self.index.apply(added, removed)
        if restamped:
            self.index.restamp(restamped)
        return Changes(
            tuple(a for a, _ in added if is_new[a.id]),
            tuple(a for a, _ in added if not is_new[a.id]),
            tuple(removed),
            tuple(warnings),
            unsettled,
        )


def _stamp_fields(stamp: Stamp) -> tuple[str | None, int, int]:
    return stamp.path, stamp.mtime_ns, stamp.size
