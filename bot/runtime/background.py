"""The runtime: the background work both fronts share, and the fleet's roles.

``Runtime`` runs, for as long as a front is up, what keeps the corpus and the outbox moving:
the folder watcher and the feed reader (on a shared database only in the process that holds
the ``ingester`` role, the others following what it records), embedding new sentences,
queueing digests, forgetting old insights, and the front's sender of announcements when it
has one (the ``sender`` role on a shared database). Telegram runs it beside its
Application; the console chat runs it on a thread of its own, so that it too picks up new
files and polls the feeds.

``in_role`` is how any fleet role (poller, sender, ingester) is held: an advisory lock on
the shared database, taken over when its holder dies. With ``rival`` (the poller's), a role
lost with the database keeps its work going until another process is seen to hold it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, Protocol

from bot.core.errors import StorageError
from bot.runtime.library import Changes
from bot.runtime.replicas import Ingester
from bot.runtime.service import Service
from bot.sources import Opening, Rescan, Source, opened
from bot.sources.web import Fetcher
from bot.store.db import Leader
from bot.store.face import Store

log = logging.getLogger(__name__)

ROLE_SECONDS = 1.0  # how often a process checks its role, or tries to take one
DIGEST_CHECK_SECONDS = 60.0
FOLLOW_SECONDS = 1.0  # how often a process asks the shared database for new articles


class Sender(Protocol):
    """What a front's sender of announcements offers the runtime."""

    wake: asyncio.Event  # set when there may be something new to send

    async def run(self) -> None:
        """Send what is due, until cancelled (this process alone sends)."""

    async def take_over(self) -> None:
        """Become the fleet's sender: take over the rows another held, then ``run``."""


