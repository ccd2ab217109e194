"""The service both fronts use, fully built: the live corpus, the storage, and the planning
of announcements (what is new, what is back catalogue, what was changed).

The console opens it for one command; the Telegram front opens it for the life of the bot
and runs its background work (watcher, sender, embedding) around it.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.core.answer import Engine, newest_first
from bot.core.corpus import Article, ArticleInfo
from bot.core.errors import CorpusError, StorageError
from bot.core.records import Subscription
from bot.runtime import render
from bot.runtime.config import Settings
from bot.runtime.library import Changes, Library, index_folder
from bot.runtime.process import embedder, reader
from bot.runtime.replicas import Mirror, SharedVectors
from bot.store.face import Store
from bot.store.storage import Storage

log = logging.getLogger(__name__)

# The example articles shipped with the bot: a corpus folder that does not exist yet is made
# with them, so that a first start answers at once.
EXAMPLES = Path(__file__).resolve().parents[2] / "seeds"


def make_corpus(folder: Path) -> None:
    """Make a missing corpus folder, with the example articles in it."""
    if folder.exists() or folder.is_symlink():
        return
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise CorpusError(f"the corpus folder {folder} cannot be made: {exc.strerror}") from None
    examples = sorted(EXAMPLES.glob("*.*")) if EXAMPLES.is_dir() else []
    for path in examples:
        shutil.copy2(path, folder / path.name)
    log.warning(
        "made the corpus folder %s, with %d example articles: put your own there",
        folder,
        len(examples),
    )


def open_library(
    settings: Settings,
    *,
    semantic: bool,
    storage: Storage | None = None,
    reconcile: bool = True,
) -> Library:
    """The corpus the settings name, its index (under the storage folder) brought up to
    date; with ``semantic`` (and a model configured) the embedding model loaded too. On a
    shared ``storage`` the vectors are the fleet's: each sentence embedded once in it."""
    folder = settings.corpus.folder
    make_corpus(folder)
    model = checker = share = None
    if semantic:
        model = embedder(settings.answers.embedding_model, settings.answers.embedding_threads)
        answers = settings.answers
        checker = reader(
            answers.reader_model,
            answers.embedding_threads,
            answers.span_reader,
            answers.answer_gate,
        )
    if model is not None and storage is not None and storage.shared:
        share = SharedVectors(storage, model.id)
    return Library(
        folder,
        settings.answers.engine,
        settings.corpus.max_file_bytes,
        index_folder(settings.storage.folder, folder),
        embedder=model,
        reader=checker,
        share=share,
        reconcile=reconcile,
    )


def zone_of(name: str) -> dt.tzinfo:
    """A time zone by its IANA name (UTC if it is not one)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def last_schedule(local: dt.datetime, mode: str, hour: int, weekday: int) -> dt.datetime:
    """The latest time a digest of ``mode`` was due at or before ``local`` (an aware time in
    the chat's zone): the day's ``hour``, on ``weekday`` (0 Monday) for a weekly one."""
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at > local:
        at -= dt.timedelta(days=1)
    if mode == "weekly":
        at -= dt.timedelta(days=(at.weekday() - weekday) % 7)
    return at


def period_window(period: str) -> tuple[str, dt.datetime, dt.datetime]:
    """A digest period's mode and time window, from its key ("daily:START/END", both times
    in the chat's zone, so a day that changes the clocks is still eight to eight)."""
    mode, _, span = period.partition(":")
    start, _, end = span.partition("/")
    return mode, dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)


def period_key(mode: str, end: dt.datetime, hour: int, weekday: int) -> str:
    """The key of the period of ``mode`` that ends at the schedule ``end``."""
    start = last_schedule(end - dt.timedelta(seconds=1), mode, hour, weekday)
    return f"{mode}:{start.isoformat()}/{end.isoformat()}"


