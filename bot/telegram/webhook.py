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

import contextlib
import hmac
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update

from bot.errors import StorageError
from bot.service import Service
from bot.telegram.context import BotApp
from bot.telegram.lifecycle import retrying, running

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


async def serve(app: BotApp, service: Service, options: dict[str, Any], retries: int) -> None:
    """Run the Application behind the webhook server until SIGINT or SIGTERM."""
    async with running(app, retries) as stop:
        await retrying(
            "Registering the webhook",
            lambda: app.bot.set_webhook(
                options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=Update.ALL_TYPES,
            ),
            retries,
        )
        server = tornado.httpserver.HTTPServer(
            web_app(app, service, options["secret_token"]), max_body_size=MAX_UPDATE_BYTES
        )
        server.listen(options["port"], options["listen"])
        log.info("webhook server listening on %s:%s", options["listen"], options["port"])
        try:
            await stop.wait()
        finally:
            server.stop()
            with contextlib.suppress(Exception):
                await server.close_all_connections()