class Runtime:
    """The background work of a process, whichever front it serves: started after the
    front is up, stopped before it goes. A front hands it what it has: Telegram's sender of
    announcements (which also sends the digests); the console has none."""

    def __init__(
        self, service: Service, sender: Sender | None = None, stop: threading.Event | None = None
    ) -> None:
        self.service = service
        self.sender = sender
        self.stopping = stop or threading.Event()  # tells embedding threads to stop
        self._tasks: set[asyncio.Task[Any]] = set()
        self.fetcher: Fetcher | None = None

    def _wake(self) -> None:
        if self.sender is not None:
            self.sender.wake.set()

    def start(self) -> None:
        settings, store = self.service.settings, self.service.store
        sender = self.sender if settings.announcements.enabled else None
        if not store.shared:  # this process does everything
            if sender is not None:
                self._spawn(sender.run(), "announcements")
            self._spawn(self.ingest(self.rescan), "watcher")
        else:  # one sender and one ingester in the fleet; every process follows the corpus
            if sender is not None:
                self._spawn(in_role(store, "sender", sender.take_over), "announcements")
            folder = settings.corpus.folder
            ingester = Ingester(store.storage, folder, settings.corpus.max_file_bytes)
            self._spawn(
                in_role(store, "ingester", lambda: self.ingest(ingester.publish_async)),
                "ingester",
            )
            self._spawn(self.follow(), "follower")
        self._spawn(self.service.library.embed_in_background(self.stopping), "embedding")
        if sender is not None:
            self._spawn(self.digests(), "digests")
        self._spawn(self.housekeeping(), "housekeeping")

    async def ingest(self, rescan: Rescan) -> None:
        """Run every source the settings name, until cancelled: the folder watcher (calling
        ``rescan`` with what changed) and the feed reader, which writes into the folder."""
        await asyncio.gather(*(source.run() for source in self.sources(rescan)))

    def sources(self, rescan: Rescan) -> list[Source]:
        """The sources of articles the settings name (``bot.sources``)."""
        return opened(Opening(self.service.settings, self.service.store, self._fetcher, rescan))

    def _fetcher(self) -> Fetcher:
        self.fetcher = self.fetcher or Fetcher(self.service.settings.web.limits)
        return self.fetcher

    async def follow(self) -> None:
        """On a shared database: take up what the ingester records, every second."""
        while True:
            try:
                changes = await self.service.sync()
                if changes.added or changes.changed:
                    self._wake()
                    self._spawn(
                        self.service.library.embed_in_background(self.stopping), "embedding"
                    )
            except StorageError as exc:  # the database is away: answers come from the index
                log.warning("following the corpus waits for the database: %s", exc)
            except Exception:  # a failing database must not stop following for good
                log.exception("following the corpus failed; will try again")
            await asyncio.sleep(FOLLOW_SECONDS)

    async def digests(self) -> None:
        """Every minute: queue the digests whose hour has come, and wake the sender."""
        while True:
            try:
                if await self.service.store.run(self.service.queue_digests):
                    self._wake()
            except StorageError as exc:
                log.warning("queueing digests waits for the database: %s", exc)
            except Exception:  # a failing database must not stop the digests for good
                log.exception("queueing digests failed; will try again")
            await asyncio.sleep(DIGEST_CHECK_SECONDS)

    async def housekeeping(self) -> None:
        """Every minute: forget the questions kept for the insights longer than
        ``insights.keep_days``."""
        while True:
            keep = self.service.settings.insights.keep_days
            try:
                await self.service.store.forget_questions(time.time() - keep * 86400.0)
            except StorageError as exc:
                log.warning("forgetting old questions waits for the database: %s", exc)
            await asyncio.sleep(DIGEST_CHECK_SECONDS)

    async def rescan(self, names: set[str] | None) -> Changes:
        """What the watcher calls: reload, queue announcements, embed what is new."""
        changes = await self.service.rescan(names)
        if changes.added or changes.changed:
            self._wake()
            self._spawn(self.service.library.embed_in_background(self.stopping), "embedding")
        return changes

    def _spawn(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        self.stopping.set()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.fetcher is not None:
            await self.fetcher.close()


async def in_role(
    store: Store,
    role: str,
    work: Callable[[], Coroutine[Any, Any, Any]],
    *,
    rival: asyncio.Event | None = None,
) -> None:
    """Do ``work`` while this process holds ``role`` in the fleet; try to take the role
    every second while another process holds it, and stop the work if it is lost. With
    ``rival`` (the poller's), a role lost with the database keeps its work going until
    another process is seen to hold it (``rival`` set says so too)."""
    leader = store.leader(role)
    try:
        while True:
            if not await store.lead(leader.acquire):
                await asyncio.sleep(ROLE_SECONDS)
                continue
            log.info("this process is now the fleet's %s", role)
            task = asyncio.create_task(work(), name=role)
            try:
                await _hold(store, leader, role, task, rival)
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
    finally:
        await store.lead(leader.release)


async def _hold(
    store: Store, leader: Leader, role: str, task: asyncio.Task[Any], rival: asyncio.Event | None
) -> None:
    """Until the work ends or the role is lost (see ``in_role``)."""
    while not task.done():
        await asyncio.wait({task}, timeout=ROLE_SECONDS)
        if task.done() or await store.lead(leader.held):
            continue
        if rival is None:
            log.warning("lost the %s role; another process takes it", role)
            return
        log.warning("lost the database, and with it the %s role; carrying on meanwhile", role)
        if not await _cut_off(store, leader, role, task, rival):
            return


async def _cut_off(
    store: Store, leader: Leader, role: str, task: asyncio.Task[Any], rival: asyncio.Event
) -> bool:
    """Keep the work going while the database does not answer: True once the role is
    held again, False once another process holds it."""
    rival.clear()
    while not task.done():
        if rival.is_set():
            log.warning("another process is the fleet's %s now, Telegram says; stopping", role)
            return False
        held = await store.lead(leader.acquire)
        if held is not None:
            who = "this process" if held else "another process; stopping"
            log.warning("the database answers again: the fleet's %s is %s", role, who)
            return held
        await asyncio.wait({task}, timeout=ROLE_SECONDS)
    return True


@contextlib.contextmanager
def running_beside(runtime: Runtime) -> Iterator[None]:
    """The runtime on an event loop of its own, in a thread, while the block runs: for a
    front that is not asynchronous itself (the console chat)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="runtime", daemon=True)
    thread.start()
    loop.call_soon_threadsafe(runtime.start)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(runtime.stop(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
