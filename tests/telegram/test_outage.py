"""Two ``python -m bot run`` replicas through a PostgreSQL outage: the database behind a
front the test cuts (connections dropped, new ones refused, as when the server goes down)
and mends. Each replica keeps answering from its own index, follow-ups from the chats' data
it holds in memory, and says at once that it is unhealthy; in polling mode the poller keeps
polling. Once the database is back, what was written meanwhile reaches it, and the
broadcast the outage interrupted reaches every chat once, within Telegram's limits."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.support import updates as u
from tests.support.articles import NEW_ARTICLE, announcements, drop
from tests.support.cut import CutDatabase
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.fleet import Fleet, most_in_one_second, running_fleet
from tests.telegram.test_bot import INFRA

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

CHATS = 400


@pytest.fixture(name="cut")
def fixture_cut(postgres: str) -> Iterator[CutDatabase]:
    cut = CutDatabase(postgres)
    cut.start()
    yield cut
    cut.stop()


async def health(port: int) -> tuple[int, float]:
    """``/healthz``'s status, and how long it took."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30) as client:
        got = await client.get(f"http://127.0.0.1:{port}/healthz")
    return got.status_code, time.monotonic() - started


def kept_chat(pg_url: str, chat_id: int) -> dict[str, object]:
    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            "SELECT value FROM kept WHERE kind='chat' AND key=%s", (str(chat_id),)
        ).fetchone()
    return {} if row is None else dict(json.loads(row[0]))


def drones(api: FakeBotApi) -> list[Call]:
    """The new article's announcements sent so far."""
    return [c for c in announcements(api) if "Drone" in c.params["text"]]


# How long the database stays cut (the bar: 60 s; OUTAGE_SECONDS=60 to measure it).
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "10"))


async def questions_through(fleet: Fleet, api: FakeBotApi, cut_at: float) -> tuple[int, float]:
    """Until the outage has lasted OUTAGE_SECONDS: a question a second, to each replica in
    turn, from a new person each time; each must be answered within five seconds."""
    asked, slowest = 0, 0.0
    while time.monotonic() - cut_at < OUTAGE_SECONDS:
        chat, via = 6100 + asked, asked % 2
        started = time.monotonic()
        await fleet.post(u.message("who wrote about the HP event?", chat, user_id=chat), via=via)
        (reply,) = await api.wait_for("sendMessage", 1, chat_id=chat, within=5)
        took = time.monotonic() - started
        assert "Ella Kidron" in reply.params["text"]
        slowest, asked = max(slowest, took), asked + 1
        await asyncio.sleep(max(0.0, 1.0 - took))
    return asked, slowest


async def about(pg_url: str, chat_id: int, within: float = 20) -> object:
    """The article a chat's follow-ups are about, as the database has it once it has it
    (asked in a thread: the fake Bot API shares this event loop, and times what comes)."""
    deadline = time.monotonic() + within
    while True:
        found = (await asyncio.to_thread(kept_chat, pg_url, chat_id)).get("about")
        if found is not None or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def test_through_an_outage_each_replica_answers_and_says_it_is_unhealthy(
    api: FakeBotApi, pg_url: str, cut: CutDatabase, tmp_path: Path
) -> None:
    async with running_fleet(api, cut.through(pg_url), tmp_path, CHATS) as fleet:
        roles = await fleet.wait_roles()
        sender = next(n for n, p in enumerate(fleet.procs) if p and p.pid == roles["sender"])
        drop(fleet.corpus, "010_drones.txt", NEW_ARTICLE)
        await api.wait_for("sendMessage", 60, within=90)  # the broadcast is under way
        cut.cut()
        cut_at = time.monotonic()
        for n in (sender, 1 - sender):  # the sender first: it was marking rows as it sent
            status, took = await health(fleet.ports[n])
            print(f"replica {n}: /healthz {status} in {took:.2f}s")
            assert status == 503 and took < 1.0
        for n in (sender, 1 - sender):
            chat = 6000 + n
            summary = await fleet.ask("/summary new infrastucture", chat, via=n)
            assert "Lei Xu" in summary.params["text"]
            started = time.monotonic()
            follow = await fleet.ask("who wrote it?", chat, via=n)  # from the chat's data
            print(f"replica {n}: a follow-up answered in {time.monotonic() - started:.2f}s")
            assert "Lei Xu" in follow.params["text"], follow.params["text"]
        asked, slowest = await questions_through(fleet, api, cut_at)
        print(f"a {OUTAGE_SECONDS:.0f}s outage: {asked} questions, slowest answer {slowest:.2f}s")
        cut.mend()
        await fleet.healthy(0, 3, within=60)
        await fleet.healthy(1, 3, within=60)
        for n in (0, 1):  # the chats' data written during the outage reached the database
            assert await about(pg_url, 6000 + n) == INFRA
        for _ in range(240):  # the broadcast resumes once the database is back
            if len(drones(api)) >= CHATS:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)
        got = drones(api)
        per_chat = collections.Counter(int(c.params["chat_id"]) for c in got)
        assert set(per_chat) == set(range(1, CHATS + 1))
        assert set(per_chat.values()) == {1}, [c for c, n in per_chat.items() if n > 1]
        peak = most_in_one_second([c.at for c in got])
        print(f"at most {peak} announcements in one second")
        assert peak <= 30


async def test_a_poller_cut_off_from_the_database_keeps_answering(
    api: FakeBotApi, pg_url: str, cut: CutDatabase, tmp_path: Path
) -> None:
    """The poller's role is a lock on a connection the outage takes; nobody else can take
    the role meanwhile, so it keeps polling and answering. Once the database is back one
    process polls again, and each question is answered once."""
    fleet = Fleet(api, cut.through(pg_url), tmp_path, polling=True)
    fleet.start(0)
    fleet.start(1)
    try:
        await fleet.wait_roles(needed=("poller", "sender", "ingester"), within=60)
        api.push(u.message("who gave the opening presentation?", 7001, user_id=7001))
        await api.wait_for("sendMessage", 1, chat_id=7001, within=30)
        cut.cut()
        await asyncio.sleep(3)  # the poller has seen its lock go
        api.push(u.message("who gave the opening presentation?", 7002, user_id=7002))
        answer = await api.wait_for("sendMessage", 1, chat_id=7002, within=30)
        assert "Boutrup" in answer[-1].params["text"]
        cut.mend()
        await fleet.wait_roles(needed=("poller", "sender", "ingester"), within=60)
        await asyncio.sleep(5)  # a process that took the role over has started to poll
        api.push(u.message("who gave the opening presentation?", 7003, user_id=7003))
        answer = await api.wait_for("sendMessage", 1, chat_id=7003, within=30)
        assert "Boutrup" in answer[-1].params["text"]
        await asyncio.sleep(2)
        assert [len(api.sent(chat_id=c)) for c in (7001, 7002, 7003)] == [1, 1, 1]
    finally:
        fleet.stop()
