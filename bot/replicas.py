"""Several bot processes on one PostgreSQL: the corpus goes through the database.

One process at a time is the **ingester** (it holds the ``ingester`` role, an advisory
lock): it watches the corpus folder, and polls the feeds that write into it, and records each
new, changed or deleted article file in the database (``Ingester.publish``). Every process,
the ingester too, keeps a **mirror** of the recorded files in a folder of its own, indexes
that, and asks the database every second for what is newer than what it has
(``Mirror.pull``). So a new article becomes answerable on every process, each process's
index stays its own (and answers at once after a restart), and a process on another machine
needs no access to the corpus folder. When the ingester dies its lock goes with its
connection, and another process takes the role within seconds.

On the very first publish, the articles already in the folder are recorded as the back
catalogue (known, never announced), in the same transaction as the files themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from pathlib import Path

from bot.core.corpus import content_digest, list_articles, read_text
from bot.errors import ArticleError, CorpusError
from bot.feeds import write_article
from bot.library import Changes
from bot.storage import Storage

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
_VERSION_FILE = ".version"


class Mirror:
    """This process's copy of the corpus the database records."""

    def __init__(self, storage: Storage, folder: Path) -> None:
        self.storage = storage
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self.version = int((folder / _VERSION_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            self.version = 0

    def pull(self) -> set[str]:
        """Bring the mirror up to date; returns the names of the files that changed."""
        changed: set[str] = set()
        while True:
            rows = self.storage.corpus_since(self.version)
            if not rows:
                return changed
            for name, text, version in rows:
                if "/" in name or name.startswith("."):
                    continue  # never a path out of the mirror
                if text is None:
                    with contextlib.suppress(FileNotFoundError):
                        (self.folder / name).unlink()
                    changed.add(name)
                elif write_article(self.folder, name, text):
                    changed.add(name)
                self.version = max(self.version, version)
            (self.folder / _VERSION_FILE).write_text(str(self.version), encoding="ascii")


class Ingester:
    """Records the corpus folder's article files in the database."""

    def __init__(self, storage: Storage, source: Path, max_bytes: int) -> None:
        self.storage = storage
        self.source = source
        self.max_bytes = max_bytes
        self._broken: dict[str, float] = {}  # broken files warned of, with their mtime

    async def publish_async(self, names: set[str] | None = None) -> Changes:
        return await asyncio.to_thread(self.publish, names)

    def publish(self, names: set[str] | None = None) -> Changes:
        """Record what changed in the folder (among ``names``, or everything); files still
        being written are left for later (``Changes.unsettled`` says when)."""
        try:
            listing = list_articles(self.source, names)
        except CorpusError as exc:
            log.warning("%s", exc)
            return Changes()
        recorded = self.storage.corpus_hashes()
        files: list[tuple[str, str | None, str]] = []
        present: set[str] = set()  # the files there (a broken one counts as gone)
        unsettled = 0.0
        for _, path, info in listing.files:
            age = time.time() - info.st_mtime
            if age < SETTLE_SECONDS:
                unsettled = max(unsettled, SETTLE_SECONDS - age)
                present.add(path.name)
                continue
            try:
                text = read_text(path, self.max_bytes)
            except ArticleError as exc:
                if self._broken.get(path.name) != info.st_mtime:  # once, not every rescan
                    log.warning("skipped %s", exc)
                    self._broken[path.name] = info.st_mtime
                continue
            digest = content_digest(text)
            present.add(path.name)
            if recorded.get(path.name) != digest:
                files.append((path.name, text, digest))
        looked_at = set(recorded) if names is None else set(names) & set(recorded)
        files += [(name, None, "-") for name in sorted(looked_at - present)]
        first = self.storage.get_meta("catalogue") is None
        known = [(os.path.splitext(n)[0], h) for n, text, h in files if text] if first else []
        if files:
            version = self.storage.publish(files, known)
            log.info("recorded %d corpus files (version %d)", len(files), version)
        if first and names is None:
            self.storage.set_meta("catalogue", "seen")
        return Changes(unsettled=unsettled)