class Service:
    """The library and the storage, and what to announce."""

    def __init__(
        self, settings: Settings, library: Library, storage: Storage, mirror: Mirror | None = None
    ) -> None:
        self.settings = settings
        self.library = library
        self.storage = storage
        self.store = Store(storage)  # the storage's async face, for the event loop
        self.mirror = mirror  # on a shared database: this process's copy of the corpus
        # Articles whose announcement could not be queued (the database failed): queued at
        # the next rescan that finds the database working, without a restart.
        self._unqueued: dict[str, Article | ArticleInfo] = {}

    @classmethod
    @contextmanager
    def open(
        cls,
        settings: Settings,
        *,
        semantic: bool = True,
        owner: bool = False,
        answer_first: bool = False,
    ) -> Iterator[Service]:
        """The service for the settings, closed (index, vectors, database) on exit. The
        ``owner`` (the running bot) holds the database's lock: one sender per database. With
        ``answer_first`` (the bot, whose folder watcher rescans as it starts) a restart
        answers from the index as it is, without first looking at every file."""
        storage = Storage(settings.storage.database, owner=owner)  # first: a second bot stops here
        mirror = None
        try:
            if storage.shared:  # several processes: each indexes its mirror of the corpus
                mirror = Mirror(storage, settings.storage.folder / "corpus")
                mirror.pull()
                library = open_library(
                    settings.replace(**{"corpus.folder": mirror.folder}),
                    semantic=semantic,
                    storage=storage,
                )
            else:
                library = open_library(settings, semantic=semantic, reconcile=not answer_first)
        except BaseException:
            storage.close()
            raise
        service = cls(settings, library, storage, mirror)
        try:
            yield service
        finally:
            service.store.close()
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
        if self.storage.shared:  # the ingester records the back catalogue as it publishes
            return self._queue(articles)
        if self.storage.get_meta("catalogue") is None:
            self.storage.mark_known((a.id, a.content_hash) for a in articles)
            self.storage.set_meta("catalogue", "seen")
            return 0
        return self._queue(articles)

    async def sync(self) -> Changes:
        """On a shared database: bring the mirror and the index up to date with what the
        ingester recorded, and queue the announcements (once across processes)."""
        if self.mirror is None:
            return Changes()
        names = await self.store.run(self.mirror.pull)
        if not names:
            return Changes()
        return await self.rescan(names, settle=False)

    async def rescan(self, names: set[str] | None = None, *, settle: bool = True) -> Changes:
        """Bring the corpus in step with its folder (or the files ``names``) and queue the
        announcements of what is new (and changed, when so configured)."""
        changes = await self.library.reload_async(names, settle=settle)
        await self.store.run(
            self._queue, [*self._unqueued.values(), *changes.added, *changes.changed]
        )
        return changes

    def _queue(self, articles: Iterable[Article | ArticleInfo]) -> int:
        """Queue the announcements of these articles; those that fail (the database is
        full, gone, locked) are kept to be queued again at the next rescan."""
        if not self.settings.announcements.enabled:
            return 0
        todo = {a.id: a for a in articles}
        queued = 0
        try:
            subscriptions = self.storage.subscriptions(active_only=True)
            for article in self.plan(todo.values()):
                to = self._recipients(article.id, subscriptions)
                count = self.storage.enqueue(article.id, article.content_hash, to)
                log.info("announcing %s to %d chats", article.id, count)
                queued += count
                todo.pop(article.id)
            todo.clear()
        except StorageError as exc:
            log.error("announcements wait for the database (%s): %s", ", ".join(todo), exc)
        self._unqueued = todo
        return queued

    def _recipients(
        self, article_id: str, subscriptions: list[Subscription]
    ) -> list[tuple[int, int]]:
        """The chats (and topics) that take this article on its own: every subscription of
        one message per article whose topics, if any, the article is about."""
        article = self.engine.get(article_id)
        return [
            (s.chat_id, s.thread_id)
            for s in subscriptions
            if s.mode == "each"
            and (
                not s.filters or (article is not None and self.engine.on_topic(article, s.filters))
            )
        ]

    # -- digests --------------------------------------------------------------------------------

    def queue_digests(self, now: dt.datetime | None = None) -> int:
        """Queue every digest whose time has come (once per period, whatever restarts
        happen: a period's digest is one row); returns how many were queued."""
        now = now or dt.datetime.now(dt.UTC)
        settings = self.settings.announcements
        queued = 0
        for sub in self.storage.subscriptions(active_only=True):
            if sub.mode not in ("daily", "weekly"):
                continue
            zone = zone_of(self.storage.timezone(sub.chat_id))
            at = last_schedule(
                now.astimezone(zone), sub.mode, settings.digest_hour, settings.digest_weekday
            )
            if at.timestamp() < sub.since:
                continue  # the first digest is the first one after subscribing
            key = period_key(sub.mode, at, settings.digest_hour, settings.digest_weekday)
            queued += self.storage.enqueue_digest(key, sub.chat_id, sub.thread_id)
        return queued

    def digest_articles(
        self, start: float, end: float, topics: tuple[str, ...] = ()
    ) -> list[tuple[dt.datetime, ArticleInfo]]:
        """The new articles that arrived in [start, end), about the topics if any, with
        when they arrived (UTC)."""
        out = []
        for article_id, arrived in self.storage.arrivals(start, end):
            article = self.engine.get(article_id)
            if article is not None and self.engine.on_topic(article, topics):
                info = self.engine.info(article_id)
                if info is not None:
                    out.append((dt.datetime.fromtimestamp(arrived, dt.UTC), info))
        return out

    def recent(self, days: int, today: dt.date | None = None) -> list[ArticleInfo]:
        """The articles of the last ``days`` days by their date (or, undated, by when they
        arrived), newest first: what /digest shows."""
        today = today or dt.datetime.now(dt.UTC).date()
        since = today - dt.timedelta(days=days - 1)
        engine = self.engine
        out = [info for info in engine.dated_since(since) if info.date and info.date <= today]
        start = dt.datetime.combine(since, dt.time.min, dt.UTC).timestamp()
        undated = []
        for article_id, when in self.storage.arrivals(start, float("inf")):
            info = engine.info(article_id)
            day = dt.datetime.fromtimestamp(when, dt.UTC).date()
            if info is not None and info.date is None and day <= today:
                undated.append(info)
        return out + newest_first({info.id: info for info in undated}.values())

    def nothing_recent(self, days: int) -> str:
        """What a digest of ``days`` days with nothing in it says: how old the newest article
        is, read from the catalog's newest row."""
        engine = self.engine
        newest = engine.latest(1)
        return render.nothing_recent(days, newest[0] if newest else None, engine.article_count)

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
