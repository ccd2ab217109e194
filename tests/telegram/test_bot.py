"""The bot over the Bot API protocol: chats, groups, commands, buttons, inline mode, errors."""

from __future__ import annotations

import asyncio
import html
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.corpus import to_markdown
from tests.support import updates as u
from tests.support.fake_bot_api import BOT_USERNAME, TOKEN, Call, FakeBotApi
from tests.support.paths import SEEDS
from tests.support.processes import bot_process, free_port
from tests.telegram.conftest import make_settings, running_bot

ROBOTS = "002_4f41e04494f82d41"
INFRA = "000_b5fdd6b8f40a688b"


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def ask(api: FakeBotApi, text: str, chat_id: int = 42, **kw: Any) -> Call:
    before = len(api.sent(chat_id=chat_id))
    api.push(u.message(text, chat_id=chat_id, **kw))
    return (await api.wait_for("sendMessage", before + 1, chat_id=chat_id))[-1]


async def quiet(api: FakeBotApi, seconds: float = 0.6) -> None:
    await asyncio.sleep(seconds)


@pytest.mark.usefixtures("bot")
class TestPrivateChat:
    async def test_question_gets_a_cited_answer_with_buttons(self, api: FakeBotApi) -> None:
        reply = await ask(api, "what did JD Health do during the epidemic?")
        text = reply.params["text"]
        assert reply.params["parse_mode"] == "HTML"
        assert "10 million" in text and "paragraph 4" in text and "Ella Kidron" in text
        assert [b["text"] for b in buttons(reply)] == ["Summary", "Source"]

    async def test_not_found_says_so_and_offers_suggestions(self, api: FakeBotApi) -> None:
        reply = await ask(api, "recommend me a good pizza place")
        assert "couldn't find" in reply.params["text"]
        reply = await ask(api, "pizza and smart logistcs for the weather")
        assert "couldn't find" in reply.params["text"] or "paragraph" in reply.params["text"]

    async def test_small_talk_and_tell_me_more(self, api: FakeBotApi) -> None:
        reply = await ask(api, "Thanks!")
        assert "welcome" in reply.params["text"] and not buttons(reply)
        await ask(api, "which robot went to the museum?")
        reply = await ask(api, "tell me more")
        assert "Ella Kidron" in reply.params["text"]  # the robots article's longer summary
        assert [b["text"] for b in buttons(reply)] == ["Summary", "Source"]

    async def test_html_in_questions_is_escaped(self, api: FakeBotApi) -> None:
        reply = await ask(api, "/search <b>x</b> & <script>")
        text = reply.params["text"]
        assert "<script>" not in text and "&lt;script&gt;" in text

    @pytest.mark.parametrize(
        "text",
        ["x" * 10_000, "🙂🙂🙂", "Как дела у роботов?", " . "],
        ids=["10k-chars", "emoji", "cyrillic", "punctuation"],
    )
    async def test_odd_messages_get_a_reply(self, api: FakeBotApi, text: str) -> None:
        reply = await ask(api, text)
        assert 0 < len(reply.params["text"]) <= 4096

    async def test_follow_up_is_about_the_previous_article(self, api: FakeBotApi) -> None:
        await ask(api, "tell me about the delivery robots")
        reply = await ask(api, "who wrote it?")
        assert "Ella Kidron" in reply.params["text"]
        reply = await ask(api, "when was that published?")
        assert "October 30, 2020" in reply.params["text"]


