"""Benchmark: one and two ``python -m bot run`` replicas in webhook mode on one PostgreSQL,
behind a round-robin front, against the fake Bot API server.

    .venv/bin/python -m bench.replicas [--subscribers 3000] [--questions 300] [--replicas 1 2]

For each fleet size it reports:

- **announcements per second** with Telegram's limits lifted: one new article to every
  subscriber, from the first message to the last (one process is the fleet's sender, so a
  second replica is not expected to add to it);
- **answers per second**: questions from as many users, posted through the front 32 at a
  time, from the first post to the last answer (the lexical engine: ``embedding_model:
  none``);
- with two replicas, **failover** at Telegram's limits: the sender SIGKILLed in the middle of
  a broadcast (seconds from the kill to the next announcement, the most messages in any
  one second, and how many chats got it twice: a message whose request was in flight when
  the process died), and the ingester SIGKILLed (seconds until another process holds the
  role).

PostgreSQL is the ``pgserver`` package's server (a dev dependency), started in a temporary
folder; the fake Bot API server and the front run in this process. All of it shares this
machine's cores, so the figures are a floor, not what separate machines would give.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from bot.store.storage import Storage
from tests.support import updates as u
from tests.support.articles import NEW_ARTICLE, announcements, drop
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fleet import Fleet, most_in_one_second
from tests.support.postgres import new_database, start_postgres

LIFTED = (
    "announcements:\n  global_per_second: 1000000\n  group_per_minute: 1000000\n"
    "  chat_per_second: 1000000\n"
)
QUESTIONS = [
    "who gave the opening presentation?",
    "how many refrigerators were delivered?",
    "what did the robots do at the warehouse?",
    "when was the infrastructure summit?",
    "wat is the articel about robots about",
]
IN_FLIGHT = 32


async def fleet_of(
    api: FakeBotApi,
    admin_url: str,
    folder: Path,
    replicas: int,
    subscribers: int,
    extra: str = LIFTED,
) -> Fleet:
    url = new_database(admin_url)
    with closing(Storage(url)) as storage:
        for chat in range(1, subscribers + 1):
            storage.subscribe(chat, 0, "private", None)
    fleet = Fleet(api, url, folder, replicas=replicas, extra=extra)
    await fleet.front.start()
    for n in range(replicas):
        fleet.start(n)
    for n in range(replicas):
        await fleet.healthy(n, 2, within=120)
    await fleet.wait_roles(within=60)
    return fleet


async def broadcast(fleet: Fleet, api: FakeBotApi, subscribers: int) -> float:
    """Messages a second for one new article to every subscriber."""
    drop(fleet.corpus, "010_drones.txt", NEW_ARTICLE)
    await api.wait_for("sendMessage", subscribers, within=600)
    times = sorted(c.at for c in announcements(api))
    return (len(times) - 1) / (times[-1] - times[0])


async def answers(fleet: Fleet, api: FakeBotApi, count: int) -> float:
    """Answers a second for ``count`` questions from as many users, posted through the front
    ``IN_FLIGHT`` at a time; counted from the first post to the last answer."""
    base = 10_000_000
    seen = len(api.calls)
    answered = 0
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> None:
        async with slots:
            chat = base + i
            question = u.message(QUESTIONS[i % len(QUESTIONS)], chat, user_id=chat)
            await fleet.post(question, client=client)

    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=IN_FLIGHT))
    start = time.monotonic()
    posting = asyncio.gather(*(one(i) for i in range(count)))
    deadline = start + 600
    while answered < count and time.monotonic() < deadline:
        new = api.calls[seen:]  # only the calls since the last look: no rescans
        seen += len(new)
        answered += sum(
            1 for c in new if c.method == "sendMessage" and int(c.params.get("chat_id", 0)) >= base
        )
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - start
    await posting
    await client.aclose()
    assert answered >= count, f"{answered} of {count} answered"
    return count / elapsed


async def failover(fleet: Fleet, api: FakeBotApi, subscribers: int) -> dict[str, Any]:
    roles = await fleet.wait_roles()
    drop(fleet.corpus, "011_ferries.txt", NEW_ARTICLE.replace("Drone", "Ferry"))
    await api.wait_for("sendMessage", subscribers // 3, within=600)
    killed_at = time.monotonic()
    dead = await asyncio.to_thread(fleet.kill, roles["sender"])
    await api.wait_for("sendMessage", len(api.sent()) + 1, within=120)
    sender = time.monotonic() - killed_at
    await api.wait_for("sendMessage", subscribers, within=600)
    await asyncio.sleep(2)
    sent = api.sent()
    per_chat = collections.Counter(int(c.params["chat_id"]) for c in sent)
    peak = most_in_one_second([c.at for c in sent])
    # back in the fleet, so that the ingester has someone to hand over to
    await asyncio.to_thread(fleet.start, dead)
    await fleet.healthy(dead, 3, within=120)
    roles = await fleet.wait_roles(not_pid=roles["sender"])
    killed_at = time.monotonic()
    await asyncio.to_thread(fleet.kill, roles["ingester"])
    await fleet.wait_roles(not_pid=roles["ingester"])
    ingester = time.monotonic() - killed_at
    return {
        "sender_failover_s": round(sender, 2),
        "chats_reached": len(per_chat),
        "chats_twice": sum(1 for n in per_chat.values() if n > 1),
        "most_in_one_second": peak,
        "ingester_failover_s": round(ingester, 2),
    }


async def measure(
    folder: Path, admin_url: str, replicas: int, subscribers: int, questions: int
) -> dict[str, Any]:
    result: dict[str, Any] = {"replicas": replicas, "subscribers": subscribers}
    api = FakeBotApi()
    await api.start()
    fleet = await fleet_of(api, admin_url, folder / "fleet", replicas, subscribers)
    try:
        result["announcements_per_s"] = round(await broadcast(fleet, api, subscribers), 1)
        result["answers_per_s"] = round(await answers(fleet, api, questions), 1)
    finally:
        fleet.stop()
        await fleet.front.stop()
        await api.stop()
    if replicas > 1:
        api = FakeBotApi()
        await api.start()
        # failover at Telegram's limits, as in production
        fleet = await fleet_of(api, admin_url, folder / "again", replicas, subscribers, "")
        try:
            result |= await failover(fleet, api, subscribers)
        finally:
            fleet.stop()
            await fleet.front.stop()
            await api.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        admin_url = start_postgres(Path(tmp) / "pg")
        for replicas in args.replicas:
            folder = Path(tmp) / f"fleet{replicas}"
            result = asyncio.run(
                measure(folder, admin_url, replicas, args.subscribers, args.questions)
            )
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
