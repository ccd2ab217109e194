"""What the operator's console commands do besides answering: add a web page, poll every
feed and sitemap once, and open the storage (the subscriptions, the schema). The console
prints what these return; they hold the sources and the store so that the front needs neither.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import BotError
from bot.core.records import FeedState
from bot.runtime.config import Settings
from bot.sources import Opening, opened
from bot.sources.feeds import FeedReader, PageSource, PollResult
from bot.sources.web import Fetcher
from bot.store.face import Store
from bot.store.storage import Storage


def plural(count: int, noun: str) -> str:
    """``count`` and the noun, singular for one: "1 article", "3 articles"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


@dataclass(frozen=True)
class Added:
    """A page added to the corpus folder: where, its title and paragraphs, and whether it
    was ``added``, ``updated`` or ``unchanged`` (the file already held it)."""

    path: Path
    title: str
    paragraphs: int
    outcome: str


def add(settings: Settings, url: str) -> Added:
    """Fetch a web page and write its article into the corpus folder."""
    folder = settings.corpus.folder
    if not folder.is_dir():
        raise BotError(f"the corpus folder {folder} does not exist or is not a folder")

    async def fetch() -> tuple[Path, str, int]:
        async with Fetcher(settings.web.limits) as fetcher:
            page = PageSource(url, folder, fetcher)
            (polled,) = await page.poll()
            assert page.page is not None
            return folder / polled.written[0], page.page.title, len(page.page.paragraphs)

    before = _inodes(folder)
    path, title, paragraphs = asyncio.run(fetch())
    if path.name not in before:
        outcome = "added"
    elif before.get(path.name) == path.stat().st_ino:
        outcome = "unchanged"
    else:
        outcome = "updated"
    return Added(path, title, paragraphs, outcome)


def _inodes(folder: Path) -> dict[str, int]:
    """The folder's files by name, with their inode number: an article file written again
    gets a new one (it is written whole beside the old one, then renamed over it), and one
    that already held the text is not written at all."""
    with os.scandir(folder) as entries:
        return {entry.name: entry.inode() for entry in entries}


def poll_once(settings: Settings) -> list[tuple[str, str, bool]]:
    """Poll every configured feed and sitemap once: for each, its URL (without
    credentials), what came of it, and whether it succeeded."""
    storage = Storage(settings.storage.database)
    store = Store(storage)

    async def poll() -> list[tuple[str, PollResult | None]]:
        async with Fetcher(settings.web.limits) as fetcher:
            readers = [
                source
                for source in opened(Opening(settings, store, lambda: fetcher))
                if isinstance(source, FeedReader)
            ]
            if not readers:
                raise BotError(
                    "no feeds or sitemaps are configured: list their URLs under corpus.feeds "
                    "or corpus.sitemaps"
                )
            polled = await asyncio.gather(*(reader.poll_each() for reader in readers))
            return [
                (feed.url, result)
                for reader, results in zip(readers, polled, strict=True)
                for feed, result in zip(reader.plan.feeds, results, strict=True)
            ]

    try:
        return [
            (url, _polled(result, storage.feed_state(url)), result is not None)
            for url, result in asyncio.run(poll())
        ]
    finally:
        store.close()
        storage.close()


def _polled(result: PollResult | None, state: FeedState | None) -> str:
    if result is None:
        return f"failed: {state.error if state else 'see the log'}"
    if result.unchanged:
        return "unchanged since the last poll"
    kind = " (its back catalogue: not announced)" if result.catalogue else ""
    return f"{plural(len(result.written), 'new or changed article')} written{kind}"


@contextmanager
def storage_of(settings: Settings) -> Iterator[Storage]:
    """The settings' storage, open for the block (migrated to the current schema)."""
    storage = Storage(settings.storage.database)
    try:
        yield storage
    finally:
        storage.close()
