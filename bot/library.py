"""The live corpus: the current Engine over the corpus folder, rebuilt when files change.

Answers always read ``library.engine``; a reload builds a new Engine from the files and swaps
the reference in one assignment, so questions never wait for a rebuild and never see half of
one. ``reload`` reports which articles are new, changed or gone, for announcements.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import Article, LoadResult, ParseCache, load_corpus
from bot.core.index import AnalysisCache, Index

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


class Library:
    """Holds the Engine for a corpus folder and rebuilds it when the folder changes.

    Reloads must not overlap (the bot runs them one at a time under one lock).
    """

    def __init__(
        self, folder: Path, settings: EngineSettings, max_bytes: int, settle_seconds: float = 1.0
    ) -> None:
        self.folder = folder
        self.settings = settings
        self.max_bytes = max_bytes
        self.settle_seconds = settle_seconds
        self._parsed: ParseCache = {}
        self._analysed: AnalysisCache = {}
        result = load_corpus(folder, max_bytes, cache=self._parsed)
        with _quiet_gc():
            self.engine = Engine(Index(result.articles, self._analysed), settings)
        self.warnings = result.warnings
        self._warned = set(result.warnings)

    async def reload_async(self, slice_seconds: float = 0.005) -> Changes:
        """Read the folder again (in a worker thread) and, if any article changed, rebuild
        the index on the event loop in slices of a few milliseconds, so answers never wait
        longer than one slice (a rebuild thread would fight them for the GIL instead)."""
        scan = await asyncio.to_thread(
            load_corpus, self.folder, self.max_bytes, log_warnings=False, cache=self._parsed
        )
        steps = self._reload_steps(scan)
        deadline = time.perf_counter() + slice_seconds
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            if time.perf_counter() >= deadline:
                await asyncio.sleep(0)
                deadline = time.perf_counter() + slice_seconds

    def _reload_steps(self, result: LoadResult) -> Generator[None, None, Changes]:
        """Compare a fresh read of the folder with the current articles and rebuild the
        index if any changed.

        A file modified in the last ``settle_seconds`` may still be being written: its old
        version (if any) is kept and ``Changes.unsettled`` says when to look again. Warnings
        about a broken file are logged once, not at every rescan.
        """
        for warning in result.warnings:
            if warning not in self._warned:
                log.warning("%s", warning)
        self._warned = set(result.warnings)
        self.warnings = result.warnings
        old = {a.id: a for a in self.engine.articles}
        now = time.time()
        new: dict[str, Article] = {}
        unsettled = 0.0
        for article in result.articles:
            age = now - _mtime(article)
            if age < self.settle_seconds:
                unsettled = max(unsettled, self.settle_seconds - age)
                if article.id in old:
                    new[article.id] = old[article.id]
                continue
            new[article.id] = article
        added = tuple(a for i, a in new.items() if i not in old)
        changed = tuple(
            a for i, a in new.items() if i in old and old[i].content_hash != a.content_hash
        )
        removed = tuple(i for i in old if i not in new)
        changes = Changes(added, changed, removed, result.warnings, unsettled)
        if changes:
            with _quiet_gc():
                index = yield from Index.steps(list(new.values()), self._analysed)
            self.engine = Engine(index, self.settings)
            keep = {(a.id, a.content_hash) for a in new.values()}
            for key in set(self._analysed) - keep:
                del self._analysed[key]
            log.info(
                "corpus reloaded: %d new, %d changed, %d removed",
                len(added),
                len(changed),
                len(removed),
            )
        return changes


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Build without the cyclic garbage collector, then freeze what was built.

    An index is millions of small objects without reference cycles. Left on, the collector
    walks all of them again and again while they are built (pauses of half a second at
    10,000 articles); frozen, later collections skip them. Reference counting still frees
    an old index when the new one replaces it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _mtime(article: Article) -> float:
    try:
        return article.path.stat().st_mtime if article.path is not None else 0.0
    except OSError:
        return 0.0
