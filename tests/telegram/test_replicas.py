"""Two ``python -m bot run`` replicas in webhook mode on one real PostgreSQL, behind a
round-robin front, over HTTP against the fake Bot API server: announcements exactly once and
within Telegram's limits through the loss of the sender, the ingester's role taken over, and
a just-added article answered by either replica."""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.store.storage import Storage
from tests.support import updates as u
from tests.support.articles import NEW_ARTICLE, announcements, drop
from tests.support.fake_bot_api import FakeBotApi
from tests.support.fleet import Fleet, most_in_one_second, running_fleet
from tests.support.outbox import LOST_IN_THE_INSTANT, check_once_each
from tests.telegram.test_bot import buttons

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

CHATS = 600
FERRIES = """Nov 3, 2020|
Night ferries return to the fjords
by Ola Berg

The night ferry to Tromsø carries reindeer cheese and forty passengers again.
"""


@pytest.fixture(name="fleet")
async def fixture_fleet(api: FakeBotApi, pg_url: str, tmp_path: Path) -> AsyncIterator[Fleet]:
    async with running_fleet(api, pg_url, tmp_path, CHATS) as fleet:
        yield fleet


async def test_announced_once_to_each_chat_through_the_loss_of_the_sender(
    fleet: Fleet, api: FakeBotApi
) -> None:
    roles = await fleet.wait_roles()
    drop(fleet.corpus, "010_drones.txt", NEW_ARTICLE)
    await api.wait_for("sendMessage", 300, within=90)
    api.delay = 3.0  # the next requests hang: the sender dies with them in flight
    await asyncio.sleep(0.3)
    killed_at = time.monotonic()
    await asyncio.to_thread(fleet.kill, roles["sender"])
    api.delay = 0.0
    after = await fleet.wait_roles(not_pid=roles["sender"])
    assert after["sender"] != roles["sender"]
    before = len(announcements(api))
    for _ in range(600):
        if len(announcements(api)) > before:
            break
        await asyncio.sleep(0.1)
    failover = time.monotonic() - killed_at
    await api.wait_for("sendMessage", CHATS - LOST_IN_THE_INSTANT, within=120)
    await asyncio.sleep(2)
    got = [c for c in announcements(api) if "Drone" in c.params["text"]]
    with closing(Storage(fleet.pg_url)) as storage:
        lost = check_once_each(got, range(1, CHATS + 1), storage)
    peak = most_in_one_second([c.at for c in got])
    assert peak <= 30
    print(
        f"sender failover: {failover:.1f}s to the next announcement; at most {peak} a second;"
        f" lost in the instant: {len(lost)}"
    )
    assert failover < 15


async def test_the_ingesters_role_is_taken_over_and_either_replica_answers(
    fleet: Fleet, api: FakeBotApi
) -> None:
    with closing(Storage(fleet.pg_url)) as storage:
        for chat in range(6, CHATS + 1):
            storage.unsubscribe(chat)
    roles = await fleet.wait_roles()
    killed_at = time.monotonic()
    dead = await asyncio.to_thread(fleet.kill, roles["ingester"])
    await fleet.wait_roles(not_pid=roles["ingester"])
    takeover = time.monotonic() - killed_at
    drop(fleet.corpus, "020_ferries.txt", FERRIES)
    alive = 1 - dead
    await fleet.healthy(alive, 3, within=30)
    answer = await fleet.ask("what does the night ferry carry?", 4001)
    assert "reindeer cheese" in answer.params["text"]
    await asyncio.to_thread(fleet.start, dead)  # the operator (or orchestrator) brings it back
    await fleet.healthy(dead, 3, within=60)
    for n in (0, 1):
        answer = await fleet.ask("what does the night ferry to Tromsø carry?", 4100 + n, via=n)
        assert "reindeer cheese" in answer.params["text"], (n, answer.params["text"])
    await api.wait_for("sendMessage", 5, within=30)
    await asyncio.sleep(2)
    got = collections.Counter(
        int(c.params["chat_id"]) for c in announcements(api) if "ferries" in c.params["text"]
    )
    assert got == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    print(f"ingester takeover: {takeover:.1f}s")
    assert takeover < 10


async def test_a_button_made_by_one_replica_works_on_the_other(
    fleet: Fleet, api: FakeBotApi
) -> None:
    listing = await fleet.ask("/articles", 4200, via=0)
    assert "(1/2)" in listing.params["text"]
    (next_page,) = buttons(listing)
    await asyncio.sleep(1.0)  # the first replica writes its buttons every half second
    update = u.callback(next_page["callback_data"], chat_id=4200)
    await fleet.post(update, via=1)
    edit = (await api.wait_for("editMessageText", within=30))[-1]
    assert "(2/2)" in edit.params["text"]
    forged = u.callback("x" * 64, chat_id=4200)
    before = len(api.sent("answerCallbackQuery"))
    await fleet.post(forged, via=1)
    answered = await api.wait_for("answerCallbackQuery", before + 1, within=30)
    assert "expired" in answered[-1].params.get("text", "")


async def test_in_polling_mode_one_process_polls_and_the_other_takes_over(
    api: FakeBotApi, pg_url: str, tmp_path: Path
) -> None:
    """Telegram hands updates to one getUpdates caller at a time: one process polls, and
    when it dies the other starts; each question is answered once."""
    fleet = Fleet(api, pg_url, tmp_path, polling=True)
    fleet.start(0)
    fleet.start(1)
    try:
        roles = await fleet.wait_roles(needed=("poller", "sender", "ingester"), within=60)
        api.push(u.message("who gave the opening presentation?", 5001, user_id=5001))
        await api.wait_for("sendMessage", 1, chat_id=5001, within=30)
        await asyncio.sleep(2)
        assert len(api.sent(chat_id=5001)) == 1  # answered by one process only
        await asyncio.to_thread(fleet.kill, roles["poller"])
        await fleet.wait_roles(not_pid=roles["poller"], needed=("poller",), within=30)
        api.push(u.message("who gave the opening presentation?", 5002, user_id=5002))
        answer = await api.wait_for("sendMessage", 1, chat_id=5002, within=30)
        assert "Boutrup" in answer[-1].params["text"]
        await asyncio.sleep(2)
        assert len(api.sent(chat_id=5002)) == 1
    finally:
        fleet.stop()
