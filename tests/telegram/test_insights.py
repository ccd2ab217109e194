"""Insights in Telegram: with ``insights.enabled`` each question is kept (never who asked)
and /help says so; off, nothing of a question is stored; /insights for a subscribed group's
administrators."""

from __future__ import annotations

import asyncio
import re
import time
from contextlib import closing
from pathlib import Path

from bot.store.storage import Storage
from tests.support import updates as u
from tests.support.fake_bot_api import FakeBotApi
from tests.telegram.conftest import make_settings, running_bot
from tests.telegram.test_bot import ask

ANSWERED = "what did JD Health do during the epidemic?"
REFUSED = "how many goals did the home team score?"


async def kept(db: Path, count: int, within: float = 30.0) -> list[object]:
    """The questions kept, once there are ``count`` (they are written in the background)."""
    deadline = time.monotonic() + within
    while True:
        with closing(Storage(db)) as storage:
            rows = list(storage.questions_since(0))
        if len(rows) >= count or time.monotonic() > deadline:
            return rows  # type: ignore[return-value]
        await asyncio.sleep(0.1)


async def test_questions_are_kept_without_who_asked_and_help_says_so(
    api: FakeBotApi, corpus_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(
        api, corpus_dir, tmp_path, **{"insights.enabled": True, "insights.keep_days": 30}
    )
    async with running_bot(settings):
        help_text = (await ask(api, "/help", chat_id=501, user_id=501)).params["text"]
        await ask(api, ANSWERED, chat_id=501, user_id=501)
        await ask(api, REFUSED, chat_id=501, user_id=501)
        await ask(api, REFUSED, chat_id=502, user_id=502)
        rows = await kept(tmp_path / "bot.sqlite3", 3)
    assert "kept for 30 days" in help_text and "who asked is not kept" in help_text, help_text
    with closing(Storage(tmp_path / "bot.sqlite3")) as storage:
        asked = storage.questions_since(0)
    assert len(rows) == 3, rows
    assert [(q.question, q.answered) for q in asked] == [
        (ANSWERED, True),
        (REFUSED, False),
        (REFUSED, False),
    ]
    assert asked[0].article in {p.stem for p in corpus_dir.iterdir()}  # the article cited
    assert asked[1].article is None
    assert asked[0].chat == asked[1].chat != asked[2].chat, asked  # one chat, as a hash
    # A salted hash, never the chat's id: a hash's hex digits may hold "501" by chance.
    assert all(re.fullmatch(r"[0-9a-f]{16}", q.chat) for q in asked), asked
    assert all(0 < q.seconds < 30 for q in asked)


async def test_off_nothing_of_a_question_is_stored(
    api: FakeBotApi, corpus_dir: Path, tmp_path: Path
) -> None:
    async with running_bot(make_settings(api, corpus_dir, tmp_path)):
        help_text = (await ask(api, "/help", chat_id=503, user_id=503)).params["text"]
        await ask(api, ANSWERED, chat_id=503, user_id=503)
        await ask(api, REFUSED, chat_id=503, user_id=503)
        await asyncio.sleep(0.5)
    assert "kept for" not in help_text
    db = tmp_path / "bot.sqlite3"
    with closing(Storage(db)) as storage:
        assert storage.questions_since(0) == []
        assert storage.db.read("SELECT COUNT(*) FROM questions")[0][0] == 0
    assert REFUSED.encode() not in db.read_bytes()


async def test_insights_for_the_admins_of_a_subscribed_group(
    api: FakeBotApi, corpus_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(api, corpus_dir, tmp_path, **{"insights.enabled": True})
    group = -1009
    api.admins[group] = {7}
    with closing(Storage(tmp_path / "bot.sqlite3")) as storage:
        storage.subscribe(group, 0, "supergroup", "Readers")
    async with running_bot(settings):
        await ask(api, REFUSED, chat_id=504, user_id=504)
        await ask(api, ANSWERED, chat_id=504, user_id=504)
        await kept(tmp_path / "bot.sqlite3", 2)
        private = await ask(api, "/insights", chat_id=7, user_id=7)
        member = await ask(api, "/insights", chat_id=group, kind="supergroup", user_id=8)
        admin = await ask(api, "/insights", chat_id=group, kind="supergroup", user_id=7)
    assert "in a group that gets my announcements" in private.params["text"]
    assert "Only this group's administrators" in member.params["text"]
    text = u.plain(admin.params["text"])
    assert "2 questions from 1 chat," in text
    assert "1 answered (50%)" in text
    assert REFUSED in text  # the question to write an article about
    assert "Subscribers: 1" in text


async def test_insights_off_says_so(api: FakeBotApi, corpus_dir: Path, tmp_path: Path) -> None:
    async with running_bot(make_settings(api, corpus_dir, tmp_path)):
        reply = await ask(api, "/insights", chat_id=505, user_id=505)
    assert "Insights are off" in reply.params["text"]
