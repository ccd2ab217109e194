"""Feeds end to end: entries from a feed on 127.0.0.1 become answerable articles, announced
once, to the chats whose topics they match, over the fake Bot API."""

from __future__ import annotations

import asyncio
import collections
import shutil
import signal
from pathlib import Path

import pytest

from tests.support.articles import announcements
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fake_site import FakeSite, article_page, rss
from tests.support.paths import SEEDS
from tests.support.processes import bot_process
from tests.support.updates import plain
from tests.telegram.conftest import make_settings, running_bot
from tests.telegram.test_bot import ask

FERRY = [
    "The night ferry to Tromsø carries reindeer cheese and forty passengers again.",
    "The route was closed for three winters while the harbour was rebuilt.",
]
ROBOTS = [
    "A warehouse in Oslo now sorts parcels with forty robots that never sleep.",
    "The robots were built by a firm in Bergen and cost twelve million kroner.",
]
TRAIN = [
    "The night train from Oslo to Bodø runs three times a week from March.",
    "Its sleeping cars were refitted with showers and a small dining room.",
]


def serve_feed(site: FakeSite, *stories: tuple[str, str, list[str]]) -> None:
    items = []
    for path, title, paragraphs in stories:
        site.serve(path, article_page(title, paragraphs))
        items.append({"title": title, "link": site.url(path), "guid": site.url(path)})
    site.serve("/feed.xml", rss(items), media_type="application/rss+xml")


def per_chat(api: FakeBotApi) -> collections.Counter[int]:
    return collections.Counter(int(c.params["chat_id"]) for c in announcements(api))


async def test_feed_entries_are_answered_and_announced_once_to_matching_topics(
    api: FakeBotApi, site: FakeSite, corpus_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(
        api,
        corpus_dir,
        tmp_path,
        **{
            "corpus.feeds": [{"url": site.url("/feed.xml"), "interval": 1}],
            "corpus.rescan_seconds": 1,
            "web.site_delay_seconds": 0,
        },
    )
    serve_feed(site, ("/ferry", "Night ferries return to the fjords", FERRY))
    async with running_bot(settings) as app:
        engine = lambda: app.bot_data.service.engine  # noqa: E731 - it changes as files arrive
        await ask(api, "/subscribe robotz warehouses", 1)  # a typo
        await ask(api, "/subscribe trains", 2)
        await ask(api, "/subscribe", 3)
        for _ in range(100):  # the back catalogue: indexed, not announced
            if any(a.title.startswith("Night ferries") for a in engine().articles):
                break
            await asyncio.sleep(0.1)
        reply = await ask(api, "what does the night ferry carry?", 4)
        assert "reindeer cheese" in reply.params["text"]

        serve_feed(
            site,
            ("/robots", "Robots sort the parcels", ROBOTS),
            ("/ferry", "Night ferries return to the fjords", FERRY),
        )
        await api.wait_for("sendMessage", 2, chat_id=1, within=20)  # the reply, the news
        await api.wait_for("sendMessage", 2, chat_id=3, within=20)
        await asyncio.sleep(3)  # three more polls: nothing is announced twice
        reply = await ask(api, "how many robots sort parcels in oslo", 4)
        assert "forty robots" in plain(reply.params["text"])
    assert per_chat(api) == {1: 1, 3: 1}
    (news,) = [c for c in announcements(api) if c.params["chat_id"] in (1, "1")]
    assert "Robots sort the parcels" in news.params["text"]


@pytest.mark.slow
@pytest.mark.subprocess
async def test_an_operator_runs_the_bot_on_a_feed(
    api: FakeBotApi, site: FakeSite, tmp_path: Path
) -> None:
    """``python -m bot run`` with a feed in its config file; a restart in the middle."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    serve_feed(site, ("/ferry", "Night ferries return to the fjords", FERRY))
    config = (
        f"corpus:\n  folder: {corpus}\n  rescan_seconds: 1\n"
        f"  feeds:\n    - url: {site.url('/feed.xml')}\n      interval: 1\n"
        f"storage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
        "answers:\n  embedding_model: none\nweb:\n  site_delay_seconds: 0\n"
    )
    first = bot_process(api.base_url, config, tmp_path)
    try:
        await api.wait_for("deleteWebhook", 1, within=60)
        await ask(api, "/subscribe trains", 7)
        await ask(api, "/subscribe robots", 8)
        for _ in range(100):  # the back catalogue is read
            if list(corpus.glob("ferry-*.md")):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
    serve_feed(
        site,
        ("/train", "A night train to Bodø", TRAIN),
        ("/ferry", "Night ferries return to the fjords", FERRY),
    )
    second = bot_process(api.base_url, config, tmp_path)
    try:
        await api.wait_for("sendMessage", 2, chat_id=7, within=60)
        reply = await ask(api, "how often does the night train to Bodo run?", 9)
        assert "three times a week" in reply.params["text"]
        await asyncio.sleep(2)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    assert per_chat(api) == {7: 1}
    assert "A night train to Bodø" in announcements(api)[0].params["text"]
