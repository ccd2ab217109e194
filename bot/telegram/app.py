"""The one place that wires the Telegram front: the Application (handlers, in an order that
matters, the sending policy, persistence, defaults), the background work it owns (watcher,
sender, embedding) from ``post_init`` to ``post_shutdown``, and polling or webhook mode."""

from __future__ import annotations

import asyncio
import functools
import logging
import operator
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.core.errors import BotError
from bot.runtime import render
from bot.runtime.background import Runtime
from bot.runtime.commands import CHANNEL, COMMANDS, GROUP, PRIVATE, Command
from bot.runtime.config import Settings
from bot.runtime.process import install_redaction
from bot.runtime.service import Service
from bot.telegram import buttons, handlers, subscriptions
from bot.telegram.announce import Sender
from bot.telegram.context import BotApp, BotData, Context, FloodGate, context_types
from bot.telegram.errors import on_error
from bot.telegram.inline import on_inline
from bot.telegram.lanes import ChatLanes
from bot.telegram.lifecycle import Stopped, poll, poll_in_turn
from bot.telegram.persistence import StoragePersistence
from bot.telegram.replies import Handler, gated
from bot.telegram.sending import Limits, reply
from bot.telegram.webhook import serve

log = logging.getLogger(__name__)

# Updates taken from Telegram and not handled yet: each waits in its chat's lane (ChatLanes)
# for the chat's earlier ones, so that a chat that floods holds up none of the others.
UPDATES_IN_HAND = 1024
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)


# The handler of each command in bot.runtime.commands.COMMANDS that Telegram offers and that has no
# plain-text ``reply`` there (tests/test_shape.py checks the two agree).
HANDLERS: dict[str, Handler] = {
    "start": handlers.cmd_start,
    "help": handlers.cmd_help,
    "ask": handlers.cmd_ask,
    "search": handlers.cmd_search,
    "articles": handlers.cmd_articles,
    "summary": handlers.cmd_summary,
    "latest": handlers.cmd_latest,
    "digest": handlers.cmd_digest,
    "insights": subscriptions.cmd_insights,
    "subscribe": subscriptions.cmd_subscribe,
    "unsubscribe": subscriptions.cmd_unsubscribe,
    "subscriptions": subscriptions.cmd_subscriptions,
    "timezone": subscriptions.cmd_timezone,
}


def handler_of(command: Command) -> Handler:
    """The command's handler: its own, or one that sends its plain-text reply."""
    reply_with = command.reply
    if reply_with is None:
        return HANDLERS[command.name]

    async def send_reply(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is not None:
            # off the event loop: /about reads every article of a large catalog once
            args = " ".join(context.args or [])
            text = await asyncio.to_thread(reply_with, context.engine, args)
            await reply(message, render.esc(text))

    return send_reply


def _register(app: BotApp) -> None:
    """Every handler; the order matters where a comment says so."""
    chats = {
        PRIVATE: filters.ChatType.PRIVATE,
        GROUP: filters.ChatType.GROUPS,
    }
    for command in COMMANDS:
        where = [chats[w] for w in (PRIVATE, GROUP) if w in command.where]
        if not where and CHANNEL not in command.where:
            continue  # the console's alone
        callback = handler_of(command)
        if where:
            # Commands meet the flood gate as questions do: a user's commands count with them.
            offered = functools.reduce(operator.or_, where)
            app.add_handler(CommandHandler(command.name, gated(callback), filters=offered))
        if CHANNEL in command.where:
            # In a channel, commands arrive as channel posts (only its admins can post).
            channel_posts = filters.UpdateType.CHANNEL_POST
            app.add_handler(CommandHandler(command.name, callback, filters=channel_posts))
    private_or_group = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    app.add_handler(
        ChatMemberHandler(subscriptions.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subscriptions.on_migrate))
    # The /summary_ID links under listed articles: before plain text, which skips commands.
    links = filters.Regex(r"^/summary_\S+") & private_or_group & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(links, gated(handlers.on_summary_link)))
    text = filters.TEXT & ~filters.COMMAND & private_or_group
    app.add_handler(MessageHandler(text & filters.UpdateType.MESSAGE, handlers.on_text))
    app.add_handler(MessageHandler(text & filters.UpdateType.EDITED_MESSAGE, handlers.on_edited))
    for handler in buttons.handlers():
        app.add_handler(handler)
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_error_handler(on_error)


