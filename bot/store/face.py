"""The storage's async face, for the event loop: ``await store.subscribe(...)`` runs
``Storage.subscribe`` in the store's own worker thread, so no caller on the loop has to
remember to move a blocking call off it (as datasette's ``Database.execute_fn`` does).

* **PostgreSQL**: as many worker threads as the pool has connections. They are the store's
  own, not asyncio's default executor (six threads on two cores), where questions are
  answered: during an outage each database call may wait for a pool connection, and it must
  not take a thread an answer needs.
* **SQLite**: one worker thread, the connection's. A call is a millisecond or two, but it
  can wait far longer (another process holds the write lock: ``bot announce``, ``bot poll``
  on the same file, up to the 30-second busy timeout; a slow or full disk), and that wait
  must not hold up every chat. One thread, not more: the one connection takes one
  transaction at a time, and calls are made in the order they were awaited.

``run`` takes any work that uses the synchronous storage (a service method that plans and
queues announcements, the mirror's pull) and runs it there too; ``lead`` a fleet role's
calls, on threads of their own. The console and worker threads keep using ``Storage``
itself (on SQLite a lock keeps their transactions apart from the store thread's).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from bot.store.db import POOL_SIZE, Leader
from bot.store.storage import Storage

P = ParamSpec("P")
T = TypeVar("T")
ROLES = 3  # poller, sender, ingester


def _hop(
    method: Callable[Concatenate[Storage, P], T],
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, T]]:
    """A ``Storage`` method as a ``Store`` coroutine method, run in the store's thread."""

    name = method.__name__

    async def hop(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> T:
        # looked up on the instance at each call, so that a storage may be wrapped
        call: Callable[P, T] = getattr(self.storage, name)
        return await self.run(call, *args, **kwargs)

    hop.__name__ = hop.__qualname__ = method.__name__
    hop.__doc__ = method.__doc__
    return hop


async def _in(
    threads: ThreadPoolExecutor, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    work = functools.partial(contextvars.copy_context().run, call, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(threads, work)


class Store:
    """``Storage``'s methods the event loop uses, each awaited (see ``Storage`` for what
    they do); ``run`` for other work with the storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._threads = ThreadPoolExecutor(
            POOL_SIZE if storage.shared else 1, thread_name_prefix="store"
        )
        # Each fleet role is a lock on a connection of its own, asked on threads of their
        # own: a role lost with the database is noticed within a second, even while every
        # store thread waits for the pool.
        self._roles = ThreadPoolExecutor(ROLES, thread_name_prefix="roles")

    @property
    def shared(self) -> bool:
        return self.storage.shared

    @property
    def where(self) -> str:
        return self.storage.where

    async def run(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``call(*args, **kwargs)`` in the store's thread, awaited."""
        return await _in(self._threads, call, *args, **kwargs)

    def leader(self, role: str) -> Leader:
        """The role's leader (no database call; ``lead`` its methods)."""
        return self.storage.leader(role)

    async def lead(self, call: Callable[[], T]) -> T:
        """A leader's call (``acquire``, ``held``, ``release``), on the roles' threads."""
        return await _in(self._roles, call)

    def close(self) -> None:
        """Wait for the calls under way; those not started are dropped."""
        self._threads.shutdown(wait=True, cancel_futures=True)
        self._roles.shutdown(wait=True, cancel_futures=True)

    ping = _hop(Storage.ping)
    # subscriptions and chats
    subscribe = _hop(Storage.subscribe)
    subscription = _hop(Storage.subscription)
    subscriptions = _hop(Storage.subscriptions)
    unsubscribe = _hop(Storage.unsubscribe)
    migrate_chat = _hop(Storage.migrate_chat)
    set_timezone = _hop(Storage.set_timezone)
    timezone = _hop(Storage.timezone)
    # the outbox
    claim = _hop(Storage.claim)
    release_claims = _hop(Storage.release_claims)
    settle_in_flight = _hop(Storage.settle_in_flight)
    next_due = _hop(Storage.next_due)
    pending_count = _hop(Storage.pending_count)
    sending = _hop(Storage.sending)
    delivered = _hop(Storage.delivered)
    retry_later = _hop(Storage.retry_later)
    give_up = _hop(Storage.give_up)
    refused = _hop(Storage.refused)
    # what the Telegram front keeps
    kept = _hop(Storage.kept)
    kept_one = _hop(Storage.kept_one)
    keep = _hop(Storage.keep)
    # feeds
    feed_state = _hop(Storage.feed_state)
    save_feed_state = _hop(Storage.save_feed_state)
    feed_entries = _hop(Storage.feed_entries)
    save_feed_entry = _hop(Storage.save_feed_entry)
    mark_known = _hop(Storage.mark_known)
    # what the readers asked
    insights_salt = _hop(Storage.insights_salt)
    record_question = _hop(Storage.record_question)
    forget_questions = _hop(Storage.forget_questions)
