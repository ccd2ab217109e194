"""The sources of articles behind one shape (``bot.sources.Source``): the folder watcher,
the feed reader and a single web page each do one round with ``poll`` and say what they
asked and which article files they wrote."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.runtime.config import Settings
from bot.sources import Polled, Source
from bot.sources.feeds import FeedReader, PageSource, feed_plan
from bot.sources.watcher import FolderWatcher
from bot.sources.web import Fetcher, WebLimits
from tests.support.fake_site import FakeSite, article_page

STORY = ["The ferry to Tromsø carries reindeer cheese.", "It sails again from March."]


async def test_a_page_is_a_source_whose_round_writes_its_article(
    site: FakeSite, tmp_path: Path
) -> None:
    site.serve("/story", article_page("Night ferries return", STORY))
    async with Fetcher(WebLimits("test", site_delay_seconds=0.0)) as fetcher:
        page = PageSource(site.url("/story"), tmp_path, fetcher)
        assert isinstance(page, Source)
        (polled,) = await page.poll()
    assert polled.asked == site.url("/story") and len(polled.written) == 1
    written = (tmp_path / polled.written[0]).read_text("utf-8")
    assert "title: Night ferries return" in written and "reindeer cheese" in written


async def test_the_folder_watcher_finds_what_others_wrote(tmp_path: Path) -> None:
    asked: list[set[str] | None] = []

    class Rescanned:
        unsettled = 0.0

    async def rescan(names: set[str] | None) -> Rescanned:
        asked.append(names)
        return Rescanned()

    watcher = FolderWatcher(tmp_path, 30.0, rescan)
    assert isinstance(watcher, Source)
    assert await watcher.poll() == [Polled(str(tmp_path))]
    assert asked == [None]  # the whole folder looked at


def test_the_feed_reader_is_a_source(tmp_path: Path) -> None:
    settings = Settings().replace(**{"corpus.folder": tmp_path})

    class Memory:  # never asked: the reader is only built here
        pass

    reader = FeedReader(feed_plan(settings), Memory(), Fetcher(WebLimits("test")))  # type: ignore[arg-type]
    assert isinstance(reader, Source)


async def test_the_watcher_looks_at_the_whole_folder_as_it_starts(tmp_path: Path) -> None:
    """What changed while no one watched is found at once, not at the first periodic rescan
    (a restarted bot answers from its index meanwhile)."""
    asked: list[set[str] | None] = []
    looked = asyncio.Event()

    class Rescanned:
        unsettled = 0.0

    async def rescan(names: set[str] | None) -> Rescanned:
        asked.append(names)
        looked.set()
        return Rescanned()

    watching = asyncio.create_task(FolderWatcher(tmp_path, 3600.0, rescan).run())
    try:
        await asyncio.wait_for(looked.wait(), 10)
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
    assert asked[0] is None