@pytest.mark.usefixtures("bot")
class TestGroups:
    GROUP = -100123

    async def test_chatter_is_ignored(self, api: FakeBotApi) -> None:
        api.push(
            u.message("lunch at noon anyone? delivery robots are cool", self.GROUP, "supergroup")
        )
        await quiet(api)
        assert api.sent(chat_id=self.GROUP) == []

    async def test_mention_reply_and_commands_are_answered(self, api: FakeBotApi) -> None:
        reply = await ask(
            api, f"@{BOT_USERNAME} who wrote about the HP event?", self.GROUP, kind="supergroup"
        )
        assert "Ella Kidron" in reply.params["text"]
        reply = await ask(
            api, "nordic region countries", self.GROUP, kind="supergroup", reply_to_bot=True
        )
        assert "Norway" in html.unescape(reply.params["text"])
        reply = await ask(
            api, f"/ask@{BOT_USERNAME} how many food items did JD supply", self.GROUP, kind="group"
        )
        assert "220 million" in reply.params["text"]

    async def test_command_for_another_bot_is_ignored(self, api: FakeBotApi) -> None:
        api.push(u.message("/ask@SomeOtherBot delivery robots", self.GROUP, "supergroup"))
        await quiet(api)
        assert api.sent(chat_id=self.GROUP) == []

    async def test_forum_topic_reply_stays_in_the_topic(self, api: FakeBotApi) -> None:
        reply = await ask(api, "/ask delivery robots", self.GROUP, kind="supergroup", thread_id=77)
        assert str(reply.params["message_thread_id"]) == "77"


@pytest.mark.usefixtures("bot")
class TestCommands:
    async def test_start_and_help(self, api: FakeBotApi) -> None:
        assert "/search" in (await ask(api, "/start")).params["text"]
        assert "/summary" in (await ask(api, "/help")).params["text"]

    async def test_start_deep_link_opens_the_article(self, api: FakeBotApi) -> None:
        reply = await ask(api, f"/start {INFRA}")
        assert "Lei Xu" in reply.params["text"]

    async def test_ask_without_a_question_explains(self, api: FakeBotApi) -> None:
        assert "Ask me a question" in (await ask(api, "/ask")).params["text"]

    async def test_search_pages(self, api: FakeBotApi) -> None:
        reply = await ask(api, "/search JD")
        assert "JD Shares Insights" in reply.params["text"]

    async def test_articles_newest_first(self, api: FakeBotApi) -> None:
        text = (await ask(api, "/articles")).params["text"]
        assert text.index("JD Shares") < text.index("Seize the")

    async def test_summary_by_title_and_unknown(self, api: FakeBotApi) -> None:
        assert "Lei Xu" in (await ask(api, "/summary new infrastucture")).params["text"]
        assert "no article matches" in (await ask(api, "/summary pizza")).params["text"]

    async def test_latest(self, api: FakeBotApi) -> None:
        assert "JD Shares Insights" in (await ask(api, "/latest")).params["text"]

    async def test_commands_registered_at_start(self, api: FakeBotApi) -> None:
        call = (await api.wait_for("setMyCommands"))[0]
        names = [c["command"] for c in call.params["commands"]]
        assert {"ask", "search", "articles", "summary", "latest", "help"} <= set(names)


@pytest.mark.usefixtures("bot")
class TestButtons:
    async def press(self, api: FakeBotApi, data: str) -> Call:
        before = len(api.sent("answerCallbackQuery"))
        api.push(u.callback(data))
        return (await api.wait_for("answerCallbackQuery", before + 1))[-1]

    async def test_summary_source_and_more_answers(self, api: FakeBotApi) -> None:
        # An answer with other paragraphs read as answering too (More answers).
        reply = await ask(api, "development of the new infrastructure")
        data = {b["text"]: b["callback_data"] for b in buttons(reply)}
        for label, needle in [
            ("Summary", "Lei Xu"),
            ("Source", "paragraph"),
            ("More answers", "More answers"),
        ]:
            before = len(api.sent(chat_id=42))
            await self.press(api, data[label])
            sent = await api.wait_for("sendMessage", before + 1, chat_id=42)
            assert needle in sent[-1].params["text"], label

    async def test_suggestion_button_asks_it(self, api: FakeBotApi) -> None:
        reply = await ask(api, "JD pizza weather forecast")
        if not buttons(reply):
            pytest.fail(f"no suggestions offered: {reply.params['text']}")
        before = len(api.sent(chat_id=42))
        await self.press(api, buttons(reply)[0]["callback_data"])
        await api.wait_for("sendMessage", before + 1, chat_id=42)

    async def test_which_article_is_asked_back_with_a_button_per_title(
        self, api: FakeBotApi
    ) -> None:
        """Naming no article among several, the bot asks which; each title's button asks
        the question again of that article."""
        reply = await ask(api, "who wrote the article?")
        assert "Which article do you mean?" in reply.params["text"]
        assert "Perhaps one of these" not in reply.params["text"]
        offered = {b["text"]: b["callback_data"] for b in buttons(reply)}
        # The longer title is cut at a word to fit a button.
        title = "JD Shares Insights with Executives during HP and SAP-Hosted…"
        assert title in offered and len(offered) == 2
        before = len(api.sent(chat_id=42))
        await self.press(api, offered[title])
        sent = await api.wait_for("sendMessage", before + 1, chat_id=42)
        assert "Ella Kidron" in sent[-1].params["text"]

    @pytest.mark.parametrize(
        "data",
        [
            "zzz",
            "m:999999",
            "s:no-such-article",
            "p:99:" + INFRA,
            "g:1:abc",
            "r:nope:1",
            "",
            "l:-1",
            "p:x:y:z",
            "p:²:" + INFRA,
            "l:²",
            "x" * 64,
        ],
    )
    async def test_stale_or_forged_data_gets_a_polite_answer(
        self, api: FakeBotApi, data: str
    ) -> None:
        answer = await self.press(api, data)
        assert "expired" in answer.params.get("text", "")
        assert api.sent("sendMessage", chat_id=42) == []


