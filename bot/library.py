"""The live corpus: the current Engine over the corpus folder, rebuilt when files change.

Answers always read ``library.engine``; a reload builds a new Engine from the files and swaps
the reference in one assignment, so questions never wait for a rebuild and never see half of
one. ``reload`` reports which articles are new, changed or gone, for announcements.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.core.answer import Engine, EngineSettings
from bot.core.corpus import Article, load_corpus

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
    """Holds the Engine for a corpus folder and rebuilds it when the folder changes."""

    def __init__(
        self, folder: Path, settings: EngineSettings, max_bytes: int, settle_seconds: float = 1.0
    ) -> None:
        self.folder = folder
        self.settings = settings
        self.max_bytes = max_bytes
        self.settle_seconds = settle_seconds
        self._lock = threading.Lock()
        result = load_corpus(folder, max_bytes)
        self.engine = Engine.from_articles(result.articles, settings)
        self.warnings = result.warnings
        self._warned = set(result.warnings)

    def reload(self) -> Changes:
        """Read the folder again; swap in a new Engine if any article changed.

        A file modified in the last ``settle_seconds`` may still be being written: its old
        version (if any) is kept and ``Changes.unsettled`` says when to look again. Warnings
        about a broken file are logged once, not at every rescan.
        """
        with self._lock:
            result = load_corpus(self.folder, self.max_bytes, log_warnings=False)
            for warning in result.warnings:
                if warning not in self._warned:
                    log.warning("%s", warning)
            self._warned = set(result.warnings)
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
                self.engine = Engine.from_articles(list(new.values()), self.settings)
                log.info(
                    "corpus reloaded: %d new, %d changed, %d removed",
                    len(added),
                    len(changed),
                    len(removed),
                )
            self.warnings = result.warnings
            return changes


def _mtime(article: Article) -> float:
    try:
        return article.path.stat().st_mtime if article.path is not None else 0.0
    except OSError:
        return 0.0
