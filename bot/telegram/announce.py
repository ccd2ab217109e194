"""Delivering the outbox: one message per article and subscribed chat.

The sender claims due rows in order (for a lease, so that no other process sends them) and
sends several at once; the sending policy (``sending.Limits``) paces them to Telegram's
limits, shared with the answers. Just before a message's request leaves (at its turn, past
the limits) its row is marked ``sending``, in the store's thread, and only while this sender
still holds it (else ``TakenOver``: not sent); once Telegram has accepted it, ``sent``. So a
restart resumes where the last one stopped, and a row that was on its way when its process
died is not sent again: Telegram has no idempotency key, and a request that left has most
likely been delivered, so of "maybe twice" and "maybe never" only for the instant between
the mark and the request leaving the process, the bot takes the second. On a shared
database one process at a time is the sender (``runtime.Runtime``), so the limits hold for
the whole fleet. A chat that refuses (blocked, kicked, not found) is retried and dropped
after ``max_failures`` refusals in a row; a RetryAfter that outlasts the policy's retries,
and other errors, put the row back for later with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.core.answer import Engine
from bot.core.records import QUICK_SECONDS, Delivery
from bot.runtime import render
from bot.runtime.service import Service, period_window
from bot.telegram.keyboards import announcement_keyboard
from bot.telegram.sending import before_request, retry_seconds

log = logging.getLogger(__name__)

MAX_TRANSIENT_ATTEMPTS = 8
MISSING_ATTEMPTS = 5  # tries, two seconds apart, for an article not yet indexed here
CONCURRENCY = 16
# Rows are claimed in batches, each for a lease much longer than sending the batch takes at
# Telegram's pace (64 at 30 a second: 2 s): should a sender stop without handing over, its
# rows go to another after at most this long.
BATCH = 64
LEASE_SECONDS = 30.0
# A process that becomes the fleet's sender waits this long (the old sender, if alive but cut
# off from the database, has stopped by then) and takes over the rows the old one held.
TAKEOVER_SECONDS = 3.0
Rendered = tuple[str, InlineKeyboardMarkup | None]


class TakenOver(Exception):
    """The row is no longer this sender's (another one took it over): it must not be sent."""


