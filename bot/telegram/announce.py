"""New-article announcements: deciding what to announce, and delivering the outbox within
Telegram's limits.

The outbox in SQLite holds one row per article and chat. The sender takes due rows in order
and sends each when the limits allow: about 30 messages a second overall, 20 a minute per
group, 1 a second per chat. A row is marked sent only once Telegram has accepted it, so a
restart resumes where the last one stopped. RetryAfter pauses all sending for as long as
Telegram asks; a chat that refuses (blocked, kicked, not found) is retried and dropped after
``max_failures`` refusals in a row; other errors are retried with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import render
from bot.core.answer import Engine
from bot.core.corpus import Article, ArticleInfo
from bot.storage import Delivery, Storage

log = logging.getLogger(__name__)

_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_TRANSIENT_ATTEMPTS = 8


def announcement(
    engine: Engine, article: Article, bot_username: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The announcement of one article: title (a link when it has a url), date, author and
    summary, and a button that opens a chat about it."""
    head = render.esc_byline(
        render.title_html(article.title, article.url), article.author, article.date, None
    )
    text = render.split_html(
        f"📰 New article\n{head}\n\n{render.esc(' '.join(engine.summary(article)))}"
    )[0]
    markup = None
    if bot_username and _DEEP_LINK.fullmatch(article.id):
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "Ask me about it", url=f"https://t.me/{bot_username}?start={article.id}"
                    )
                ]
            ]
        )
    return text, markup


def plan(
    storage: Storage, articles: Iterable[Article | ArticleInfo], reannounce_changed: bool
) -> list[Article | ArticleInfo]:
    """The articles to announce now: those never announced, and changed ones if configured.
    Changed ones that are not announced again get their new hash recorded."""
    todo: list[Article | ArticleInfo] = []
    quiet: list[tuple[str, str]] = []
    for article in articles:
        known = storage.announced_hash(article.id)
        if known is None or (known != article.content_hash and reannounce_changed):
            todo.append(article)
        elif known != article.content_hash:
            quiet.append((article.id, article.content_hash))
    if quiet:
        storage.mark_known(quiet)
    return todo


def first_start(storage: Storage, articles: Iterable[Article | ArticleInfo]) -> None:
    """On the very first start, the existing corpus is the back catalogue: known, not news."""
    if storage.get_meta("catalogue") is None:
        storage.mark_known((a.id, a.content_hash) for a in articles)
        storage.set_meta("catalogue", "seen")


@dataclass
class Limits:
    global_per_second: float = 30.0
    group_per_minute: float = 20.0
    chat_per_second: float = 1.0
    max_failures: int = 3


class Sender:
    """Delivers the outbox; ``run`` loops until cancelled, ``drain`` until it is empty."""

    def __init__(
        self, bot: Bot, storage: Storage, engine: Callable[[], Engine], limits: Limits
    ) -> None:
        self.bot = bot
        self.storage = storage
        self.engine = engine  # the library's current Engine, which reloads replace
        self.limits = limits
        self.wake = asyncio.Event()
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._paused_until = 0.0
        self._rendered: dict[tuple[str, str], tuple[str, InlineKeyboardMarkup | None]] = {}
        self.sent = 0

    def _chat_interval(self, chat_id: int) -> float:
        if chat_id < 0:  # groups, supergroups and channels
            return max(60.0 / self.limits.group_per_minute, 1.0 / self.limits.chat_per_second)
        return 1.0 / self.limits.chat_per_second

    async def drain(self) -> None:
        """Send until nothing is pending (rows waiting for a retry included)."""
        while self.storage.pending_count():
            await self.step()

    async def run(self) -> None:
        while True:
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad row must not stop announcements for good
                log.exception("announcement sender failed; retrying in 5s")
                await asyncio.sleep(5)

    async def step(self) -> None:
        """Send what is due now, or wait for the next due row or a wake-up."""
        now = time.monotonic()
        if now < self._paused_until:
            await asyncio.sleep(self._paused_until - now)
        rows = self.storage.due(time.time())
        if not rows:
            next_due = self.storage.next_due()
            timeout = 30.0 if next_due is None else max(0.05, next_due - time.time())
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout)
            return
        sent_any = False
        for row in rows:
            chat_ready = self._next_chat.get(row.chat_id, 0.0)
            if chat_ready - time.monotonic() > 0.05:
                continue  # this chat must wait; other chats go first
            if self._next_global > time.monotonic():
                await asyncio.sleep(self._next_global - time.monotonic())
            start = time.monotonic()
            self._next_global = start + 1.0 / self.limits.global_per_second
            self._next_chat[row.chat_id] = start + self._chat_interval(row.chat_id)
            sent_any = True
            if await self._send(row):
                return  # paused by RetryAfter: start over once it is over
        if not sent_any:  # every due chat is waiting for its own limit
            soonest = min(self._next_chat.get(r.chat_id, 0.0) for r in rows)
            await asyncio.sleep(max(0.01, soonest - time.monotonic()))

    async def _send(self, row: Delivery) -> bool:
        engine = self.engine()
        article = engine.get(row.article_id)
        if article is None:
            self.storage.give_up(row, "the article is no longer in the corpus")
            return False
        key = (article.id, article.content_hash)
        if key not in self._rendered:  # one rendering per article version, not per chat
            if len(self._rendered) > 100:
                self._rendered.clear()
            self._rendered[key] = announcement(
                engine, article, self.bot.username if self._has_me() else None
            )
        text, markup = self._rendered[key]
        try:
            await self.bot.send_message(
                row.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                message_thread_id=row.thread_id or None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            self._paused_until = time.monotonic() + seconds
            log.warning("Telegram asked to slow down: pausing announcements for %.0fs", seconds)
            return True
        except (Forbidden, BadRequest) as exc:
            if (
                isinstance(exc, BadRequest)
                and "chat not found" not in str(exc).lower()
                and "thread not found" not in str(exc).lower()
            ):
                self.storage.give_up(row, str(exc))
                log.warning("announcement to %s refused for good: %s", row.chat_id, exc)
                return False
            dead = self.storage.refused(
                row, str(exc), self.limits.max_failures, time.time() + 2.0 ** min(row.attempts, 8)
            )
            if dead:
                log.warning(
                    "chat %s dropped after %d refusals: %s",
                    row.chat_id,
                    self.limits.max_failures,
                    exc,
                )
            return False
        except (NetworkError, TelegramError) as exc:
            if row.attempts + 1 >= MAX_TRANSIENT_ATTEMPTS:
                self.storage.give_up(row, str(exc))
                log.warning("gave up announcing to %s: %s", row.chat_id, exc)
            else:
                self.storage.retry_later(row, time.time() + 2.0 ** min(row.attempts, 8), str(exc))
            return False
        self.storage.delivered(row)
        self.sent += 1
        return False

    def _has_me(self) -> bool:
        try:
            return bool(self.bot.username)
        except RuntimeError:
            return False
