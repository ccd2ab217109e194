"""A bot that reads the web on 127.0.0.1 (feeds, sitemaps, pages), for the sources' tests.

A test module that sets ``READS`` (a settings key, and the path on the fake site it names)
gets the ``settings`` and ``service`` fixtures here (the suite's conftest loads them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.records import Feed
from bot.runtime.config import Settings, load_settings
from bot.runtime.service import Service
from bot.sources.feeds import FeedReader
from tests.support.fake_site import FakeSite


def web_settings(corpus: Path, tmp_path: Path, **keys: Any) -> Settings:
    """The corpus, a SQLite store in ``tmp_path``, no model, and quick, small fetches;
    ``keys`` (dotted settings) on top."""
    return load_settings(None, {}, base=tmp_path / "config").replace(
        **{
            "corpus.folder": corpus,
            "storage.path": tmp_path / "bot.sqlite3",
            "answers.embedding_model": "none",
            "web.timeout_seconds": 1.5,
            "web.max_page_bytes": 200_000,
            "web.site_delay_seconds": 0,
            **keys,
        }
    )


@contextmanager
def subscribed_service(settings: Settings) -> Iterator[Service]:
    """The service with one private chat subscribed to everything, the folder's articles
    already queued: what is announced after is news."""
    with Service.open(settings, semantic=False) as service:
        service.storage.subscribe(42, 0, "private", None)
        service.queue_new()
        yield service


async def poll(reader: FeedReader, service: Service, url: str | None = None) -> tuple[str, ...]:
    """One poll of the reader's first feed (or sitemap), or of ``url``, then the corpus
    rescanned as the watcher would (the files written taken as settled)."""
    result = await reader.poll_logged(Feed(url) if url else reader.plan.feeds[0])
    names = result.written if result else ()
    for name in names:
        path = service.settings.corpus.folder / name
        os.utime(path, (time.time() - 60, time.time() - 60))
    await service.rescan(set(names))
    return names


@pytest.fixture(name="settings")
def fixture_settings(
    site: FakeSite, corpus_dir: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Settings:
    key, path = request.module.READS
    return web_settings(corpus_dir, tmp_path, **{key: [site.url(path)]})


@pytest.fixture(name="service")
def fixture_service(settings: Settings) -> Iterator[Service]:
    with subscribed_service(settings) as service:
        yield service
