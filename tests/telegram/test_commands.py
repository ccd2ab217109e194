"""The command table (``bot.runtime.commands``) as both fronts build from it: Telegram's handlers,
menu and /help, the console chat; and /about, a command that is whole in the table."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.cli import CHAT_HELP, main
from bot.core.answer import Engine
from bot.runtime import render
from bot.runtime.commands import COMMANDS, CONSOLE, GROUP, PRIVATE, about_the_articles
from bot.telegram.app import HANDLERS, handler_of
from tests.support import updates as u
from tests.support.fake_bot_api import FakeBotApi
from tests.support.paths import SEEDS
from tests.telegram.test_bot import ask


def test_every_telegram_command_has_its_handler_and_is_in_the_menu_and_help() -> None:
    telegram = [c for c in COMMANDS if c.in_telegram]
    for command in telegram:
        assert callable(handler_of(command)), command.name
    assert set(HANDLERS) <= {c.name for c in telegram}
    menu = {name for name, _ in render.COMMANDS}
    offered = {c.name for c in COMMANDS if c.where & {PRIVATE, GROUP}} - {"start"}
    assert menu == offered
    assert all(f"/{name}" in render.HELP for name in offered)
    assert all(c.usage in CHAT_HELP for c in COMMANDS if CONSOLE in c.where)


def test_about_tells_what_the_articles_are(seed_engine: Engine) -> None:
    text = about_the_articles(seed_engine, "")
    assert text.startswith("2 articles, dated 7 April 2020 to 30 October 2020, by 2 authors.")
    assert "The newest: “JD Shares Insights" in text
    empty = Engine.from_articles([])
    assert about_the_articles(empty, "") == "There are no articles yet."


def test_about_reads_the_articles_once_per_view(
    seed_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large catalog is read once for /about, not at every asking; a new view (another
    commit of the index) is read again."""
    first = about_the_articles(seed_engine, "")
    monkeypatch.setattr(Engine, "articles", property(lambda _: pytest.fail("read again")))
    assert about_the_articles(seed_engine, "") == first
    monkeypatch.undo()
    newest = seed_engine.get(seed_engine.latest(1)[0].id)
    assert newest is not None
    fewer = Engine.from_articles([newest])
    assert about_the_articles(fewer, "").startswith("1 article, dated 30 October 2020")


@pytest.mark.usefixtures("bot")
async def test_about_in_telegram(api: FakeBotApi) -> None:
    reply = await ask(api, "/about")
    assert u.plain(reply.params["text"]).startswith("2 articles, dated 7 April 2020")


def test_about_in_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text(
        f"corpus: {{folder: {SEEDS}}}\nstorage: {{path: {tmp_path / 'bot.sqlite3'}}}\n"
        "answers: {embedding_model: none, reader_model: none}\n",
        "utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("/about\n/quit\n"))
    assert main(["--config", str(config), "chat"]) == 0
    assert "2 articles, dated 7 April 2020" in capsys.readouterr().out
