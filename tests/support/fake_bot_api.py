"""A fake Telegram Bot API server on 127.0.0.1 that the real python-telegram-bot Application
talks HTTP to. It serves getUpdates from a queue the test fills, answers the methods the bot
uses, records every request, and can be told to fail a method (HTTP 500, 429 with
retry_after, 403, 400) a given number of times."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.local import serve_local

BOT_ID = 777000
BOT_USERNAME = "CorpusTestBot"
TOKEN = "123456:TEST-token-for-the-fake-server"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int
    description: str
    times: int
    retry_after: int | None = None
    match: Callable[[dict[str, Any]], bool] | None = None


def _decode(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeBotApi:
    """Start with ``await api.start()``; point the bot at ``api.base_url``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._update_id = 0
        self.confirmed = 0
        self._message_id = 1000
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self.failures: dict[str, list[Failure]] = {}
        self.admins: dict[int, set[int]] = {}  # chat id -> admin user ids
        self.chat_types: dict[int, str] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.delay: float = 0.0

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.port = await serve_local(app, port)

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what tests do ------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        self._update_id += 1
        update = {"update_id": self._update_id, **update}
        self.updates.append(update)
        self._new_update.set()
        return self._update_id

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        description: str = "",
        match: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``."""
        text = description or {
            500: "Internal Server Error",
            429: "Too Many Requests: retry later",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: chat not found",
        }.get(status, "Error")
        self.failures.setdefault(method, []).append(
            Failure(status, text, times, retry_after, match)
        )

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    async def wait_for(
        self, method: str, count: int = 1, chat_id: int | None = None, within: float = 10.0
    ) -> list[Call]:
        """Wait until ``count`` successful calls of ``method`` (to ``chat_id``) were made."""
        deadline = time.monotonic() + within
        while True:
            found = self.sent(method, chat_id)
            if len(found) >= count:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"expected {count} {method} calls, got {len(found)}: "
                    f"{[(c.method, c.params) for c in self.calls[-8:]]}"
                )
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), timeout=min(left, 0.2))

    # -- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        received = time.monotonic()  # what Telegram's limits count
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            params = {k: _decode(str(v)) for k, v in form.items()}
        if method == "getUpdates" and not self.failures.get(method):
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        if self.delay:  # a slow Telegram: like Telegram, it carries out what it received,
            await asyncio.sleep(self.delay)  # even if the client has gone meanwhile
        failure = self._take_failure(method, params)
        if failure is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            self.calls.append(Call(f"!{method}", params, received))
            return web.json_response(body, status=failure.status)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        result = self._result(method, params)
        self.calls.append(Call(method, params, received))
        self._new_call.set()
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in self.failures.get(method, []):
            if failure.times > 0 and (failure.match is None or failure.match(params)):
                failure.times -= 1
                return failure
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:  # as Telegram does: an offset confirms, and forgets, every earlier update
            self.confirmed = max(self.confirmed, offset)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= max(offset, self.confirmed)]
            if pending or time.monotonic() >= deadline:
                return pending[:100]
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Corpus",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
            }
        if method in ("sendMessage", "editMessageText"):
            self._message_id += 1
            chat_id = int(params["chat_id"]) if "chat_id" in params else 1
            message = {
                "message_id": int(params.get("message_id") or self._message_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": self.chat_types.get(chat_id, "private")},
                "from": {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "Corpus",
                    "username": BOT_USERNAME,
                },
                "text": params.get("text", ""),
            }
            if "message_thread_id" in params:
                message["message_thread_id"] = int(params["message_thread_id"])
            return message
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            status = "administrator" if user_id in self.admins.get(chat_id, set()) else "member"
            user = {"id": user_id, "is_bot": False, "first_name": "U"}
            if status == "administrator":
                return {
                    "status": status,
                    "user": user,
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            return {"status": status, "user": user}
        return True
