"""Subscribing chats (and forum topics) to announcements, and noticing when the bot is
removed from a chat or a group becomes a supergroup."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

from telegram import ChatMember, Update
from telegram.error import TelegramError

from bot.runtime import insights, render
from bot.runtime.service import zone_of
from bot.telegram.context import Context
from bot.telegram.sending import reply

log = logging.getLogger(__name__)


async def _allowed(update: Update, context: Context) -> bool:
    """In groups only administrators may subscribe; anonymous admins post as the group
    itself. In channels only admins can post at all; in private chats people decide."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return False
    if chat.type in ("private", "channel"):
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("cannot check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def _where(update: Update) -> tuple[int, int] | None:
    """The chat and forum topic (0 for none) a command was sent in."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    thread = message.message_thread_id if message.is_topic_message else None
    return chat.id, thread or 0


MODES = ("daily", "weekly")
MAX_TOPICS = 10


def parse_subscription(args: list[str]) -> tuple[str, tuple[str, ...]]:
    """``/subscribe [daily|weekly] [topic words…]``: the mode and the topics."""
    words = [w.strip(",;").casefold() for w in args if w.strip(",;")]
    mode = words.pop(0) if words and words[0] in MODES else "each"
    topics = tuple(dict.fromkeys(w[:40] for w in words))[:MAX_TOPICS]
    return mode, topics


async def cmd_subscribe(update: Update, context: Context) -> None:
    """/subscribe [daily|weekly] [topics]: announce new articles here (or this forum
    topic), each or in a digest, all of them or those about the topics; again, to change."""
    message, chat, where = update.effective_message, update.effective_chat, _where(update)
    if message is None or chat is None or where is None:
        return
    if not await _allowed(update, context):
        await reply(message, render.ADMIN_ONLY)
        return
    mode, topics = parse_subscription(context.args or [])
    store = context.service.store
    before = await store.subscription(*where)
    title = chat.title or chat.full_name
    await store.subscribe(where[0], where[1], chat.type, title, mode, topics)
    if before is None or not before.active:
        state = "added"
    elif (before.mode, before.filters) == (mode, topics):
        state = "same"
    else:
        state = "changed"
    await reply(message, render.subscribed_html(state, bool(where[1]), mode, topics))


async def cmd_unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe: stop announcements here."""
    message, where = update.effective_message, _where(update)
    if message is None or where is None:
        return
    if not await _allowed(update, context):
        await reply(message, render.ADMIN_ONLY)
        return
    changed = await context.service.store.unsubscribe(*where)
    await reply(message, render.UNSUBSCRIBED if changed else render.WAS_NOT_SUBSCRIBED)


async def cmd_subscriptions(update: Update, context: Context) -> None:
    """/subscriptions: this chat's announcements: where, how, about what."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    store = context.service.store
    rows = [
        (s.thread_id, s.mode, s.filters)
        for s in await store.subscriptions(active_only=True)
        if s.chat_id == chat.id
    ]
    if not rows:
        await reply(message, render.NOT_SUBSCRIBED)
        return
    await reply(message, render.subscriptions_state_html(rows, await store.timezone(chat.id)))


async def cmd_timezone(update: Update, context: Context) -> None:
    """/timezone Area/City: the time zone this chat's digests follow."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not context.args:
        await reply(message, render.TIMEZONE_HINT)
        return
    if not await _allowed(update, context):
        await reply(message, render.ADMIN_ONLY)
        return
    name = context.args[0][:64]
    known = zone_of(name) is not dt.UTC or name.upper() == "UTC"
    if known:
        await context.service.store.set_timezone(chat.id, name)
    await reply(message, render.timezone_html(name, known))


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was removed, kicked or blocked: drop that chat's subscriptions."""
    change = update.my_chat_member
    if change is None:
        return
    gone = change.new_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
    if gone and await context.service.store.unsubscribe(change.chat.id) > 0:
        log.info("removed from chat %s: its subscription is dropped", change.chat.id)


async def on_migrate(update: Update, context: Context) -> None:
    """A group became a supergroup: keep its subscription under the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.service.store.migrate_chat(message.chat.id, message.migrate_to_chat_id)


INSIGHTS_DAYS = 7


async def cmd_insights(update: Update, context: Context) -> None:
    """/insights [DAYS]: what readers asked in the last 7 (or DAYS, up to the days kept)
    days, for an administrator of a group that gets the announcements; the short text of
    the operator's report."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    settings = context.service.settings.insights
    if not settings.enabled:
        await reply(message, render.INSIGHTS_OFF)
        return
    store = context.service.store
    subscribed = chat.type in ("group", "supergroup") and any(
        s.chat_id == chat.id for s in await store.subscriptions(active_only=True)
    )
    if not subscribed:
        await reply(message, render.INSIGHTS_WHERE)
        return
    if not await _allowed(update, context):
        await reply(message, render.ADMINS_ONLY_INSIGHTS)
        return
    wanted = context.args[0] if context.args else ""
    days = int(wanted) if wanted.isascii() and wanted.isdigit() else INSIGHTS_DAYS
    days = max(1, min(days, settings.keep_days))
    zone = zone_of(await store.timezone(chat.id))
    today, since = insights.window(days, time.time(), zone)
    kept = await store.run(insights.records, store.storage, since)
    library = context.service.library
    engine = context.engine

    def made() -> insights.Report:  # a model may group the questions: off the event loop
        return insights.from_records(kept, days, today, zone, engine, library.embedder)

    await reply(message, render.esc(insights.text(await asyncio.to_thread(made))))
