"""Several bot processes on one PostgreSQL: the corpus goes through the database.

One process at a time is the **ingester** (it holds the ``ingester`` role, an advisory
lock): it watches the corpus folder, and polls the feeds that write into it, and records each
new, changed or deleted article file in the database (``Ingester.publish``). Every process,
the ingester too, keeps a **mirror** of the recorded files in a folder of its own, indexes
that, and asks the database every second for what is newer than what it has
(``Mirror.pull``). So a new article becomes answerable on every process, each process's
index stays its own (and answers at once after a restart), and a process on another machine
needs no access to the corpus folder. When the ingester dies its lock goes with its
connection, and another process takes the role within seconds; the record stays the truth,
so what the new ingester's folder lacks, or holds in an older copy, changes nothing in it
(``Ingester`` says what does).

On the very first publish, the articles already in the folder are recorded as the back
catalogue (known, never announced), in the same transaction as the files themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bot.core.corpus import Listing, content_digest, list_articles, read_text
from bot.core.dense import FloatArray
from bot.core.errors import ArticleError, CorpusError
from bot.runtime.library import Changes
from bot.sources.feeds import write_article
from bot.store.storage import Storage

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


class _Seen(NamedTuple):
    """An article file as the ingester last saw it in its folder."""

    stamp: tuple[int, int]  # modification time (ns) and size: while they hold, not read again
    digest: str


_File = tuple[str, str | None, str]  # what the record takes: name, text (None: deleted), hash


@dataclass
class _Look:
    """What one look at the folder found."""

    present: set[str] = field(default_factory=set)  # the files there (a broken one is gone)
    seen: dict[str, _Seen] = field(default_factory=dict)  # remembered once recorded
    files: list[_File] = field(default_factory=list)  # to record
    unsettled: float = 0.0


class Ingester:
    """Records in the database the changes it sees in the corpus folder's article files.

    The database's record is the truth, and the folder only says what changed, as this
    process saw it during its **tenure**: from taking the role (``take_role``, which
    ``publish_async`` calls when a new watcher task calls it) to losing it. A file is
    recorded when the record lacks it, or when it differs from the record and was written
    since this process last looked at the folder (or, the first time, since it started), so
    an older copy found on taking the role does not replace the record's until it is written
    again. A file is deleted only when this tenure saw it in the folder, holding what the
    record holds, and then saw it go: a folder that lacks files (empty, missing, or another
    machine's) deletes nothing."""

    def __init__(self, storage: Storage, source: Path, max_bytes: int) -> None:
        self.storage = storage
        self.source = source
        self.max_bytes = max_bytes
        self._broken: dict[str, float] = {}  # broken files warned of, with their mtime
        self._seen: dict[str, _Seen] = {}  # the files this tenure saw in the folder
        self._looked = time.time()  # when this process last looked at the folder
        self._since = self._looked  # a file written after this is newer than the record
        self._watcher: asyncio.Task[Any] | None = None
        self._lock = threading.Lock()  # one look at a time; a tenure starts between two

    def take_role(self) -> None:
        """Start a tenure: forget what the folder held (another process may have held the
        role, and the folder changed meanwhile), so that no file missing now is a deletion."""
        with self._lock:
            self._seen.clear()
            self._since = self._looked

    async def publish_async(self, names: set[str] | None = None) -> Changes:
        """``publish`` in a worker thread; the first call from a watcher starts a tenure."""
        task = asyncio.current_task()
        if task is not self._watcher:  # in_role starts the watcher in a new task each tenure
            self._watcher = task
            await asyncio.to_thread(self.take_role)
        return await asyncio.to_thread(self.publish, names)

    def publish(self, names: set[str] | None = None) -> Changes:
        """Record what changed in the folder (among ``names``, or everything); files still
        being written are left for later (``Changes.unsettled`` says when)."""
        with self._lock:
            return self._publish(names)

    def _publish(self, names: set[str] | None) -> Changes:
        looked = time.time()
        try:
            listing = list_articles(self.source, names)
        except CorpusError as exc:  # a missing folder deletes nothing
            log.warning("%s", exc)
            return Changes()
        if names is None and not listing.files and self._seen:
            log.warning(
                "the corpus folder %s is empty: taken for a disk not mounted, not for every "
                "article deleted (the database keeps them)",
                self.source,
            )
            self._seen.clear()
            return Changes()
        recorded = self.storage.corpus_hashes()
        look = self._look(listing, recorded)
        scope = self._seen.keys() if names is None else self._seen.keys() & names
        gone = scope - look.present
        # a copy the record never took (or one it has replaced since) is not the article
        look.files += [
            (n, None, "-") for n in sorted(gone) if recorded.get(n) == self._seen[n].digest
        ]
        self._record(look.files, everything=names is None)
        self._seen.update(look.seen)
        for name in gone:
            del self._seen[name]
        self._looked = looked
        return Changes(unsettled=look.unsettled)

    def _look(self, listing: Listing, recorded: dict[str, str]) -> _Look:
        look = _Look()
        for _, where, info in listing.files:
            path = Path(where)
            wait = SETTLE_SECONDS - (time.time() - info.st_mtime)
            if wait > 0:  # still being written: looked at once it settles
                look.unsettled = max(look.unsettled, wait)
                look.present.add(path.name)
                continue
            found = self._file(path, info, recorded.get(path.name))
            if found is not None:
                look.present.add(path.name)
                look.seen[path.name], change = found
                if change is not None:
                    look.files.append(change)
        return look

    def _file(
        self, path: Path, info: os.stat_result, recorded: str | None
    ) -> tuple[_Seen, _File | None] | None:
        """The file as seen now, and what the record takes of it; None if it cannot be read."""
        stamp = (info.st_mtime_ns, info.st_size)
        before = self._seen.get(path.name)
        if before is not None and before.stamp == stamp:
            return before, None  # not written since the last look
        text = self._read(path, info)
        if text is None:
            return None
        now = _Seen(stamp, content_digest(text))
        newer = before is not None or recorded is None or info.st_mtime > self._since
        return now, (path.name, text, now.digest) if newer and now.digest != recorded else None

    def _read(self, path: Path, info: os.stat_result) -> str | None:
        try:
            return read_text(path, self.max_bytes)
        except ArticleError as exc:
            if self._broken.get(path.name) != info.st_mtime:  # once, not every rescan
                log.warning("skipped %s", exc)
                self._broken[path.name] = info.st_mtime
            return None

    def _record(self, files: list[_File], *, everything: bool) -> None:
        """Record ``files``; on the very first look at everything, as the back catalogue."""
        first = self.storage.get_meta("catalogue") is None
        known = [(os.path.splitext(n)[0], h) for n, text, h in files if text] if first else []
        if files:
            version = self.storage.publish(files, known)
            log.info("recorded %d corpus files (version %d)", len(files), version)
        if first and everything:
            self.storage.set_meta("catalogue", "seen")


class SharedVectors:
    """The fleet's sentence vectors, in the shared database (``library.VectorShare``): each
    sentence is embedded by one process, and every process takes the vectors from there
    into its own nearest-neighbour index. They travel as float16 (768 bytes a sentence);
    every process uses them as stored, the one that made them too, so all agree."""

    def __init__(self, storage: Storage, model: str) -> None:
        self.storage = storage
        self.model = model
        # who embedded a vector: this process, and this library of it
        self.me = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"

    def vectors_for(self, hashes: Sequence[int]) -> dict[int, FloatArray]:
        found = self.storage.shared_vectors(self.model, hashes)
        return {h: _vector(v) for h, v in found.items()}

    def offer_sentences(self, sentences: Sequence[tuple[int, str, int]]) -> None:
        if sentences:
            self.storage.offer_sentences(self.model, sentences)

    def embed_waiting(
        self, limit: int, embed: Callable[[list[str]], FloatArray]
    ) -> list[tuple[int, FloatArray]]:
        def packed(units: list[str]) -> list[bytes]:
            return [row.astype(np.float16).tobytes() for row in embed(units)]

        done = self.storage.embed_claimed(self.model, limit, packed, self.me)
        return [(h, _vector(v)) for h, v in done]


def _vector(data: bytes) -> FloatArray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)
