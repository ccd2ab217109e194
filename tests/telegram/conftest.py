"""A running bot against the fake Bot API server, for every Telegram test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.config import load_settings
from bot.runtime.service import Service
from bot.telegram.app import build_application
from tests.support.fake_bot_api import TOKEN, FakeBotApi


@pytest.fixture(name="api")
async def fixture_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


def make_settings(api: FakeBotApi, corpus: Path, tmp_path: Path, **overrides: Any) -> Any:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url}
    # the shipped config, its relative paths taken as if it were in tmp_path/config
    settings = load_settings(None, env, base=tmp_path / "config")
    changes = {"corpus.folder": corpus, "storage.path": tmp_path / "bot.sqlite3", **overrides}
    return settings.replace(**changes)


@pytest.fixture(name="settings")
def fixture_settings(api: FakeBotApi, corpus_dir: Path, tmp_path: Path) -> Any:
    return make_settings(api, corpus_dir, tmp_path)


@asynccontextmanager
async def running_bot(settings: Any) -> AsyncIterator[Any]:
    """The real Application, polling the fake server, as run_polling would run it."""
    with Service.open(settings) as service:
        app = build_application(service)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)
            await app.shutdown()


@pytest.fixture(name="bot")
async def fixture_bot(settings: Any) -> AsyncIterator[Any]:
    async with running_bot(settings) as app:
        yield app
