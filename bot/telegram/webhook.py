"""Webhook mode: Telegram POSTs each update to ``/telegram``; ``GET /healthz`` says whether
this process can serve.

The bot runs its own small tornado server (tornado comes with python-telegram-bot's
``webhooks`` extra) rather than ``Application.run_webhook``, for one reason: a load balancer
in front of several replicas needs a health check on the same port, and ``run_webhook``
serves only the updates. The update route does what python-telegram-bot's does: the secret
token is compared in constant time (a request without it is refused with 403), the body must
be a JSON object of bounded size, and the update goes to the Application's queue with its
buttons' data resolved.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import time
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.error import NetworkError, TimedOut

from bot.errors import StorageError
from bot.service import Service
from bot.telegram.context import BotApp

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 4 * 1024 * 1024
PATH = "/telegram"


class _Updates(tornado.web.RequestHandler):
    def initialize(self, app: BotApp, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.set_status(400)
            return
        update = Update.de_json(data, self.app.bot)
        self.app.bot.insert_callback_data(update)
        await self.app.update_queue.put(update)
        self.set_status(200)


class _Health(tornado.web.RequestHandler):
    def initialize(self, service: Service) -> None:
        self.service = service

    async def get(self) -> None:
        """200 when the database answers and the index is loaded, 503 otherwise; the body
        says which."""
        body: dict[str, Any] = {"articles": len(self.service.engine.articles)}
        try:
            await self.service.storage.io(self.service.storage.ping)
            body["database"] = "ok"
        except StorageError as exc:
            body["database"] = str(exc)
        healthy = body["database"] == "ok"
        body["status"] = "ok" if healthy else "unavailable"
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


def web_app(app: BotApp, service: Service, secret: str) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (PATH, _Updates, {"app": app, "secret": secret}),
            ("/healthz", _Health, {"service": service}),
        ],
        log_function=lambda handler: None,  # requests are not logged: they carry chats' text
    )


async def _retrying(what: str, call: Any, retries: int) -> None:
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


async def serve(app: BotApp, service: Service, options: dict[str, Any], retries: int) -> None:
    """Run the Application behind the webhook server until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = None
    await _retrying("Connecting to the Bot API", app.initialize, retries)
    try:
        if app.post_init:
            await app.post_init(app)
        await _retrying(
            "Registering the webhook",
            lambda: app.bot.set_webhook(
                options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=Update.ALL_TYPES,
            ),
            retries,
        )
        await app.start()
        server = tornado.httpserver.HTTPServer(
            web_app(app, service, options["secret_token"]), max_body_size=MAX_UPDATE_BYTES
        )
        server.listen(options["port"], options["listen"])
        log.info("webhook server listening on %s:%s", options["listen"], options["port"])
        started = time.monotonic()
        await stop.wait()
        log.info("stopping after %.0fs", time.monotonic() - started)
    finally:
        if server is not None:
            server.stop()
            with contextlib.suppress(Exception):
                await server.close_all_connections()
        if app.running:
            await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()