class Sender:
    """Delivers the outbox; ``run`` loops until cancelled, ``drain`` until it is empty."""

    def __init__(self, bot: Bot, service: Service) -> None:
        self.bot = bot
        self.service = service
        self.wake = asyncio.Event()
        self.sent = 0
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self._in_flight: set[int] = set()
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._rendered: dict[tuple[str, str], Rendered] = {}

    async def drain(self) -> None:
        """Send until nothing is pending (rows waiting for a retry included)."""
        while await self.service.store.pending_count() or self._in_flight:
            await self.step()

    async def take_over(self) -> None:
        """Become the fleet's sender: the rows the previous one held are taken over, then
        ``run``."""
        await asyncio.sleep(TAKEOVER_SECONDS)
        freed = await self.service.store.release_claims(self.holder)
        if freed:
            log.info("took over %d deliveries from the previous sender", freed)
        await self.run()

    async def run(self) -> None:
        settled = await self.service.store.settle_in_flight(self.holder)
        if settled:
            log.warning(
                "%d announcements were on their way when the previous sender stopped; "
                "Telegram most likely has them, so they are not sent again",
                settled,
            )
        while True:
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad row must not stop announcements for good
                log.exception("announcement sender failed; retrying in 5s")
                await asyncio.sleep(5)

    async def step(self) -> None:
        """Start sending what is due, or wait for the next due row or a wake-up."""
        store = self.service.store
        claimed = await store.claim(time.time(), self.holder, LEASE_SECONDS, BATCH)
        rows = [r for r in claimed if r.id not in self._in_flight]
        if not rows:
            next_due = await store.next_due()
            timeout = 30.0 if next_due is None else max(0.05, next_due - time.time())
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.wake.wait(), min(timeout, 1.0 if self._in_flight else timeout)
                )
            return
        for row in rows:
            await self._slots.acquire()
            self._in_flight.add(row.id)
            asyncio.get_running_loop().create_task(self._deliver(row))

    async def _deliver(self, row: Delivery) -> None:
        try:
            await self._send(row)
        except Exception:
            log.exception("announcement to chat %s failed", row.chat_id)
        finally:
            self._in_flight.discard(row.id)
            self._slots.release()
            self.wake.set()

    def _message(self, engine: Engine, article_id: str) -> Rendered | None:
        article = engine.get(article_id)
        if article is None:
            return None
        key = (article.id, article.content_hash)
        if key not in self._rendered:  # one rendering per article version, not per chat
            if len(self._rendered) > 100:
                self._rendered.clear()
            html = render.announcement_html(article, engine.summary(article))
            self._rendered[key] = (html, announcement_keyboard(self._username(), article.id))
        return self._rendered[key]

    async def _digest(self, row: Delivery) -> list[str]:
        """A digest's messages: the period's new articles the subscription is about."""
        mode, start, end = period_window(row.article_id)
        store = self.service.store
        sub = await store.subscription(row.chat_id, row.thread_id)
        topics = sub.filters if sub is not None else ()
        zone = end.tzinfo
        articles = await store.run(
            self.service.digest_articles, start.timestamp(), end.timestamp(), topics
        )
        items = [(arrived.astimezone(zone).date(), info) for arrived, info in articles]
        return (
            render.split_html(render.digest_html(render.period_heading(mode), items))
            if items
            else []
        )

    async def _parts(self, row: Delivery) -> list[Rendered]:
        """The row's messages; none when it is settled without sending (an empty digest, an
        article gone) or put back (an article not indexed here yet)."""
        store = self.service.store
        if row.kind == "digest":
            parts: list[Rendered] = [(text, None) for text in await self._digest(row)]
            if not parts:  # nothing new in the period: no message is better than an empty one
                await store.give_up(row, "no new articles in the period")
            return parts
        message = self._message(self.service.engine, row.article_id)
        if message is None and row.attempts < MISSING_ATTEMPTS:
            # another process may have announced it before this one has indexed it
            due = time.time() + 2.0
            await store.retry_later(row, due, "the article is not indexed yet", self.holder)
        elif message is None:
            await store.give_up(row, "the article is no longer in the corpus")
        return [] if message is None else [message]

    async def _send(self, row: Delivery) -> None:
        store = self.service.store
        parts = await self._parts(row)
        if not parts:
            return
        marked = False

        async def on_its_way() -> None:  # just before its turn to leave, past the limits
            # A short wait for the database: the message waits for the mark, and should the
            # database not answer, it does not leave (the row is tried again later).
            nonlocal marked
            if not marked:
                if not await store.sending(row, self.holder, timeout=QUICK_SECONDS):
                    raise TakenOver
                marked = True

        token = before_request.set(on_its_way)
        try:
            for text, markup in parts:
                await self.bot.send_message(
                    row.chat_id,
                    text,
                    reply_markup=markup,
                    message_thread_id=row.thread_id or None,
                )
        except TakenOver:
            log.info("announcement to chat %s: another sender has it now", row.chat_id)
        except RetryAfter as exc:
            await store.retry_later(row, time.time() + retry_seconds(exc), str(exc), self.holder)
        except (Forbidden, BadRequest) as exc:
            await self._refused(row, exc)
        except TelegramError as exc:
            if row.attempts + 1 >= MAX_TRANSIENT_ATTEMPTS:
                await store.give_up(row, str(exc))
                log.warning("gave up announcing to chat %s: %s", row.chat_id, exc)
            else:
                due = time.time() + 2.0 ** min(row.attempts, 8)
                await store.retry_later(row, due, str(exc), self.holder)
        except Exception as exc:  # not Telegram's answer: try again later
            await store.retry_later(row, time.time() + 30.0, repr(exc), self.holder)
            raise
        else:
            await store.delivered(row)
            self.sent += 1
        finally:
            before_request.reset(token)

    async def _refused(self, row: Delivery, exc: TelegramError) -> None:
        store = self.service.store
        reason = str(exc).lower()
        if isinstance(exc, BadRequest) and not (
            "chat not found" in reason or "thread not found" in reason
        ):
            await store.give_up(row, str(exc))
            log.warning("announcement to chat %s refused for good: %s", row.chat_id, exc)
            return
        limit = self.service.settings.announcements.max_failures
        due = time.time() + 2.0 ** min(row.attempts, 8)
        if await store.refused(row, str(exc), limit, due):
            log.warning("chat %s dropped after %d refusals: %s", row.chat_id, limit, exc)

    def _username(self) -> str | None:
        try:
            return self.bot.username
        except RuntimeError:  # the bot was never initialised (getMe not called)
            return None
