"""The service both fronts use, fully built: the live corpus, the storage, and the planning
of announcements (what is new, what is back catalogue, what was changed).

The console opens it for one command; the Telegram front opens it for the life of the bot
and runs its background work (watcher, sender, embedding) around it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from bot.config import Settings
from bot.core.answer import Engine
from bot.core.corpus import Article, ArticleInfo
from bot.errors import StorageError
from bot.library import Changes, Library, index_folder
from bot.process import embedder
from bot.storage import Storage

log = logging.getLogger(__name__)


def open_library(settings: Settings, *, semantic: bool) -> Library:
    """The corpus the settings name, its index (under the storage folder) brought up to
    date; with ``semantic`` (and a model configured) the embedding model loaded too."""
    folder = settings.corpus.folder
    model = None
    if semantic:
        model = embedder(settings.answers.embedding_model, settings.answers.embedding_threads)
    return Library(
        folder,
        settings.answers.engine,
        settings.corpus.max_file_bytes,
        index_folder(settings.storage.folder, folder),
        embedder=model,
    )


class Service:
    """The library and the storage, and what to announce."""

    def __init__(self, settings: Settings, library: Library, storage: Storage) -> None:
        self.settings = settings
        self.library = library
        self.storage = storage
        # Articles whose announcement could not be queued (the database failed): queued at
        # the next rescan that finds the database working, without a restart.
        self._unqueued: dict[str, Article | ArticleInfo] = {}

    @classmethod
    @contextmanager
    def open(
        cls, settings: Settings, *, semantic: bool = True, owner: bool = False
    ) -> Iterator[Service]:
        """The service for the settings, closed (index, vectors, database) on exit. The
        ``owner`` (the running bot) holds the database's lock: one sender per database."""
        storage = Storage(settings.storage.path, owner=owner)  # first: a second bot stops here
        try:
            library = open_library(settings, semantic=semantic)
        except BaseException:
            storage.close()
            raise
        try:
            yield cls(settings, library, storage)
        finally:
            storage.close()
            library.close()

    @property
    def engine(self) -> Engine:
        """The current engine (replaced by reloads and when the vectors are ready)."""
        return self.library.engine

    # -- announcements ------------------------------------------------------------------------

    def queue_new(self) -> int:
        """At start: the articles already there on the very first start are the back
        catalogue (known, not news); after that, what appeared while the bot was stopped is
        queued. Returns the number of deliveries queued."""
        articles = self.engine.articles
        if self.storage.get_meta("catalogue") is None:
            self.storage.mark_known((a.id, a.content_hash) for a in articles)
            self.storage.set_meta("catalogue", "seen")
            return 0
        return self._queue(articles)

    async def rescan(self, names: set[str] | None = None) -> Changes:
        """Bring the corpus in step with its folder (or the files ``names``) and queue the
        announcements of what is new (and changed, when so configured)."""
        changes = await self.library.reload_async(names)
        self._queue([*self._unqueued.values(), *changes.added, *changes.changed])
        return changes

    def _queue(self, articles: Iterable[Article | ArticleInfo]) -> int:
        """Queue the announcements of these articles; those that fail (the database is
        full, gone, locked) are kept to be queued again at the next rescan."""
        if not self.settings.announcements.enabled:
            return 0
        todo = {a.id: a for a in articles}
        queued = 0
        try:
            for article in self.plan(todo.values()):
                count = self.storage.enqueue(article.id, article.content_hash)
                log.info("announcing %s to %d chats", article.id, count)
                queued += count
                todo.pop(article.id)
            todo.clear()
        except StorageError as exc:
            log.error("announcements wait for the database (%s): %s", ", ".join(todo), exc)
        self._unqueued = todo
        return queued

    def plan(self, articles: Iterable[Article | ArticleInfo]) -> list[Article | ArticleInfo]:
        """The articles to announce now: those never announced, and changed ones if
        configured. Changed ones that are not announced again get their new hash recorded."""
        again = self.settings.announcements.reannounce_changed
        todo: list[Article | ArticleInfo] = []
        quiet: list[tuple[str, str]] = []
        for article in articles:
            known = self.storage.announced_hash(article.id)
            if known is None or (known != article.content_hash and again):
                todo.append(article)
            elif known != article.content_hash:
                quiet.append((article.id, article.content_hash))
        if quiet:
            self.storage.mark_known(quiet)
        return todo
