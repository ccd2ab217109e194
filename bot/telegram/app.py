"""The one place that wires the Telegram application: handlers (order matters, see comments),
start-up niceties, the token-redacting log filter, and polling or webhook mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.errors import BotError
from bot.library import Library, open_library
from bot.storage import Storage
from bot.telegram import handlers, subscriptions
from bot.telegram.announce import Limits, Sender, first_start, plan
from bot.telegram.state import CONTEXT_TYPES, BotState, Context, FloodGate
from bot.telegram.subscriptions import watch

log = logging.getLogger(__name__)

COMMANDS = [
    ("ask", "ask a question about the articles"),
    ("search", "find articles about something"),
    ("articles", "all articles, newest first"),
    ("summary", "summarise an article"),
    ("latest", "the newest article"),
    ("subscribe", "announce new articles in this chat"),
    ("unsubscribe", "stop announcements in this chat"),
    ("subscriptions", "this chat's announcements"),
    ("help", "what I can do"),
]
DESCRIPTION = (
    "I answer questions about a collection of articles, quoting the sentence that answers "
    "and citing where it comes from. I never guess: if the articles don't say, I tell you."
)


class RedactToken(logging.Filter):
    """Replaces the bot token wherever it would appear in a log line (request URLs, errors)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "[token]")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if self.token in text:
                record.exc_info = None
                record.msg = f"{record.msg} ({text.replace(self.token, '[token]')})"
        return True


def install_redaction(token: str) -> None:
    """Attach the redacting filter to every handler of the root logger."""
    flt = RedactToken(token)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(flt)
    # httpx logs each request URL, token included, at INFO: keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)


BotApp = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], BotState, Any]


async def post_init(app: BotApp) -> None:
    """Start-up niceties: commands and descriptions. A server that refuses them is logged and
    the bot keeps going."""
    calls: list[tuple[str, Callable[[], Awaitable[bool]]]] = [
        ("set_my_commands", lambda: app.bot.set_my_commands([BotCommand(*c) for c in COMMANDS])),
        ("set_my_description", lambda: app.bot.set_my_description(DESCRIPTION)),
        ("set_my_short_description", lambda: app.bot.set_my_short_description(DESCRIPTION[:120])),
    ]
    for name, call in calls:
        try:
            await call()
        except TelegramError as exc:
            log.warning("%s was refused (%s); carrying on without it", name, exc)
    await start_announcements(app)


async def start_announcements(app: BotApp) -> None:
    """Queue what is new since the last run (never the back catalogue on a first start),
    then start the outbox sender and the corpus watcher."""
    state = app.bot_data
    assert state.library is not None and state.storage is not None and state.sender is not None
    articles = state.library.engine.articles
    first_start(state.storage, articles)
    if state.announce:
        for article in plan(state.storage, articles, state.reannounce_changed):
            state.storage.enqueue(article.id, article.content_hash)
        state.tasks.append(asyncio.create_task(state.sender.run(), name="announcements"))
    state.tasks.append(asyncio.create_task(watch(app, state.rescan_seconds), name="watcher"))
    state.tasks.append(
        asyncio.create_task(state.library.embed_in_background(state.stop), name="embedding")
    )


async def post_shutdown(app: BotApp) -> None:
    """Stop the background tasks and close the database."""
    state = app.bot_data
    state.stop.set()
    for task in state.tasks:
        task.cancel()
    for task in state.tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    state.tasks.clear()
    if state.storage is not None:
        state.storage.close()
    if state.library is not None:
        state.library.close()


def build_application(settings: Settings, library: Library) -> BotApp:
    """The Application with every handler registered; nothing is started."""
    if settings.token is None:
        raise BotError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        Application.builder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings["announcements.global_per_second"],
                group_max_rate=settings["announcements.group_per_minute"],
                max_retries=3,
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(8)
    )
    base_url = settings["telegram.base_url"]
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    app: BotApp = builder.build()
    state = app.bot_data
    state.library = library
    state.page_size = settings["telegram.page_size"]
    state.flood = FloodGate(
        settings["telegram.flood_questions"], settings["telegram.flood_seconds"]
    )
    state.storage = Storage(settings["storage.path"])
    state.announce = settings["announcements.enabled"]
    state.reannounce_changed = settings["announcements.reannounce_changed"]
    state.rescan_seconds = settings["corpus.rescan_seconds"]
    state.sender = Sender(app.bot, state.storage, lambda: library.engine, limits(settings))
    private_or_group = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    for name, callback in [
        ("start", handlers.cmd_start),
        ("help", handlers.cmd_help),
        ("ask", handlers.cmd_ask),
        ("search", handlers.cmd_search),
        ("articles", handlers.cmd_articles),
        ("summary", handlers.cmd_summary),
        ("latest", handlers.cmd_latest),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=private_or_group))
    for name, callback in [
        ("subscribe", subscriptions.cmd_subscribe),
        ("unsubscribe", subscriptions.cmd_unsubscribe),
        ("subscriptions", subscriptions.cmd_subscriptions),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=private_or_group))
        # In a channel, commands arrive as channel posts (only its admins can post).
        app.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.CHANNEL_POST))
    app.add_handler(
        ChatMemberHandler(subscriptions.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subscriptions.on_migrate))
    # After the commands: plain text (commands never reach this handler).
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & private_or_group, handlers.on_text)
    )
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(InlineQueryHandler(handlers.on_inline))
    app.add_error_handler(handlers.on_error)
    return app


def limits(settings: Settings) -> Limits:
    return Limits(
        global_per_second=settings["announcements.global_per_second"],
        group_per_minute=settings["announcements.group_per_minute"],
        chat_per_second=settings["announcements.chat_per_second"],
        max_failures=settings["announcements.max_failures"],
    )


async def deliver_outbox(settings: Settings, storage: Storage, engine: Any) -> int:
    """Send everything pending in the outbox from this process; returns how many were sent."""
    assert settings.token is not None
    install_redaction(settings.token)
    bot = ExtBot(
        settings.token, base_url=settings["telegram.base_url"] or "https://api.telegram.org/bot"
    )
    async with bot:
        sender = Sender(bot, storage, lambda: engine, limits(settings))
        await sender.drain()
    return sender.sent


def run_bot(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM: long polling, or a webhook server when configured.

    If the Bot API cannot be reached at start, python-telegram-bot retries with back-off
    (1 s growing to 30 s), forever unless ``telegram.connect_retries`` sets a number; once
    running, polling rides out network errors the same way.
    """
    assert settings.token is not None
    install_redaction(settings.token)
    library = open_library(settings)
    log.warning(
        "serving %d articles from %s", len(library.engine.articles), settings["corpus.folder"]
    )
    retries = settings["telegram.connect_retries"] or -1  # -1: keep trying
    app = build_application(settings, library)
    try:
        if settings["telegram.mode"] == "webhook":
            url = settings["telegram.webhook_url"]
            if not url:
                raise BotError("telegram.mode is webhook but telegram.webhook_url is not set")
            app.run_webhook(
                listen=settings["telegram.webhook_listen"],
                port=settings["telegram.webhook_port"],
                url_path="telegram",
                webhook_url=url.rstrip("/") + "/telegram",
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=retries,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=retries)
    except InvalidToken:
        raise BotError("Telegram refused the bot token; check TELEGRAM_BOT_TOKEN") from None
    except (NetworkError, TimedOut) as exc:
        raise BotError(
            f"the Bot API could not be reached ({exc}); check the network or telegram.base_url"
        ) from None