async def _introduce(app: BotApp) -> None:
    """Commands and descriptions; a server that refuses them is logged and ignored."""
    calls: list[tuple[str, Callable[[], Awaitable[bool]]]] = [
        (
            "set_my_commands",
            lambda: app.bot.set_my_commands([BotCommand(*c) for c in render.COMMANDS]),
        ),
        ("set_my_description", lambda: app.bot.set_my_description(render.DESCRIPTION)),
        (
            "set_my_short_description",
            lambda: app.bot.set_my_short_description(render.DESCRIPTION[:120]),
        ),
    ]
    for name, call in calls:
        try:
            await call()
        except TelegramError as exc:
            log.warning("%s was refused (%s); carrying on without it", name, exc)


def build_application(service: Service) -> BotApp:
    """The Application with every handler registered and its background work ready to
    start with it; nothing is started."""
    settings = service.settings
    if settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set")
    telegram = settings.telegram
    data = BotData(
        service, FloodGate(telegram.flood_questions, telegram.flood_seconds), telegram.page_size
    )
    builder = (
        Application.builder()
        .token(settings.token)
        .context_types(context_types(data))
        .rate_limiter(Limits(settings.announcements))
        .persistence(StoragePersistence(service))
        .arbitrary_callback_data(True)
        .defaults(DEFAULTS)
        .concurrent_updates(ChatLanes(UPDATES_IN_HAND))
    )
    if telegram.base_url:
        base = telegram.base_url
        builder = builder.base_url(base).base_file_url(base.replace("/bot", "/file/bot"))
    app: BotApp = builder.build()
    background = Runtime(service, Sender(app.bot, service), data.stop)

    async def post_init(app: BotApp) -> None:
        await _introduce(app)
        await service.store.run(service.queue_new)
        background.start()

    async def post_shutdown(app: BotApp) -> None:
        await background.stop()

    app.post_init = post_init
    app.post_shutdown = post_shutdown
    _register(app)
    return app


async def deliver_outbox(service: Service) -> int:
    """Send everything pending in the outbox from this process; how many were sent."""
    settings = service.settings
    if settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set; it is needed to send with --now")
    base = settings.telegram.base_url or "https://api.telegram.org/bot"
    bot = ExtBot(
        settings.token,
        base_url=base,
        rate_limiter=Limits(settings.announcements),
        defaults=DEFAULTS,
    )
    try:
        async with bot:
            sender = Sender(bot, service)
            await sender.drain()
    except InvalidToken:
        raise BotError("Telegram refused the bot token; check TELEGRAM_BOT_TOKEN") from None
    except TelegramError as exc:
        raise BotError(f"the Bot API could not be reached ({exc}); nothing was sent") from None
    return sender.sent


def run_bot(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM: long polling, or a webhook server when configured.

    If the Bot API cannot be reached at start, the bot says so once and retries with
    back-off (1 s growing to 30 s), forever unless ``telegram.connect_retries`` sets a
    number; once running, polling rides out network errors the same way.
    """
    if settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set; set it to the token @BotFather gave you")
    install_redaction(settings.token)
    webhook = _webhook(settings)
    with Service.open(settings, owner=True, answer_first=True) as service:
        log.info(
            "serving %d articles from %s",
            service.engine.view.article_count,
            settings.corpus.folder,
        )
        app = build_application(service)
        retries = settings.telegram.connect_retries or -1  # -1: keep trying
        try:
            if webhook is not None:
                asyncio.run(serve(app, service, webhook, retries))
            elif service.storage.shared:  # several processes: one polls at a time
                asyncio.run(poll_in_turn(app, service, retries))
            else:
                asyncio.run(poll(app, retries))
        except Stopped:
            log.info("stopped before the Bot API could be reached")
        except InvalidToken:
            raise BotError("Telegram refused the bot token; check TELEGRAM_BOT_TOKEN") from None
        except (NetworkError, TimedOut) as exc:
            raise BotError(
                f"the Bot API could not be reached ({exc}); check the network or telegram.base_url"
            ) from None


def _webhook(settings: Settings) -> dict[str, Any] | None:
    """The webhook server's arguments, or None in polling mode. Webhook mode refuses to
    start without a secret: anyone who reaches the port could inject updates."""
    telegram = settings.telegram
    if telegram.mode != "webhook":
        return None
    if not telegram.webhook_url:
        raise BotError("telegram.mode is webhook but telegram.webhook_url is not set")
    if not settings.webhook_secret:
        raise BotError(
            "webhook mode needs a secret: set TELEGRAM_WEBHOOK_SECRET to 1-256 letters, digits, "
            "_ or - (Telegram sends it with every update, and the bot refuses updates without it)"
        )
    return {
        "listen": telegram.webhook_listen,
        "port": telegram.webhook_port,
        "webhook_url": telegram.webhook_url.rstrip("/") + "/telegram",
        "secret_token": settings.webhook_secret,
    }
