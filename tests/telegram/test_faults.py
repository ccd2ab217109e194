"""Faults and careless operators: a webhook without a secret, two bots on one database, a Bot
API (or a proxy before it) that echoes the token, and what the logs keep of people's words."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.support import updates as u
from tests.support.fake_bot_api import TOKEN, FakeBotApi
from tests.support.paths import ROOT, SEEDS
from tests.support.processes import bot_process, free_port
from tests.telegram.conftest import running_bot


def config(tmp_path: Path, extra: str = "") -> str:
    return (
        f"corpus:\n  folder: {SEEDS}\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
        "answers:\n  embedding_model: none\n"
        "telegram:\n  connect_retries: 1\n" + extra
    )


def run_cli(
    tmp_path: Path, base_url: str, *argv: str, **env: str
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "bot.yaml"
    path.write_text(config(tmp_path), encoding="utf-8")
    environ = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url, **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), *argv],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_no_token(*outputs: str) -> None:
    secret = TOKEN.split(":", 1)[1]
    for text in outputs:
        assert secret.lower() not in text.lower(), text[-2000:]


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "bot.yaml").write_text(
        config(
            tmp_path,
            f"  mode: webhook\n  webhook_listen: 127.0.0.1\n  webhook_port: {port}\n"
            f"  webhook_url: http://127.0.0.1:{port}\n",
        ),
        encoding="utf-8",
    )
    environ = {k: v for k, v in os.environ.items() if k != "TELEGRAM_WEBHOOK_SECRET"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(tmp_path / "bot.yaml"), "run"],
        cwd=ROOT,
        env={
            **environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "TELEGRAM_WEBHOOK_SECRET" in done.stderr


async def test_a_second_bot_on_the_same_database_exits(api: FakeBotApi, tmp_path: Path) -> None:
    """Two bots on one database would send every announcement twice: the second one stops
    at once with a message saying why."""
    first = bot_process(api.base_url, config(tmp_path), tmp_path)
    try:
        await api.wait_for("deleteWebhook", within=60)  # polling has started
        done = await asyncio.to_thread(run_cli, tmp_path, api.base_url, "run")
        assert done.returncode == 2 and done.stderr.count("\n") == 1
        assert "another bot is already running" in done.stderr
        assert first.poll() is None  # the first one goes on
    finally:
        first.terminate()
        await asyncio.to_thread(first.wait, 20)


@pytest.fixture(name="echoing")
async def fixture_echoing() -> AsyncIterator[str]:
    """A Bot API (or a proxy in front of it) that fails every request with a page echoing
    the URL: as HTML, lower-cased, percent-encoded, or in a JSON 400."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        url = str(request.url)
        seen.append(url)
        kind = len(seen) % 3
        if kind == 0:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {request.path}"},
                status=400,
            )
        echo = url.lower() if kind == 1 else url.replace(":", "%3A")
        return web.Response(
            status=502,
            text=f"<html><body>Bad gateway for {echo}</body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


@pytest.mark.parametrize(
    "argv",
    [["run"], ["announce", "new infrastructure", "--now"]],
    ids=["start-up", "announce-now"],
)
async def test_the_token_never_reaches_the_output(
    echoing: str, tmp_path: Path, argv: list[str]
) -> None:
    done = await asyncio.to_thread(run_cli, tmp_path, echoing, *argv)
    assert done.returncode in (0, 2), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert_no_token(done.stdout, done.stderr)


async def test_an_unreachable_api_never_prints_the_token(tmp_path: Path) -> None:
    done = await asyncio.to_thread(run_cli, tmp_path, f"http://127.0.0.1:{free_port()}/bot", "run")
    assert done.returncode == 2 and "could not be reached" in done.stderr
    assert_no_token(done.stdout, done.stderr)


async def test_errors_are_logged_with_ids_and_words_only_at_debug(
    api: FakeBotApi,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_bot(settings) as app:
        engine = app.bot_data.service.engine

        def broken(question: str, about: str | None = None) -> Any:
            raise RuntimeError("the engine broke")

        monkeypatch.setattr(engine, "ask", broken)
        with caplog.at_level(logging.DEBUG, logger="bot.telegram.errors"):
            update_id = api.push(u.message("my secret question about Norway", chat_id=77))
            apology = (await api.wait_for("sendMessage", chat_id=77))[-1]
        assert "Sorry" in apology.params["text"]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert (
            errors and str(update_id) in errors[0].getMessage() and "77" in errors[0].getMessage()
        )
        assert all("secret question" not in r.getMessage() for r in errors)
        debug = [r for r in caplog.records if r.levelno == logging.DEBUG]
        assert any("secret question" in r.getMessage() for r in debug)