async def press(api: FakeBotApi, data: str) -> Call:
    before = len(api.sent("answerCallbackQuery"))
    api.push(u.callback(data))
    return (await api.wait_for("answerCallbackQuery", before + 1))[-1]


class TestButtonsAcrossRestarts:
    async def test_paging_edits_the_list(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> None:
        settings = make_settings(api, corpus_dir, tmp_path, **{"telegram.page_size": 1})
        async with running_bot(settings):
            listing = await ask(api, "/articles")
            assert "(1/2)" in listing.params["text"]
            (next_page,) = buttons(listing)
            await press(api, next_page["callback_data"])
            edit = (await api.wait_for("editMessageText"))[-1]
            assert "(2/2)" in edit.params["text"] and INFRA in edit.params["text"]

    async def test_buttons_and_follow_ups_survive_a_restart(
        self, api: FakeBotApi, settings: Any
    ) -> None:
        """A button sent before a restart still works after it, and so does "who wrote it?"
        about the article of the last answer."""
        async with running_bot(settings):
            reply = await ask(api, "what did JD Health do during the epidemic?")
        summary = {b["text"]: b["callback_data"] for b in buttons(reply)}["Summary"]
        async with running_bot(settings):
            before = len(api.sent(chat_id=42))
            answer = await press(api, summary)
            assert "expired" not in answer.params.get("text", "")
            sent = await api.wait_for("sendMessage", before + 1, chat_id=42)
            assert "Ella Kidron" in sent[-1].params["text"]
            follow = await ask(api, "who wrote it?")
            assert "Ella Kidron" in follow.params["text"]

    async def test_edited_question_edits_the_answer(self, api: FakeBotApi, settings: Any) -> None:
        async with running_bot(settings):
            first = await ask(api, "how many food items did JD supply?", message_id=500)
            assert "220 million" in first.params["text"]
            api.push(u.edited_message("who is the author of the new infrastructure article", 500))
            edit = (await api.wait_for("editMessageText"))[-1]
            assert "Lei Xu" in edit.params["text"]
            assert len(api.sent("sendMessage", chat_id=42)) == 1  # no second answer


@pytest.mark.usefixtures("bot")
class TestInline:
    async def inline(self, api: FakeBotApi, query: str, offset: str = "") -> Call:
        before = len(api.sent("answerInlineQuery"))
        api.push(u.inline(query, offset))
        return (await api.wait_for("answerInlineQuery", before + 1))[-1]

    async def test_answer_and_articles_with_citations(self, api: FakeBotApi) -> None:
        call = await self.inline(api, "how many food items did JD supply")
        results = call.params["results"]
        assert results[0]["id"].startswith("answer-")
        assert "220 million" in results[0]["input_message_content"]["message_text"]
        assert any(r["id"] == f"article-{ROBOTS}" for r in results)

    async def test_empty_query_offers_latest(self, api: FakeBotApi) -> None:
        call = await self.inline(api, "")
        assert [r["id"] for r in call.params["results"]] == [
            f"article-{ROBOTS}",
            f"article-{INFRA}",
        ]

    async def test_pagination_offset(self, api: FakeBotApi) -> None:
        call = await self.inline(api, "", offset="10")
        assert call.params["results"] == [] and call.params.get("next_offset", "") == ""

    @pytest.mark.parametrize("offset", ["²", "-1", "1e9", "99999999999999999999"])
    async def test_odd_offsets_start_at_the_top(self, api: FakeBotApi, offset: str) -> None:
        call = await self.inline(api, "", offset=offset)
        assert call.params["results"][0]["id"] == f"article-{ROBOTS}"

    async def test_results_are_computed_once_per_query(
        self, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Typing sends a query per keystroke: the same query is answered from the cache."""
        import bot.telegram.inline as inline_mode

        real, calls = inline_mode._results, []

        def counting(engine: Any, query: str) -> Any:
            calls.append(query)
            return real(engine, query)

        monkeypatch.setattr(inline_mode, "_results", counting)
        first = await self.inline(api, "delivery robots")
        second = await self.inline(api, "delivery robots")
        assert calls == ["delivery robots"]
        assert first.params["results"] == second.params["results"]


class TestHostileArticle:
    """Two articles with 60,000-character titles, 5,600-character links and ids longer than
    Telegram allows a result's, alike in their first hundred characters."""

    @pytest.fixture(name="hostile")
    async def fixture_hostile(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> AsyncIterator[Any]:
        for place in ("North", "South"):
            text = to_markdown(
                "Lanterns " * 6_700,
                [f"The glass lanterns of {place} Velmora glow blue in the winter."],
                author="Ada " * 3_000,
                url="https://example.org/" + "a" * 5_600,
            )
            (corpus_dir / f"{'velmora-' * 12}{place.lower()}.md").write_text(text, "utf-8")
        async with running_bot(make_settings(api, corpus_dir, tmp_path)) as app:
            yield app

    @pytest.mark.usefixtures("hostile")
    async def test_an_answer_from_it_is_one_message(self, api: FakeBotApi) -> None:
        """Its answer is one message of at most 4,096 characters, not fifteen."""
        reply = await ask(api, "what colour do the glass lanterns of North Velmora glow?")
        await quiet(api)
        assert len(api.sent(chat_id=42)) == 1
        assert "glow blue" in u.plain(reply.params["text"]) and len(reply.params["text"]) <= 4096

    @pytest.mark.usefixtures("hostile")
    async def test_inline_results_have_unique_ids_within_64_bytes(self, api: FakeBotApi) -> None:
        """Each result's id is its own and at most 64 bytes (cut to 64 characters, the two
        articles' ids would be one: RESULT_ID_DUPLICATE), and each result fits a message."""
        api.push(u.inline("glass lanterns of Velmora"))
        results = (await api.wait_for("answerInlineQuery"))[-1].params["results"]
        ids = [r["id"] for r in results]
        assert len(ids) >= 3 and len(set(ids)) == len(ids)
        assert all(len(i.encode()) <= 64 for i in ids)
        texts = [r["input_message_content"]["message_text"] for r in results]
        assert all(len(t) <= 4096 for t in texts)


class TestResilience:
    async def test_flood_limit_gives_one_notice(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> None:
        settings = make_settings(api, corpus_dir, tmp_path, **{"telegram.flood_questions": 3})
        async with running_bot(settings):
            for _ in range(7):
                api.push(u.message("delivery robots", chat_id=99, user_id=99))
            await api.wait_for("sendMessage", 4, chat_id=99)
            await quiet(api, 1.0)
        texts = [c.params["text"] for c in api.sent(chat_id=99)]
        assert len(texts) == 4
        assert sum("faster than I can keep up" in t for t in texts) == 1

    async def test_commands_meet_the_flood_gate(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> None:
        """Thirty quick /help from one user: as many replies as the flood gate lets through
        (eight a minute, questions and commands alike), one notice, then silence."""
        async with running_bot(make_settings(api, corpus_dir, tmp_path)):
            for _ in range(30):
                api.push(u.message("/help", chat_id=97, user_id=97))
            await api.wait_for("sendMessage", 9, chat_id=97, within=30)
            await quiet(api, 2.0)
        texts = [c.params["text"] for c in api.sent(chat_id=97)]
        assert len(texts) == 9
        assert sum("faster than I can keep up" in t for t in texts) == 1

    @pytest.mark.slow
    async def test_a_chat_waiting_for_its_send_limit_holds_up_no_other(
        self, api: FakeBotApi, corpus_dir: Path, tmp_path: Path
    ) -> None:
        """Twelve quick /help from one user (all let through) take the bot twelve seconds to
        answer, at Telegram's one message a second to a chat; meanwhile a question from
        another chat is answered at once."""
        settings = make_settings(api, corpus_dir, tmp_path, **{"telegram.flood_questions": 100})
        async with running_bot(settings):
            for _ in range(12):
                api.push(u.message("/help", chat_id=98, user_id=98))
            await api.wait_for("sendMessage", 3, chat_id=98)
            started = time.monotonic()
            reply = await ask(api, "who wrote about the HP event?", chat_id=99, user_id=99)
            waited = time.monotonic() - started
            assert "Ella Kidron" in reply.params["text"]
            assert len(api.sent(chat_id=98)) < 12  # the first chat's replies still wait
        print(f"answered in {waited:.2f}s while the other chat waited for its replies")
        assert waited < 2.5

    async def test_http_500_and_429_are_survived(self, api: FakeBotApi, bot: Any) -> None:
        api.fail("sendMessage", 500, times=1)
        reply = await ask(api, "delivery robots")
        assert "robot" in reply.params["text"]
        api.fail("sendMessage", 429, times=1, retry_after=1)
        started = time.monotonic()
        reply = await ask(api, "nordic region countries")
        assert "Norway" in html.unescape(reply.params["text"])
        assert time.monotonic() - started >= 0.9
        assert [c.method for c in api.calls].count("!sendMessage") == 2

    async def test_polling_survives_server_errors(self, api: FakeBotApi, bot: Any) -> None:
        """getUpdates answered with 500s and a 429: polling backs off and carries on."""
        api.fail("getUpdates", 500, times=2)
        api.fail("getUpdates", 429, times=1, retry_after=1)
        reply = await ask(api, "delivery robots")
        assert "robot" in reply.params["text"]
        assert [c.method for c in api.calls].count("!getUpdates") == 3

    async def test_refused_start_up_method_is_tolerated(
        self, api: FakeBotApi, settings: Any
    ) -> None:
        api.fail("setMyCommands", 400, description="Bad Request: method is not available")
        api.fail("setMyDescription", 500)
        async with running_bot(settings):
            reply = await ask(api, "delivery robots")
            assert "robot" in reply.params["text"]


def minimal_config(tmp_path: Path) -> str:
    return f"corpus:\n  folder: {SEEDS}\nstorage:\n  path: {tmp_path / 'db'}\n"


async def test_operator_runs_python_m_bot_run(api: FakeBotApi, tmp_path: Path) -> None:
    """The way an operator runs it: a subprocess, token from the environment, SIGTERM stops it
    within a few seconds, and the token never appears in its output."""
    proc = bot_process(api.base_url, minimal_config(tmp_path), tmp_path, capture=True)
    try:
        api.push(u.message("who wrote about the HP event?", chat_id=5))
        reply = (await api.wait_for("sendMessage", 1, chat_id=5, within=60))[-1]
        assert "Ella Kidron" in reply.params["text"]
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.to_thread(proc.communicate, timeout=20)
        assert time.monotonic() - started < 10
        assert proc.returncode == 0
        assert TOKEN not in output and TOKEN.split(":")[1] not in output
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


async def test_webhook_mode_receives_updates(api: FakeBotApi, tmp_path: Path) -> None:
    """telegram.mode: webhook registers the webhook, checks the secret token on every update,
    answers what arrives, refuses what is not an update (400), and says it is healthy on
    /healthz."""
    import json

    import httpx

    port = free_port()
    webhook = (
        f"telegram:\n  mode: webhook\n  webhook_listen: 127.0.0.1\n  webhook_port: {port}\n"
        f"  webhook_url: http://127.0.0.1:{port}\n"
    )
    proc = bot_process(
        api.base_url,
        minimal_config(tmp_path) + webhook,
        tmp_path,
        TELEGRAM_WEBHOOK_SECRET="s3cret-value",
    )
    try:
        hook = (await api.wait_for("setWebhook", within=60))[0]
        assert hook.params["url"] == f"http://127.0.0.1:{port}/telegram"
        assert hook.params["secret_token"] == "s3cret-value"
        update = {"update_id": 1, **u.message("who wrote about the HP event?", chat_id=6)}
        async with httpx.AsyncClient() as client:
            for _ in range(50):  # the listener starts right after setWebhook
                try:
                    forged = await client.post(
                        f"http://127.0.0.1:{port}/telegram", content=json.dumps(update)
                    )
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert forged.status_code == 403  # no secret token: refused
            ok = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                content=json.dumps(update),
                headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-value",
                    "Content-Type": "application/json",
                },
            )
            assert ok.status_code == 200
            broken = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                content=b"[not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"},
            )
            assert broken.status_code == 400
            wrong = await client.post(
                f"http://127.0.0.1:{port}/telegram",
                content=b'{"update_id": 2, "message": "not a message"}',
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"},
            )
            assert wrong.status_code == 400
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
            assert health.json() == {"articles": 2, "database": "ok", "status": "ok"}
        reply = (await api.wait_for("sendMessage", chat_id=6, within=30))[-1]
        assert "Ella Kidron" in reply.params["text"]
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 20)


