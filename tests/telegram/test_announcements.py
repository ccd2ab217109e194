"""Announcements over the Bot API: subscriptions, hot reload, limits, failures, restarts."""

from __future__ import annotations

import asyncio
import collections
import os
import shutil
import signal
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.core.corpus import load_corpus
from bot.store.storage import Storage
from tests.support import updates as u
from tests.support.articles import NEW_ARTICLE, announcements, drop
from tests.support.fake_bot_api import TOKEN, FakeBotApi
from tests.support.outbox import LOST_IN_THE_INSTANT, check_once_each
from tests.support.paths import ROOT, SEEDS
from tests.support.processes import bot_process
from tests.telegram.conftest import make_settings, running_bot
from tests.telegram.test_bot import ask


class TestSubscribing:
    async def test_private_subscribe_show_and_unsubscribe(self, api: FakeBotApi, bot: Any) -> None:
        assert "Subscribed" in (await ask(api, "/subscribe")).params["text"]
        assert "already" in (await ask(api, "/subscribe")).params["text"]
        assert "announced here" in (await ask(api, "/subscriptions")).params["text"]
        assert "Unsubscribed" in (await ask(api, "/unsubscribe")).params["text"]
        assert "no announcements" in (await ask(api, "/subscriptions")).params["text"]

    async def test_group_needs_an_admin(self, api: FakeBotApi, bot: Any) -> None:
        group = -100500
        api.admins[group] = {7}
        reply = await ask(api, "/subscribe", group, kind="supergroup", user_id=8)
        assert "administrators" in reply.params["text"]
        reply = await ask(api, "/subscribe", group, kind="supergroup", user_id=7)
        assert "Subscribed" in reply.params["text"]
        storage = bot.bot_data.service.storage
        assert storage.subscription(group).active

    async def test_anonymous_admin_posts_as_the_group(self, api: FakeBotApi, bot: Any) -> None:
        group = -100501
        reply = await ask(
            api,
            "/subscribe",
            group,
            kind="supergroup",
            user_id=1087968824,
            sender_chat={"id": group, "type": "supergroup", "title": "G"},
        )
        assert "Subscribed" in reply.params["text"]

    async def test_channel_post_subscribes_the_channel(self, api: FakeBotApi, bot: Any) -> None:
        channel = -100900
        api.push(u.channel_post("/subscribe", channel))
        reply = (await api.wait_for("sendMessage", chat_id=channel))[-1]
        assert "Subscribed" in reply.params["text"]
        assert bot.bot_data.service.storage.subscription(channel).kind == "channel"

    async def test_topic_subscription_is_per_topic(self, api: FakeBotApi, bot: Any) -> None:
        group = -100502
        api.admins[group] = {42}
        reply = await ask(api, "/subscribe", group, kind="supergroup", thread_id=9)
        assert "this topic" in reply.params["text"]
        assert bot.bot_data.service.storage.subscription(group, 9).active

    async def test_removed_bot_drops_the_chat_and_migration_keeps_it(
        self, api: FakeBotApi, bot: Any
    ) -> None:
        storage = bot.bot_data.service.storage
        storage.subscribe(-7, 0, "group", "G")
        storage.subscribe(-8, 0, "group", "H")
        api.push(u.my_chat_member(-7, "group", "kicked"))
        migrate = u.message("", -8, "group")
        migrate["message"].pop("text")
        migrate["message"]["migrate_to_chat_id"] = -1008
        api.push(migrate)
        for _ in range(50):
            if not storage.subscription(-7).active and storage.subscription(-1008):
                break
            await asyncio.sleep(0.1)
        assert not storage.subscription(-7).active
        assert storage.subscription(-1008).active


