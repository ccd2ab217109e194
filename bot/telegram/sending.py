"""The one sending policy: every request the bot makes goes through ``Limits``, which keeps
to Telegram's limits and turns RetryAfter into a wait; replies retry network trouble.

Telegram's limits for bots: about 30 messages a second overall, 20 a minute to one group
or channel, one a second to one chat. ``Limits`` applies all three to every request that
names a chat (answers and announcements alike, so they share the budget), and when
Telegram says RetryAfter it holds every request for that long, then tries again (up to
``max_retries`` times; after that the caller sees RetryAfter, and the outbox retries the
delivery later). Requests that name no chat (getUpdates, answerInlineQuery) are not held.

The overall limit is a schedule of **turns**, evenly spaced, and a rule for leaving: never
more than two thirds of the limit in any second (``Turns``). A request with a
``before_request`` hook (the announcement sender's *sending* mark, a database write in the
store's thread) takes its place among the departures at its turn, under the rule, then
awaits the hook and leaves the moment it is written, so that a process that dies in between
loses a message only in that instant (holding a marked message back, to keep it evenly
spaced or under the rule, would widen the instant); a mark takes milliseconds, and the
third of the limit the rule keeps to spare absorbs them. So the event loop never waits for
the database, and no second holds more than the limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.runtime import render
from bot.runtime.config import AnnouncementSettings

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]
# Awaited just before a request leaves, after the limits have let it through: the announcement
# sender records there that a message is on its way (``announce.Sender``).
Hook = Callable[[], Awaitable[None]]
before_request: contextvars.ContextVar[Hook | None] = contextvars.ContextVar(
    "before_request", default=None
)


class _PerSecond:
    """Departures within the last second, never more than ``cap`` of them: ``take`` waits
    for room, then counts one leaving now."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.times: deque[float] = deque()  # when requests left, in the last second
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._lock:  # one at a time, in the order they are ready
            while self.times and self.times[0] <= loop.time() - 1.0:
                self.times.popleft()
            if len(self.times) >= self.cap:  # wait until the oldest is a second old
                await asyncio.sleep(self.times.popleft() + 1.0 - loop.time())
            self.times.append(loop.time())


class Turns:
    """Turns to leave, ``gap`` seconds apart, in the order they were booked; and however
    late some leave, never more than ``most`` in any second, nor ``hard`` actually gone."""

    def __init__(self, gap: float, most: int, hard: int | None = None) -> None:
        self.gap = gap
        self.most = most
        # However late marks make requests, no more than ``hard`` actually leave in any
        # second (``go``); ``most`` is what the turns keep to (``leave``). Each has its own
        # lock: a turn's wait must not hold up a request that is ready to go.
        self.hard = max(most, hard or most)
        self._left = _PerSecond(self.most)
        self._gone = _PerSecond(self.hard)
        self._next = 0.0  # the first free turn (the event loop's clock)

    def book(self) -> float:
        """The first free turn."""
        turn = max(asyncio.get_running_loop().time(), self._next)
        self._next = turn + self.gap
        return turn

    async def leave(self, turn: float) -> None:
        """Wait for the turn, then until fewer than ``most`` left in the last second."""
        loop = asyncio.get_running_loop()
        if turn > loop.time():  # no needless yield
            await asyncio.sleep(turn - loop.time())
        await self._left.take()

    async def go(self) -> None:
        """Leave now, unless ``hard`` requests already did in the last second (marks that
        took long let requests bunch up): then wait until the oldest is a second old."""
        await self._gone.take()


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class Limits(BaseRateLimiter[int]):
    """Telegram's rate limits, applied to every request that names a chat."""

    def __init__(self, limits: AnnouncementSettings, max_retries: int = 3) -> None:
        # Turns evenly spaced half as wide again as the rate, and never more than two thirds
        # of the limit leaving in any second, however late marks make some of them: a third
        # to spare for the jitter between leaving the event loop and being counted on
        # arrival. (With 90%, 27 a second, a fleet's broadcast through a database outage saw
        # 32 arrive within a second while the other test worker loaded the second core; with
        # 80%, 24, the same test alone saw 29.)
        rate = limits.global_per_second
        self._turns = Turns(
            1.5 / rate, max(1, math.ceil(2 * rate / 3)), max(1, math.ceil(5 * rate / 6))
        )
        self._group_rate = limits.group_per_minute
        self._chat_rate = limits.chat_per_second
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._resume = asyncio.Event()
        self._resume.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        if len(self._chats) > 4096:  # forget chats that are idle
            for key, idle in list(self._chats.items()):
                if idle.has_capacity(idle.max_rate):
                    del self._chats[key]
        found = self._chats.get(chat_id)
        if found is None:
            group = isinstance(chat_id, str) or chat_id < 0
            # A private chat may take a short burst (a long answer in parts) at its rate.
            found = (
                AsyncLimiter(self._group_rate, 60)
                if group
                else AsyncLimiter(3 * self._chat_rate, 3)
            )
            self._chats[chat_id] = found
        return found

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        limited = isinstance(chat_id, int | str)
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            try:
                await self._resume.wait()
                if not limited:
                    return await callback(*args, **kwargs)
                async with self._chat_limiter(chat_id):  # type: ignore[arg-type]
                    return await self._in_turn(callback, args, kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                seconds = retry_seconds(exc) + 0.1
                log.warning("Telegram asked to slow down: holding requests for %.1fs", seconds)
                self._resume.clear()
                try:
                    await asyncio.sleep(seconds)
                finally:
                    self._resume.set()
        raise AssertionError("unreachable")  # pragma: no cover

    async def _in_turn(
        self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any, kwargs: dict[str, Any]
    ) -> JSON:
        """Leave at the next free turn, the hook (if any) awaited at it."""
        turn = self._turns.book()
        hook = before_request.get()
        await self._turns.leave(turn)
        if hook is not None:
            # The turn and the rule are waited for before the mark, not after it, and the
            # request leaves the moment the mark is written: a marked message held back by
            # them widened the instant in which a dying sender loses it (bench.announce: the
            # instant's median 41.8 ms, some message in it 80% of the broadcast's time; 1.5
            # ms and 3% now. A fleet's sender killed mid-broadcast lost one chat in two of
            # three runs, two under load). The mark's milliseconds are absorbed by the third
            # of Telegram's limit that the rule keeps to spare; marks that take long (a slow
            # database) are held to the hard cap, a sixth under the limit, as they leave.
            await hook()
        await self._turns.go()
        return await callback(*args, **kwargs)


async def _retrying(call: Callable[[], Awaitable[Any]], attempts: int = 4) -> Any:
    """A reply, retried through network trouble with back-off (a refusal is final)."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except (TimedOut, NetworkError) as exc:
            if attempt == attempts:
                raise
            log.warning("Bot API call failed (%s); retry %d in %.1fs", exc, attempt, delay)
            await asyncio.sleep(delay)
            delay *= 2
    return None


async def reply(
    message: Message, html: str, markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Reply in the message's chat (and forum topic), split below Telegram's limit, the
    buttons under the last part; returns the messages sent."""
    chunks = render.split_html(html)
    sent = []
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        sent.append(
            await _retrying(
                lambda chunk=chunk, last=last: message.reply_html(  # type: ignore[misc]
                    chunk, reply_markup=markup if last else None, do_quote=not _private(message)
                )
            )
        )
    return sent


async def edit(call: Callable[[], Awaitable[Any]]) -> None:
    """Replace a message's text (and buttons); an unchanged text is no error."""
    try:
        await _retrying(call)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def _private(message: Message) -> bool:
    return message.chat.type == "private"
