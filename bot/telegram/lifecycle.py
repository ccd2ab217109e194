"""Running the Application by hand, where ``run_polling`` and ``run_webhook`` do not fit:
behind the bot's own webhook server (``webhook.serve``), and polling on a database shared by
several processes (``poll_in_turn``), where Telegram hands updates to one ``getUpdates``
caller at a time, so one process at a time (the ``poller`` role) asks and the others stand by
to take over the moment it dies.
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
from telegram.error import NetworkError, TimedOut

from bot.errors import BotError
from bot.service import Service
from bot.telegram.context import BotApp

log = logging.getLogger(__name__)

ROLE_SECONDS = 1.0  # how often a standby tries to become the poller, and the poller checks


async def retrying(what: str, call: Callable[[], Awaitable[Any]], retries: int) -> None:
    """Call until the Bot API answers: one second growing to thirty between tries, for
    ``retries`` tries (-1: for ever), as python-telegram-bot does at start-up."""
    wait, attempt = 1.0, 0
    while True:
        try:
            await call()
            return
        except (NetworkError, TimedOut) as exc:
            attempt += 1
            if 0 <= retries < attempt:
                raise
            log.warning("%s failed (%s); trying again in %.0fs", what, exc, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 1.5, 30.0)


@contextlib.asynccontextmanager
async def running(app: BotApp, retries: int) -> AsyncIterator[asyncio.Event]:
    """The Application initialised and started (its ``post_init`` and ``post_shutdown``
    run); yields the event SIGINT or SIGTERM sets, and stops it all on exit."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await retrying("Connecting to the Bot API", app.initialize, retries)
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


async def poll_in_turn(app: BotApp, service: Service, retries: int) -> None:
    """Long polling on a shared database: while this process holds the ``poller`` role it
    asks Telegram for updates; otherwise it announces, follows the corpus and stands by."""
    updater = app.updater
    if updater is None:
        raise BotError("the application was built without an updater; polling needs one")
    leader = service.storage.leader("poller")
    async with running(app, retries) as stop:
        try:
            while not stop.is_set():
                check = leader.held if updater.running else leader.acquire
                holds = await asyncio.to_thread(check)
                if holds and not updater.running:
                    log.info("this process is now the fleet's poller")
                    await updater.start_polling(
                        allowed_updates=Update.ALL_TYPES, bootstrap_retries=retries
                    )
                elif not holds and updater.running:
                    log.warning("lost the poller role; another process takes it")
                    await updater.stop()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), ROLE_SECONDS)
        finally:
            if updater.running:
                await updater.stop()
            await asyncio.to_thread(leader.release)
