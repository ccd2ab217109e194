"""Digests, topic filters and longer summaries over the Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bot.runtime.service import zone_of
from tests.support import updates as u
from tests.support.articles import announcements, drop
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.conftest import running_bot
from tests.telegram.test_bot import ask, buttons, press

TODAY = dt.date.today()
FERRY = f"""{TODAY:%b} {TODAY.day}, {TODAY.year}|
Night ferries return to the fjords
by Ola Berg

The night ferry to Tromsø carries reindeer cheese and forty passengers again.
"""


def digests(api: FakeBotApi, chat_id: int) -> list[Any]:
    return [
        c for c in api.sent(chat_id=chat_id) if "Your daily digest" in c.params.get("text", "")
    ]


async def test_digest_command_lists_recent_articles_by_day(api: FakeBotApi, settings: Any) -> None:
    drop(settings.corpus.folder, "020_ferry.txt", FERRY)
    async with running_bot(settings):
        reply = await ask(api, "/digest")
        text = reply.params["text"]
        assert "last 7 days" in text and "Night ferries return" in text
        assert f"{TODAY:%A}" in text and "JD Shares" not in text  # 2020 is not this week
        assert "1 to 36500" in (await ask(api, "/digest ²")).params["text"]
        assert "JD Shares" in (await ask(api, "/digest 36500")).params["text"]


async def test_an_empty_digest_says_how_old_the_newest_article_is(
    api: FakeBotApi, settings: Any
) -> None:
    async with running_bot(settings):
        text = (await ask(api, "/digest 3")).params["text"]
    assert text == "No articles in the last 3 days; the newest is from 30 October 2020."


async def test_daily_digest_comes_once_through_a_restart(api: FakeBotApi, settings: Any) -> None:
    """A daily subscriber gets one digest with the day's new article, and a restart at the
    scheduled minute does not send it again; single announcements skip that chat."""
    async with running_bot(settings) as app:
        service = app.bot_data.service
        assert "daily digest" in (await ask(api, "/subscribe daily", 42)).params["text"]
        await ask(api, "/timezone Asia/Tokyo", 42)
        drop(settings.corpus.folder, "020_ferry.txt", FERRY)
        for _ in range(100):
            if service.engine.get("020_ferry") is not None:
                break
            await asyncio.sleep(0.1)
        now = dt.datetime.now(zone_of("Asia/Tokyo"))
        at_eight = now.replace(hour=8, minute=0, second=5, microsecond=0)
        if at_eight <= now:  # the next eight o'clock, whose digest holds this article
            at_eight += dt.timedelta(days=1)
        service.queue_digests(at_eight)
    async with running_bot(settings) as app:  # the restart, at the scheduled minute
        app.bot_data.service.queue_digests(at_eight + dt.timedelta(seconds=30))
        sent = await api.wait_for("sendMessage", 1, chat_id=42, within=15)
        await asyncio.sleep(1.5)
    found = digests(api, 42)
    assert len(found) == 1 and "Night ferries return" in found[0].params["text"]
    assert not announcements(api) and sent


async def test_topic_subscribers_get_only_their_topics(api: FakeBotApi, settings: Any) -> None:
    async with running_bot(settings):
        await ask(api, "/subscribe fery reindeer", 1)  # a typo, and a second topic
        await ask(api, "/subscribe robots", 2)
        await ask(api, "/subscribe", 3)
        reply = await ask(api, "/subscriptions", 1)
        assert "fery, reindeer" in reply.params["text"]
        drop(settings.corpus.folder, "020_ferry.txt", FERRY)
        await api.wait_for("sendMessage", 2, chat_id=3, within=20)
        await api.wait_for("sendMessage", 3, chat_id=1, within=20)
        await asyncio.sleep(1)
    got = {c.params["chat_id"] for c in announcements(api)}
    assert {str(c) for c in got} == {"1", "3"}


async def test_a_summary_offers_a_longer_one(api: FakeBotApi, settings: Any) -> None:
    async with running_bot(settings):
        short = await ask(api, "/summary new infrastructure")
        labels = {b["text"]: b["callback_data"] for b in buttons(short)}
        assert set(labels) == {"Source", "Longer summary"}
        before = len(api.sent(chat_id=42))
        await press(api, labels["Longer summary"])
        longer = (await api.wait_for("sendMessage", before + 1, chat_id=42))[-1]
        assert len(longer.params["text"]) > len(short.params["text"])
        assert "Longer summary" not in {b["text"] for b in buttons(longer)}


async def test_a_long_digest_is_split_below_telegrams_limit(
    api: FakeBotApi, settings: Any
) -> None:
    for n in range(60):
        body = FERRY.replace("Night ferries return to the fjords", f"Ferry route {n} " + "o" * 90)
        drop(settings.corpus.folder, f"1{n:02d}_route.txt", body)
    async with running_bot(settings) as app:
        for _ in range(100):
            if app.bot_data.service.engine.get("159_route") is not None:
                break
            await asyncio.sleep(0.1)
        before = len(api.sent(chat_id=42))
        api.push(u.message("/digest"))
        await asyncio.sleep(3)
    parts = [c.params["text"] for c in api.sent(chat_id=42)[before:]]
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert sum(p.count("Ferry route") for p in parts) == 60


async def test_filters_change_without_losing_the_subscription(
    api: FakeBotApi, settings: Any
) -> None:
    async with running_bot(settings) as app:
        storage = app.bot_data.service.storage
        await ask(api, "/subscribe robots", 5)
        since = storage.subscription(5).since
        reply = await ask(api, "/subscribe trains ferries", 5)
        assert (
            reply.params["text"].startswith("Changed:")
            and "trains, ferries" in reply.params["text"]
        )
        sub = storage.subscription(5)
        assert sub.filters == ("trains", "ferries") and sub.since == since and sub.active
        reply = await ask(api, "/subscribe", 5)  # everything again
        assert reply.params["text"].startswith("Changed:") and "about" not in reply.params["text"]
        assert "(all articles)" in (await ask(api, "/subscriptions", 5)).params["text"]
        assert len(storage.subscriptions()) == 1
