"""Running the Application by hand, in every mode, so that each starts the same way: it says
once what it waits for while the Bot API cannot be reached, and again when it is connected
(``run_polling`` retries in silence). The modes: long polling (``poll``), behind the bot's own
webhook server (``webhook.serve``), and polling on a database shared by several processes
(``poll_in_turn``), where Telegram hands updates to one ``getUpdates`` caller at a time, so
one process at a time (the ``poller`` role) asks and the others stand by to take over the
moment it dies (``bot.runtime.background.in_role`` holds the role).

A poller that loses the database (and with it its lock) keeps polling and answering from
its own index: while the database does not answer, no other process can take the role
either, and a fleet that stopped polling would answer nobody. It stops once another process
is seen to hold the role: the database, answering again, says so, or Telegram refuses its
``getUpdates`` because another process asks too (409 Conflict, as it does when two poll).
A process that takes the role waits a few seconds before it polls, so that such a poller
has stopped by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import Conflict, NetworkError, TelegramError, TimedOut
from telegram.ext import Updater

from bot.core.errors import BotError
from bot.runtime.background import in_role
from bot.runtime.service import Service
from bot.telegram.context import BotApp

log = logging.getLogger(__name__)

POLLER_TAKEOVER_SECONDS = 3.0  # a new poller waits this long: a cut-off one has stopped


class Stopped(Exception):
    """SIGINT or SIGTERM came before the Bot API could be reached."""


async def retrying(what: str, call: Callable[[], Awaitable[Any]], retries: int) -> None:
    """Call until the Bot API answers: one second growing to thirty between tries, for
    ``retries`` tries (-1: for ever), as python-telegram-bot does at start-up. The first
    failure is logged as ``what: reason; retrying``, the others only at DEBUG: a Bot API
    that stays away for an hour is one line, not a hundred."""
    wait, attempt = 1.0, 0
    while True:
        try:
            await call()
            return
        except (NetworkError, TimedOut) as exc:
            attempt += 1
            if 0 <= retries < attempt:
                raise
            log.log(
                logging.WARNING if attempt == 1 else logging.DEBUG, "%s: %s; retrying", what, exc
            )
            await asyncio.sleep(wait)
            wait = min(wait * 1.5, 30.0)


async def connect(app: BotApp, retries: int, stop: asyncio.Event) -> None:
    """Initialise the Application (its first Bot API call), waiting for the Bot API while
    ``retries`` allows; Stopped if ``stop`` is set first."""
    base = app.bot.base_url.replace(app.bot.token, "")
    trying = asyncio.create_task(
        retrying(f"waiting for the Bot API at {base}", app.initialize, retries)
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({trying, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (trying, stopping):
            task.cancel()
        await asyncio.gather(trying, stopping, return_exceptions=True)
    if not trying.cancelled():
        trying.result()  # raises what made it give up
        log.info("connected to the Bot API as @%s", app.bot.username)
        return
    raise Stopped


@contextlib.asynccontextmanager
async def running(app: BotApp, retries: int) -> AsyncIterator[asyncio.Event]:
    """The Application initialised and started (its ``post_init`` and ``post_shutdown``
    run); yields the event SIGINT or SIGTERM sets, and stops it all on exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await connect(app, retries, stop)
    started = time.monotonic()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        yield stop
        log.info("stopping after %.0fs", time.monotonic() - started)
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()


async def poll(app: BotApp, retries: int) -> None:
    """Long polling, in the one process there is, until SIGINT or SIGTERM."""
    updater = _updater(app)
    async with running(app, retries) as stop:
        await updater.start_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=retries)
        await stop.wait()


def _updater(app: BotApp) -> Updater:
    if app.updater is None:
        raise BotError("the application was built without an updater; polling needs one")
    return app.updater


async def poll_in_turn(app: BotApp, service: Service, retries: int) -> None:
    """Long polling on a shared database: while this process holds the ``poller`` role it
    asks Telegram for updates; otherwise it announces, follows the corpus and stands by."""
    updater = _updater(app)
    rival = asyncio.Event()  # Telegram said another process asks for updates too

    def failed(exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            rival.set()
        log.warning("asking Telegram for updates failed: %s", exc)

    async def poll() -> None:
        await asyncio.sleep(POLLER_TAKEOVER_SECONDS)
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES, bootstrap_retries=retries, error_callback=failed
        )
        try:
            await asyncio.Event().wait()  # until the role is lost, or the bot stops
        finally:
            await updater.stop()

    async with running(app, retries) as stop:
        polling = asyncio.create_task(in_role(service.store, "poller", poll, rival=rival))
        try:
            await stop.wait()
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
