"""Subscribing chats to announcements, noticing when the bot is removed, and watching the
corpus folder for new articles while the bot runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

import watchfiles
from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import render
from bot.library import Changes
from bot.telegram.announce import plan
from bot.telegram.handlers import reply
from bot.telegram.state import Context

log = logging.getLogger(__name__)

ADMIN_ONLY = "Only this chat's administrators can change its announcements."


async def _allowed(update: Update, context: Context) -> bool:
    """In groups only administrators may subscribe; anonymous admins post as the group
    itself. In channels only admins can post at all; in private chats people decide."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("cannot check admin rights in %s: %s", chat.id, exc)
        return False
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def _where(update: Update) -> tuple[int, int]:
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None and message is not None
    thread = message.message_thread_id if message.is_topic_message else None
    return chat.id, thread or 0


async def cmd_subscribe(update: Update, context: Context) -> None:
    """/subscribe: announce new articles in this chat (or this forum topic)."""
    message, chat = update.effective_message, update.effective_chat
    storage = context.bot_data.storage
    if message is None or chat is None or storage is None:
        return
    if not await _allowed(update, context):
        await reply(message, ADMIN_ONLY)
        return
    chat_id, thread = _where(update)
    title = chat.title or chat.full_name
    added = storage.subscribe(chat_id, thread, chat.type, title)
    where = "this topic" if thread else "this chat"
    await reply(
        message,
        f"Subscribed: new articles will be announced in {where}."
        if added
        else f"{where.capitalize()} is already subscribed.",
    )


async def cmd_unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe: stop announcements here."""
    message = update.effective_message
    storage = context.bot_data.storage
    if message is None or storage is None:
        return
    if not await _allowed(update, context):
        await reply(message, ADMIN_ONLY)
        return
    chat_id, thread = _where(update)
    changed = storage.unsubscribe(chat_id, thread)
    await reply(
        message,
        "Unsubscribed: no more announcements here."
        if changed
        else "This chat was not subscribed.",
    )


async def cmd_subscriptions(update: Update, context: Context) -> None:
    """/subscriptions: this chat's announcement state."""
    message, chat = update.effective_message, update.effective_chat
    storage = context.bot_data.storage
    if message is None or chat is None or storage is None:
        return
    rows = [s for s in storage.subscriptions() if s.chat_id == chat.id and s.active]
    if not rows:
        await reply(message, "This chat gets no announcements. /subscribe to get them.")
        return
    lines = [
        "New articles are announced here"
        + (" in these topics:" if any(s.thread_id for s in rows) else ".")
    ]
    lines += [f"• topic {s.thread_id}" for s in rows if s.thread_id]
    await reply(message, render.esc("\n".join(lines)))


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was removed, kicked or blocked: drop that chat's subscriptions."""
    change = update.my_chat_member
    storage = context.bot_data.storage
    if change is None or storage is None:
        return
    status = change.new_chat_member.status
    if status in (ChatMember.LEFT, ChatMember.BANNED):
        dropped = storage.unsubscribe(change.chat.id)
        if dropped:
            log.info("removed from chat %s: its subscription is dropped", change.chat.id)


async def on_migrate(update: Update, context: Context) -> None:
    """A group became a supergroup: keep its subscription under the new id."""
    message = update.effective_message
    storage = context.bot_data.storage
    if message is None or storage is None or message.migrate_to_chat_id is None:
        return
    storage.migrate_chat(message.chat.id, message.migrate_to_chat_id)


# -- the corpus watcher -------------------------------------------------------------------


async def rescan(app: Any, names: set[str] | None = None) -> Changes:
    """Reload the corpus (all of it, or the files ``names``) in a worker thread, so answers
    go on meanwhile, then queue the new articles' announcements and wake the sender."""
    state = app.bot_data
    async with state.rescan_lock:
        changes: Changes = await state.library.reload_async(names)
    if changes.added or changes.changed:  # their sentences need vectors
        state.tasks.append(asyncio.create_task(state.library.embed_in_background(state.stop)))
    if changes and state.storage is not None and state.announce:
        todo = plan(state.storage, [*changes.added, *changes.changed], state.reannounce_changed)
        for article in todo:
            count = state.storage.enqueue(article.id, article.content_hash)
            log.info("announcing %s to %d chats", article.id, count)
        if todo and state.sender is not None:
            state.sender.wake.set()
    if changes.unsettled:  # files still being written: look again once they have settled
        state.tasks = [t for t in state.tasks if not t.done()]
        later = _rescan_later(app, changes.unsettled + 0.1, names)
        state.tasks.append(asyncio.create_task(later))
    return changes


async def _rescan_later(app: Any, delay: float, names: set[str] | None) -> None:
    await asyncio.sleep(delay)
    await _safe_rescan(app, names)


async def watch(app: Any, every: float) -> None:
    """Rescan on file events (watchfiles) and every ``every`` seconds as a fallback."""
    state = app.bot_data
    folder = state.library.folder

    async def periodic() -> None:
        while True:
            await asyncio.sleep(every)
            await _safe_rescan(app)

    ticker = asyncio.create_task(periodic())
    try:
        async for events in watchfiles.awatch(
            folder, debounce=300, step=50, recursive=False, ignore_permission_denied=True
        ):
            await _safe_rescan(app, {Path(path).name for _, path in events})
    except (OSError, RuntimeError) as exc:
        log.warning(
            "cannot watch %s for changes (%s); rescanning every %.0fs instead", folder, exc, every
        )
        await ticker
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


async def _safe_rescan(app: Any, names: set[str] | None = None) -> None:
    try:
        await rescan(app, names)
    except Exception:  # a watcher that dies would stop all future announcements
        log.exception("rescanning the corpus failed; will try again")