class TestNewArticles:
    async def test_back_catalogue_is_not_announced(self, api: FakeBotApi, settings: Any) -> None:
        Storage(settings.storage.path).subscribe(42, 0, "private", None)
        async with running_bot(settings):
            await asyncio.sleep(1.0)
        assert announcements(api) == []

    async def test_dropped_file_reaches_every_subscriber_and_is_answerable(
        self, api: FakeBotApi, settings: Any
    ) -> None:
        storage = Storage(settings.storage.path)
        for chat, thread in [(42, 0), (-100600, 0), (-100601, 5)]:
            storage.subscribe(chat, thread, "private" if chat > 0 else "supergroup", None)
        async with running_bot(settings):
            drop(settings.corpus.folder)
            await api.wait_for("sendMessage", 3, within=20)
            sent = announcements(api)
            assert sorted(int(c.params["chat_id"]) for c in sent) == [-100601, -100600, 42]
            topic = next(c for c in sent if int(c.params["chat_id"]) == -100601)
            assert str(topic.params["message_thread_id"]) == "5"
            assert "Drone Deliveries" in sent[0].params["text"]
            assert "Wei Zhang" in sent[0].params["text"]
            button = sent[0].params["reply_markup"]["inline_keyboard"][0][0]
            assert button["url"].endswith("?start=010_drones")
            reply = await ask(api, "how much can each drone carry?", chat_id=77)
            assert "15 kilograms" in reply.params["text"]
        assert len(announcements(api)) == 3

    async def test_changed_article_is_reindexed_not_reannounced(
        self, api: FakeBotApi, settings: Any
    ) -> None:
        Storage(settings.storage.path).subscribe(42, 0, "private", None)
        async with running_bot(settings):
            path = drop(settings.corpus.folder)
            await api.wait_for("sendMessage", 1, within=20)
            path.write_text(NEW_ARTICLE.replace("15 kilograms", "25 kilograms"), "utf-8")
            for _ in range(60):
                reply = await ask(api, "how much can each drone carry?", chat_id=77)
                if "25 kilograms" in reply.params["text"]:
                    break
                await asyncio.sleep(0.3)
            assert "25 kilograms" in reply.params["text"]
        assert len(announcements(api)) == 1

    async def test_corrupt_and_half_written_files_never_stop_the_watcher(
        self, api: FakeBotApi, settings: Any
    ) -> None:
        Storage(settings.storage.path).subscribe(42, 0, "private", None)
        folder = settings.corpus.folder
        async with running_bot(settings):
            (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
            (folder / "broken.md").write_text("---\ntitle: [oops\n---\nBody", "utf-8")
            half = folder / "011_half.txt"
            text = NEW_ARTICLE.replace("Drone Deliveries", "Drone Flights")
            cut = text.index("twelve mountain")
            with half.open("w", encoding="utf-8") as f:  # written in two goes, slowly
                f.write(text[:cut])
                f.flush()
                await asyncio.sleep(0.5)
                f.write(text[cut:])
            drop(folder, "012_more.txt", NEW_ARTICLE.replace("Drone Deliveries", "Robots"))
            await api.wait_for("sendMessage", 2, within=20)
            await asyncio.sleep(1.5)
            texts = [c.params["text"] for c in announcements(api)]
            assert len(texts) == 2
            flights = next(t for t in texts if "Drone Flights" in t)
            assert "twelve mountain villages" in flights  # the whole file, not its first half
            assert any("Robots" in t for t in texts)


class TestDelivery:
    @pytest.mark.slow
    async def test_1000_subscribers_with_429_and_403(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> None:
        settings = make_settings(
            api,
            corpus_dir,
            tmp_path,
            **{"announcements.global_per_second": 2000.0, "announcements.chat_per_second": 100.0},
        )
        storage = Storage(settings.storage.path)
        for chat in range(1, 1001):
            storage.subscribe(chat, 0, "private", None)
        blocked = set(range(1, 11))
        api.fail("sendMessage", 403, times=10**6, match=lambda p: int(p["chat_id"]) in blocked)
        api.fail(
            "sendMessage",
            429,
            times=3,
            retry_after=1,
            match=lambda p: int(p["chat_id"]) in {500, 600, 700},
        )
        async with running_bot(settings):
            drop(corpus_dir)
            await api.wait_for("sendMessage", 990, within=90)
            for _ in range(100):
                if all(not storage.subscription(c).active for c in blocked):
                    break
                await asyncio.sleep(0.2)
        per_chat = collections.Counter(int(c.params["chat_id"]) for c in announcements(api))
        assert set(per_chat) == set(range(11, 1001))
        assert set(per_chat.values()) == {1}
        assert all(not storage.subscription(c).active for c in blocked)
        refusals = collections.Counter(
            int(c.params["chat_id"])
            for c in api.calls
            if c.method == "!sendMessage" and int(c.params["chat_id"]) in blocked
        )
        assert set(refusals.values()) == {3}

    @pytest.mark.slow
    @pytest.mark.subprocess
    async def test_sigkill_mid_broadcast_then_restart_delivers_the_rest_once(
        self, api: FakeBotApi, tmp_path: Path
    ) -> None:
        corpus = tmp_path / "corpus"
        shutil.copytree(SEEDS, corpus)
        db = tmp_path / "bot.sqlite3"
        storage = Storage(db)
        chats = list(range(1, 121))
        for chat in chats:
            storage.subscribe(chat, 0, "private", None)
        storage.mark_known((a.id, a.content_hash) for a in load_corpus(corpus).articles)
        storage.set_meta("catalogue", "seen")
        storage.close()
        config = (
            f"corpus:\n  folder: {corpus}\n  rescan_seconds: 1\nstorage:\n  path: {db}\n"
            "announcements:\n  global_per_second: 40\n"
        )

        def start() -> subprocess.Popen[str]:
            return bot_process(api.base_url, config, tmp_path)

        first = start()
        try:
            await api.wait_for("deleteWebhook", 1, within=60)
            await asyncio.sleep(1.5)  # the watcher is started once polling begins
            drop(corpus)
            await api.wait_for("sendMessage", 40, within=60)
            api.delay = 3.0  # the next request hangs: the process dies with it in flight
            await asyncio.sleep(0.3)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        api.delay = 0.0
        await asyncio.sleep(3.5)  # the request in flight is carried out all the same
        delivered_before = len(announcements(api))
        assert 40 <= delivered_before < len(chats)
        second = start()
        try:
            await api.wait_for("sendMessage", len(chats) - LOST_IN_THE_INSTANT, within=90)
            await asyncio.sleep(1.0)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
        with closing(Storage(db)) as storage:
            check_once_each(announcements(api), chats, storage)


async def test_announce_now_sends_from_the_command_line(api: FakeBotApi, tmp_path: Path) -> None:
    """python -m bot announce ARTICLE --now, the way an operator announces by hand."""
    db = tmp_path / "bot.sqlite3"
    storage = Storage(db)
    for chat in (11, 12):
        storage.subscribe(chat, 0, "private", None)
    storage.close()
    config = tmp_path / "bot.yaml"
    config.write_text(f"corpus:\n  folder: {SEEDS}\nstorage:\n  path: {db}\n", encoding="utf-8")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "announce",
        "HP event",
        "--now",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, out
    assert "sent 2 messages" in out.decode()
    assert sorted(int(c.params["chat_id"]) for c in announcements(api)) == [11, 12]