class Output:
    """A process's output lines as they come (read in a thread, so the pipe never fills)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self.lines: list[str] = []
        self._stream = proc.stdout
        self._thread = threading.Thread(target=self._read)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.append(line)

    async def wait_for(self, text: str, within: float = 60.0) -> str:
        """The first line holding ``text``, once it has come."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            await asyncio.sleep(0.1)
        raise AssertionError(f"no line with {text!r} in {''.join(self.lines)[-2000:]}")

    def close(self) -> None:
        """Once the process has ended: the last lines, and the pipe closed."""
        self._thread.join(10)
        self._stream.close()


async def test_bot_started_before_the_api_waits_for_it(tmp_path: Path) -> None:
    """No Bot API at start: the process says once what it is waiting for (the address,
    never the token) and keeps retrying with back-off; once the server appears it says it
    is connected, and serves."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/bot"
    proc = bot_process(base, minimal_config(tmp_path), tmp_path, capture=True)
    output = Output(proc)
    api = FakeBotApi()
    try:
        waiting = await output.wait_for("waiting for the Bot API")
        assert f"waiting for the Bot API at {base}: " in waiting
        assert waiting.rstrip().endswith("; retrying")
        await asyncio.sleep(4)
        assert proc.poll() is None, "the bot gave up while the Bot API was down"
        await api.start(port)
        connected = await output.wait_for("connected to the Bot API")
        assert f"connected to the Bot API as @{BOT_USERNAME}" in connected
        assert sum("waiting for the Bot API" in line for line in output.lines) == 1
        api.push(u.message("nordic region countries", chat_id=8))
        reply = (await api.wait_for("sendMessage", chat_id=8, within=60))[-1]
        assert "Norway" in html.unescape(reply.params["text"])
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(proc.wait, 20)
        output.close()
        await api.stop()
    assert TOKEN.split(":")[1] not in "".join(output.lines)


async def test_a_bot_waiting_for_the_api_stops_at_once(tmp_path: Path) -> None:
    """SIGTERM while the Bot API is still out of reach stops the process within seconds."""
    base = f"http://127.0.0.1:{free_port()}/bot"
    proc = bot_process(base, minimal_config(tmp_path), tmp_path, capture=True)
    output = Output(proc)
    try:
        await output.wait_for("waiting for the Bot API")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 20) == 0
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output.close()
