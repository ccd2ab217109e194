"""Webhook mode: Telegram POSTs each update to ``/telegram``; ``GET /healthz`` says whether
this process can serve.

The bot runs its own small tornado server (tornado comes with python-telegram-bot's
``webhooks`` extra) rather than ``Application.run_webhook``, for one reason: a load balancer
in front of several replicas needs a health check on the same port, and ``run_webhook``
serves only the updates. The update route does what python-telegram-bot's does: the secret
token is compared in constant time (a request without it is refused with 403), the body must
be a JSON update (else 400) of at most 4 MB (else 413: refused from its Content-Length
before it is read, or as soon as a chunked body passes the limit), and the update goes to
the Application's queue with its buttons' data resolved.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.httputil
import tornado.web
from telegram import Update
from telegram.ext import ExtBot
from tornado.http1connection import HTTP1Connection

from bot.core.errors import StorageError
from bot.runtime.service import Service
from bot.telegram.context import BotApp
from bot.telegram.lifecycle import retrying, running

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 4 * 1024 * 1024
MAX_DROPPED_BYTES = 16 * MAX_UPDATE_BYTES  # read past a refusal before the connection closes
PATH = "/telegram"
HEALTH_SECONDS = 0.6  # how long /healthz waits for the database (for a pool connection)
_UNBOUNDED = 2**62  # tornado's own body limit, which the update route leaves to itself


@tornado.web.stream_request_body
class _Updates(tornado.web.RequestHandler):
    """The body is taken as it streams in, so that one too big is refused with a 413 (the
    server's own limit drops the connection without an answer). A refusal is answered at
    once; the rest of the body is then read and dropped, up to ``MAX_DROPPED_BYTES``,
    because a client that sends it all before it reads the answer would otherwise see its
    connection reset instead."""

    def initialize(self, app: BotApp, secret: str) -> None:
        self.app = app
        self.secret = secret
        self.body = bytearray()
        self.refused = 0  # the status of the refusal, once answered
        self.dropped = 0

    async def prepare(self) -> None:
        """Refuse before reading the body: without the secret (403), or longer than the
        limit by its Content-Length (413)."""
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):
            connection.set_max_body_size(_UNBOUNDED)  # data_received bounds it, with a 413
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            await self._refuse(403)
        elif _declared_length(self.request.headers) > MAX_UPDATE_BYTES:
            await self._refuse(413)

    async def data_received(self, chunk: bytes) -> None:
        if self.refused:
            self.dropped += len(chunk)
            if self.dropped > MAX_DROPPED_BYTES:
                self.finish()  # enough: the connection closes, the rest unread
            return
        self.body += chunk
        if len(self.body) > MAX_UPDATE_BYTES:  # a chunked body, which declares no length
            self.body = bytearray()
            await self._refuse(413)

    async def post(self) -> None:
        if self.refused:
            return
        update = parse_update(bytes(self.body), self.app.bot)
        if update is None:
            log.warning("refused a webhook request (400): its body is not a Telegram update")
            self.set_status(400)
            return
        await self.app.update_queue.put(update)
        self.set_status(200)

    async def _refuse(self, status: int) -> None:
        """Answer ``status`` now, a whole response while the body is still coming."""
        self.refused = status
        self.set_status(status)
        self.set_header("Content-Length", "0")
        self.set_header("Connection", "close")
        await self.flush()


def _declared_length(headers: tornado.httputil.HTTPHeaders) -> int:
    value = headers.get("Content-Length", "0")
    return int(value) if value.isascii() and value.isdigit() else 0  # tornado refuses others


def parse_update(body: bytes, bot: ExtBot[int]) -> Update | None:
    """The update a request body holds, its buttons' data resolved; None when it is not one
    (not JSON, not an object, no whole-number ``update_id``, a field of the wrong type)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        update = Update.de_json(data, bot)
        bot.insert_callback_data(update)
    except Exception:  # what a wrong field makes python-telegram-bot raise varies by field
        return None
    return update


class _Health(tornado.web.RequestHandler):
    def initialize(self, service: Service) -> None:
        self.service = service

    async def get(self) -> None:
        """200 when the database answers and the index is loaded, 503 otherwise; the body
        says which. Within a second: a check that waits longer is a failed one."""
        body: dict[str, Any] = {"articles": self.service.engine.view.article_count}
        store = self.service.store
        try:
            await asyncio.wait_for(store.ping(timeout=HEALTH_SECONDS), HEALTH_SECONDS + 0.2)
            body["database"] = "ok"
        except StorageError as exc:
            body["database"] = str(exc)
        except TimeoutError:
            body["database"] = f"the database {store.where} did not answer in time"
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


def listen(
    app: BotApp, service: Service, options: dict[str, Any]
) -> tornado.httpserver.HTTPServer:
    """The webhook server, listening on ``options["listen"]:options["port"]``."""
    server = tornado.httpserver.HTTPServer(
        web_app(app, service, options["secret_token"]), max_body_size=MAX_UPDATE_BYTES
    )
    server.listen(options["port"], options["listen"])
    log.info("webhook server listening on %s:%s", options["listen"], options["port"])
    return server


async def serve(app: BotApp, service: Service, options: dict[str, Any], retries: int) -> None:
    """Run the Application behind the webhook server until SIGINT or SIGTERM."""
    async with running(app, retries) as stop:
        await retrying(
            "could not register the webhook",
            lambda: app.bot.set_webhook(
                options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=Update.ALL_TYPES,
            ),
            retries,
        )
        server = listen(app, service, options)
        try:
            await stop.wait()
        finally:
            server.stop()
            with contextlib.suppress(Exception):
                await server.close_all_connections()
