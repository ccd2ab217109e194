"""The webhook server over real HTTP: what it refuses and with which status, and that it
keeps serving the updates it takes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.telegram.webhook import MAX_UPDATE_BYTES, listen
from tests.support import updates as u
from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import free_port

SECRET = "s3cret-value"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@pytest.fixture(name="hook")
async def fixture_hook(bot: Any) -> AsyncIterator[str]:
    """The webhook server of the running bot, on a free port; its update URL."""
    port = free_port()
    options = {"listen": "127.0.0.1", "port": port, "secret_token": SECRET}
    server = listen(bot, bot.bot_data.service, options)
    yield f"http://127.0.0.1:{port}/telegram"
    server.stop()
    await server.close_all_connections()


@pytest.mark.parametrize(
    "body",
    [
        [],
        [{"update_id": 1}],
        "an update",
        {},
        {"update_id": "7"},
        {"update_id": 7, "message": "hello"},
        {"update_id": 7, "message": {"chat": 5, "text": "hi"}},
        {"update_id": 7, "callback_query": [1, 2]},
    ],
    ids=[
        "empty-list",
        "list",
        "string",
        "no-update-id",
        "text-update-id",
        "message-a-string",
        "message-chat-a-number",
        "callback-query-a-list",
    ],
)
async def test_json_that_is_not_an_update_gets_400(hook: str, body: Any) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=json.dumps(body), headers=HEADERS)
    assert response.status_code == 400


async def test_the_server_serves_on_after_a_malformed_update(hook: str, api: FakeBotApi) -> None:
    """A wrong update is refused and the next good one is answered."""
    update = {"update_id": 9001, **u.message("nordic region countries", chat_id=6)}
    async with httpx.AsyncClient() as client:
        bad = await client.post(hook, content=b'{"update_id": 1, "message": 5}', headers=HEADERS)
        good = await client.post(hook, content=json.dumps(update), headers=HEADERS)
    assert (bad.status_code, good.status_code) == (400, 200)
    reply = (await api.wait_for("sendMessage", chat_id=6))[-1]
    assert "Norway" in reply.params["text"]


async def test_a_body_declared_over_4_mb_gets_413(hook: str) -> None:
    """Refused from its Content-Length, with an answer rather than a reset connection."""
    body = b'{"update_id": 1, "pad": "' + b"x" * MAX_UPDATE_BYTES + b'"}'
    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=body, headers=HEADERS)
    assert response.status_code == 413


async def test_a_chunked_body_over_4_mb_gets_413(hook: str) -> None:
    """A chunked body declares no length: it is refused once it passes the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"update_id": 1, "pad": "'
        for _ in range(80):
            yield b"x" * 65_536  # 5 MB in all

    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=chunks(), headers=HEADERS)
    assert response.status_code == 413


async def test_a_body_within_the_limit_is_taken(hook: str) -> None:
    """An update of nearly 4 MB (a long text) is still an update."""
    update = {"update_id": 9002, "pad": "x" * (MAX_UPDATE_BYTES - 100)}
    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=json.dumps(update), headers=HEADERS)
    assert response.status_code == 200


async def test_a_request_without_the_secret_gets_403_even_when_big(hook: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(hook, content=b"x" * (MAX_UPDATE_BYTES + 1))
    assert response.status_code == 403
