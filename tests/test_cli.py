"""The console commands and their errors.

Every test names a config file in pytest's temporary folders, whose database and indexes are
kept there too: no test writes into the checkout (its ``data/`` or its corpus).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from bot.console.cli import CHAT_HANDLERS, build_parser, main
from bot.core.answer import EngineSettings
from bot.runtime import render
from bot.runtime.commands import COMMANDS, CONSOLE
from bot.runtime.library import Library, index_folder
from tests.support.fake_site import FakeSite, article_page, rss
from tests.support.paths import ROOT, SEED_QUESTIONS, SEEDS, SQUAD

NEWEST_SEED = "002_4f41e04494f82d41"  # 30 October 2020
OLDEST_SEED = "000_b5fdd6b8f40a688b"  # 7 April 2020


def write_config(folder: Path, articles: Path = SEEDS, **sections: dict[str, object]) -> Path:
    """A config file in ``folder`` naming the corpus folder ``articles`` (by its absolute
    path) and keeping the database and the indexes in ``folder``; ``sections`` add to it.
    JSON is YAML too."""
    settings: dict[str, dict[str, object]] = {
        "corpus": {"folder": str(articles.resolve())},
        "storage": {"path": str(folder / "bot.sqlite3")},
    }
    for name, values in sections.items():
        settings[name] = {**settings.get(name, {}), **values}
    config = folder / "bot.yaml"
    config.write_text(json.dumps(settings), encoding="utf-8")
    return config


@pytest.fixture(name="config", scope="session")
def fixture_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus, its database and indexes in a temporary folder that the tests share
    (so its sentences are embedded once)."""
    return write_config(tmp_path_factory.mktemp("cli"))


@pytest.fixture(name="own_config")
def fixture_own_config(tmp_path: Path) -> Path:
    """The seed corpus with a database of the test's own."""
    return write_config(tmp_path)


@pytest.fixture(autouse=True)
def fixture_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The config file decides, for the commands run here and in subprocesses: no token, no
    database URL from the environment."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("BOT_DATABASE_URL", raising=False)


def run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def bot(config: Path, *argv: str) -> list[str]:
    """The command line of ``python -m bot`` with ``config``, for a subprocess."""
    return [sys.executable, "-m", "bot", "--config", str(config), *argv]


class TestAsk:
    def test_json_answer_has_the_documented_shape(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        question = "what did JD Health do during the epidemic"
        code, out, _ = run(capsys, config, "ask", "--json", question)
        data = json.loads(out)
        assert code == 0
        assert set(data) == {
            "question",
            "answered",
            "answer",
            "citations",
            "suggestions",
            "confidence",
            "answer_span",
            "kind",
        }
        cite = data["citations"][0]
        assert set(cite) == {
            "article",
            "title",
            "author",
            "date",
            "url",
            "paragraph",
            "quote",
            "score",
        }
        assert cite["date"] == "2020-10-30" and "10 million" in cite["quote"]
        assert data["kind"] == "fact"
        assert isinstance(data["confidence"], float) and isinstance(cite["score"], float)
        if data["answer_span"] is not None:  # the answer's own words, inside the quote
            start, end = data["answer_span"]
            assert 0 <= start < end <= len(cite["quote"])

    def test_refusal_in_json(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        _, out, _ = run(capsys, config, "ask", "--json", "recommend me a good pizza place")
        data = json.loads(out)
        assert data["answered"] is False and data["citations"] == []
        assert data["kind"] == "none"
        # Asked back which article is meant: its suggestions are titles.
        _, out, _ = run(capsys, config, "ask", "--json", "who wrote the article")
        data = json.loads(out)
        assert data["answered"] is False and data["kind"] == "which"
        assert len(data["suggestions"]) == 2

    def test_stdin_is_answered_line_by_line_as_it_arrives(self, config: Path) -> None:
        """A scripted conversation gets each answer before it sends the next question."""
        with subprocess.Popen(
            bot(config, "ask", "--json"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        ) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            answers = []
            for question in ["who wrote about the HP event", "nordic region countries"]:
                proc.stdin.write(question + "\n")
                proc.stdin.flush()
                answers.append(json.loads(proc.stdout.readline()))
            proc.stdin.close()
            assert proc.wait(timeout=30) == 0
        assert "Ella Kidron" in answers[0]["answer"]
        assert "Norway" in answers[1]["citations"][0]["quote"]


class TestBrowsing:
    def test_articles_newest_first(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        code, out, _ = run(capsys, config, "articles")
        lines = out.splitlines()
        assert code == 0 and lines[0].startswith("002_") and lines[1].startswith("000_")

    def test_summary_by_fuzzy_title(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        code, out, _ = run(capsys, config, "summary", "new infrastucture")
        assert code == 0 and "Lei Xu" in out

    def test_search(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        code, out, _ = run(capsys, config, "search", "robots")
        assert code == 0 and out.startswith("JD Shares Insights")

    def test_eval_prints_precision_and_refusals(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        code, out, _ = run(capsys, config, "eval", str(SEED_QUESTIONS))
        assert code == 0
        assert "P@1: 1.000 (12/12)" in out and "refusal rate: 1.000 (2/2)" in out

    def test_eval_with_typos_on_another_corpus(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        code, out, _ = run(
            capsys,
            config,
            "--corpus",
            str(SQUAD / "articles"),
            "eval",
            str(SQUAD / "questions.yaml"),
            "--typos",
            "0.33",
            "--show",
            "0",
        )
        p_at_1 = float(out.split("P@1: ")[1].split()[0])
        assert code == 0 and p_at_1 >= 0.70


class TestErrors:
    @pytest.mark.parametrize(
        "argv",
        [
            ["summary", "no such article at all"],
            ["--config", "/nonexistent.yaml", "articles"],
            ["eval", "/nonexistent.yaml"],
            ["run"],
        ],
        ids=["unknown-article", "missing-config", "missing-eval", "no-token"],
    )
    def test_one_line_on_stderr_and_status_2(
        self, capsys: pytest.CaptureFixture[str], config: Path, argv: list[str]
    ) -> None:
        code, _, err = run(capsys, config, *argv)  # a --config in argv comes later and wins
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

    def test_a_corpus_that_is_no_folder(
        self, capsys: pytest.CaptureFixture[str], own_config: Path
    ) -> None:
        code, _, err = run(capsys, own_config, "--corpus", str(own_config), "articles")
        assert code == 2 and err.count("\n") == 1 and "is not a folder" in err

    def test_bad_arguments(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        with pytest.raises(SystemExit) as info:
            main(["--config", str(config), "ask", "--bogus"])
        err = capsys.readouterr().err
        assert info.value.code == 2 and len(err.strip().splitlines()) == 1

    def test_invalid_config(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        config = write_config(tmp_path, answers={"summary_sentences": "many"})
        code, _, err = run(capsys, config, "articles")
        assert code == 2 and "answers.summary_sentences" in err and "'many'" in err


def test_main_job_without_token_is_the_console_chat(config: Path) -> None:
    proc = subprocess.run(
        bot(config),
        input="who wrote about the HP event\n/articles\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "No TELEGRAM_BOT_TOKEN" in proc.stderr
    assert "Ella Kidron" in proc.stdout and "002_4f41e04494f82d41" in proc.stdout


class TestAnnouncementCommands:
    def test_announce_queues_and_subscribers_lists(
        self, tmp_path: Path, own_config: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from bot.store.storage import Storage

        storage = Storage(tmp_path / "bot.sqlite3")
        storage.subscribe(42, 0, "private", "Ada")
        code, out, _ = run(capsys, own_config, "announce", "new infrastructure")
        assert code == 0 and "for 1 subscribed chat\n" in out
        storage.subscribe(-100, 3, "supergroup", "Readers")
        code, out, _ = run(capsys, own_config, "announce", "JD at the HP event")
        assert code == 0 and "for 2 subscribed chats" in out
        assert storage.outbox_counts() == {"pending": 3}
        code, out, _ = run(capsys, own_config, "subscribers")
        assert code == 0 and "-100 topic 3" in out and "2 active of 2" in out
        storage.close()

    def test_announce_unknown_article(
        self, own_config: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(capsys, own_config, "announce", "pizza")
        assert code == 2 and "no article matches" in err


class TestHostileInput:
    def test_json_gives_one_line_per_input_line_blank_ones_included(self, config: Path) -> None:
        done = subprocess.run(
            bot(config, "ask", "--json"),
            input="who wrote about the HP event\n\n   \nnordic region countries\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        lines = done.stdout.splitlines()
        assert len(lines) == 4, done.stdout
        assert [json.loads(line)["answered"] for line in lines] == [True, False, False, True]

    @pytest.mark.parametrize(
        "argv",
        [
            ["search", "robots", "--limit", "-3"],
            ["summary", "new infrastructure", "--sentences", "0"],
            ["eval", "x.yaml", "--typos", "nan"],
            ["eval", "x.yaml", "--show", "-1"],
        ],
        ids=["negative-limit", "zero-sentences", "nan-typos", "negative-show"],
    )
    def test_counts_out_of_range_are_one_line(
        self, capsys: pytest.CaptureFixture[str], config: Path, argv: list[str]
    ) -> None:
        with pytest.raises(SystemExit) as info:
            main(["--config", str(config), *argv])
        err = capsys.readouterr().err
        assert info.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err

    def test_hostile_corpus_and_question_set_give_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
    ) -> None:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        config = write_config(tmp_path, corpus)
        (corpus / "deep.md").write_text("---\ntitle: x\nn: " + "[" * 4000 + "\n---\n")
        (corpus / "ok.txt").write_text("Bridges\n\nThe bridge opened in 1954.\n")
        questions = tmp_path / "q.yaml"
        questions.write_text("- {q: when, expect: [1954\n")
        code, out, err = run(capsys, config, "eval", str(questions))
        assert code == 2 and "Traceback" not in err
        assert "line" in err and "column" in err and err.count("\n") <= 2
        code, out, err = run(capsys, config, "ask", "when did the bridge open")
        assert code == 0 and "1954" in out and "Traceback" not in err
        warnings = [r.getMessage() for r in caplog.records if "deep.md" in r.getMessage()]
        assert len(warnings) == 1 and "nested" in warnings[0]


class Talk(Protocol):
    """Lines typed into the console chat → what it says."""

    def __call__(self, *lines: str) -> str: ...


@pytest.fixture(name="chat")
def fixture_chat(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, config: Path
) -> Talk:
    """The console chat on the seed corpus: what it says to some lines, after its welcome
    (which points at /help)."""

    def talk(*lines: str) -> str:
        monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
        code, out, _ = run(capsys, config, "chat")
        welcome, _, said = out.partition("\n")
        assert code == 0 and "/help" in welcome
        return said.rstrip("\n")  # without the line break said at the end of the input

    return talk


class TestChat:
    """The console chat: a line that starts with "/" is a command, never a question."""

    def test_help_lists_each_command_with_what_it_does(self, chat: Talk) -> None:
        said = chat("/help")
        listed = dict(re.findall(r"^ +(/\w+)(?: \S+)? {2,}(\S.*)$", said, re.MULTILINE))
        assert set(listed) == {f"/{c.name}" for c in COMMANDS if CONSOLE in c.where}
        assert {"/ask", "/search", "/summary", "/digest", "/help", "/quit"} <= set(listed)
        assert all(len(about) > 5 for about in listed.values())
        assert "loaded" not in said  # not the welcome again

    def test_digest_of_the_last_days(self, chat: Talk) -> None:
        said = chat("/digest", "/digest 36500", "/digest soon")
        assert "No articles in the last 7 days; the newest is from 30 October 2020." in said
        assert NEWEST_SEED in said and OLDEST_SEED in said and "Tuesday 7 April 2020" in said
        assert "'soon' is not a whole number; for example: /digest 30" in said
        assert render.NOT_FOUND not in said

    def test_telegram_commands_say_they_are_telegrams(self, chat: Talk) -> None:
        lines = [
            "/subscribe daily robots",
            "/unsubscribe",
            "/subscriptions",
            "/timezone Europe/Oslo",
            "/insights",
        ]
        said = chat(*lines).splitlines()
        assert len(said) == len(lines)
        for line, answer in zip(lines, said, strict=True):
            assert answer.startswith(f"{line.split()[0]} works only in Telegram: ")
        assert "/subscribe [daily|weekly] [TOPICS]" in said[0]

    def test_an_unknown_command_points_to_help(self, chat: Talk) -> None:
        said = chat("/frobnicate the robots", "/", "/summary_002_4f41e04494f82d41")
        assert said.splitlines() == [
            "Unknown command /frobnicate; /help lists the commands.",
            "Unknown command /; /help lists the commands.",
            "Unknown command /summary_002_4f41e04494f82d41; /help lists the commands.",
        ]

    def test_summary_naming_none_is_the_last_answers_article(self, chat: Talk) -> None:
        said = chat("/summary", "which robot went to the museum", "/summary")
        first, rest = said.split("\n", 1)
        assert first == render.WHICH_ARTICLE
        assert rest.count("“JD Shares Insights with Executives") == 2  # answer, then summary
        assert "Ella Kidron, 30 October 2020\n\nJD participated in an event" in rest

    def test_other_lines_are_questions_until_quit(self, chat: Talk) -> None:
        said = chat("who wrote about the HP event", "/ask nordic region countries", "/quit", "?")
        assert "Ella Kidron" in said and "Norway" in said and render.NOT_FOUND not in said


def test_every_command_is_the_chats_or_says_where_it_works() -> None:
    """Each command of the table is the chat's (with a handler or a plain-text reply), or
    the chat says how it is used in Telegram."""
    aliases = {a for c in COMMANDS if CONSOLE in c.where for a in c.aliases}
    for command in COMMANDS:
        if command.name in aliases:  # the console's other name for one of its own: /start
            continue
        if CONSOLE in command.where:
            assert command.reply is not None or command.name in CHAT_HANDLERS, command.name
        else:
            assert command.elsewhere, command.name
    assert set(CHAT_HANDLERS) <= {c.name for c in COMMANDS if CONSOLE in c.where}


class TestDigest:
    def test_any_span_of_days(self, capsys: pytest.CaptureFixture[str], config: Path) -> None:
        code, out, _ = run(capsys, config, "digest", "--days", "3000")
        assert code == 0 and out.startswith("New articles of the last 3000 days\n")
        assert NEWEST_SEED in out and OLDEST_SEED in out and "Friday 30 October 2020" in out

    def test_nothing_recent_names_the_newest_article(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        code, out, _ = run(capsys, config, "digest")
        assert code == 0
        assert out == "No articles in the last 7 days; the newest is from 30 October 2020.\n"

    def test_the_span_is_documented_and_checked(
        self, capsys: pytest.CaptureFixture[str], config: Path
    ) -> None:
        with pytest.raises(SystemExit) as info:
            main(["--config", str(config), "digest", "--help"])
        assert info.value.code == 0 and "1 to 36500" in capsys.readouterr().out
        with pytest.raises(SystemExit) as info:
            main(["--config", str(config), "digest", "--days", "36501"])
        assert (
            info.value.code == 2 and "36501 is not between 1 and 36500" in capsys.readouterr().err
        )


def test_every_argument_has_help() -> None:
    """--help explains every command, option and argument (but those it hides)."""
    unexplained = [
        f"{prog}: {action.dest}" for prog, action in arguments(build_parser()) if not action.help
    ]
    assert unexplained == []


def arguments(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """Every action of the parser and of its commands' parsers, but the hidden ones."""
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        yield parser.prog, action
        if isinstance(action, argparse._SubParsersAction):
            yield from ((parser.prog, choice) for choice in action._choices_actions)
            for command in action.choices.values():
                yield from arguments(command)


FERRY = [
    "The night ferry to Tromsø carries reindeer cheese and forty passengers again.",
    "The route was closed for three winters while the harbour was rebuilt with new cranes.",
]


class TestFetching:
    """``add`` and ``poll`` say what they did in plain words (with a site on 127.0.0.1)."""

    async def test_add_says_added_unchanged_or_updated(
        self, site: FakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = write_config(tmp_path, empty_folder(tmp_path), web={"site_delay_seconds": 0})
        site.serve("/ferry", article_page("Night ferries return", FERRY[:1]))

        async def add() -> str:
            code, out, err = await asyncio.to_thread(
                run, capsys, config, "add", site.url("/ferry")
            )
            assert code == 0, err
            return out

        assert (await add()).startswith("added “Night ferries return” (1 paragraph) as ")
        assert (await add()).startswith("unchanged: ")
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        assert (await add()).startswith("updated “Night ferries return” (2 paragraphs) in ")

    def test_add_from_an_unreachable_site_says_so(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with socket.socket() as free:  # a port nothing listens on once it is closed
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        config = write_config(tmp_path, empty_folder(tmp_path))
        code, _, err = run(capsys, config, "add", f"http://127.0.0.1:{port}/ferry")
        assert code == 2
        assert err.strip().endswith("/ferry: cannot be reached (connection refused)")

    async def test_poll_counts_in_words(
        self, site: FakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        entry = {"title": "Night ferries return", "link": site.url("/ferry")}
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        feed = site.url("/feed.xml")
        config = write_config(
            tmp_path,
            empty_folder(tmp_path),
            corpus={"feeds": [feed]},
            web={"site_delay_seconds": 0},
        )
        code, out, err = await asyncio.to_thread(run, capsys, config, "poll")
        assert code == 0, err
        assert (
            out
            == f"{feed}: 1 new or changed article written (its back catalogue: not announced)\n"
        )


def empty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


class TestIndex:
    def test_embeds_every_sentence_ahead_of_time_then_has_nothing_to_do(
        self, capsys: pytest.CaptureFixture[str], own_config: Path
    ) -> None:
        code, out, err = run(capsys, own_config, "index", "--threads", "2")
        assert code == 0 and out == "2 articles indexed, every sentence embedded\n"
        assert "sentences/s" in err  # the progress bar: sentences a second, the time left
        code, out, err = run(capsys, own_config, "index")
        assert code == 0 and "sentences/s" not in err  # nothing left to embed
        code, out, err = run(capsys, own_config, "ask", "who wrote about the HP event?")
        assert code == 0 and "Ella Kidron" in out and "lexical" not in err

    def test_threads_are_checked(
        self, capsys: pytest.CaptureFixture[str], own_config: Path
    ) -> None:
        with pytest.raises(SystemExit):
            run(capsys, own_config, "index", "--threads", "0")

    def test_another_process_still_at_work_on_the_index_is_said(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """While another process owns the corpus's index and has not indexed a new file or
        embedded the sentences, ``ask`` answers from what it holds and says what is missing,
        and ``eval``, whose figures would be of part of the corpus, refuses with a message;
        once the owner is done neither says anything."""
        corpus = tmp_path / "corpus"
        shutil.copytree(SEEDS, corpus)
        config = write_config(tmp_path, corpus)
        where = index_folder(tmp_path, corpus)
        owner = Library(corpus, EngineSettings(), 2_000_000, where)  # a bot with no model yet
        shutil.copy(SQUAD / "articles" / sorted(os.listdir(SQUAD / "articles"))[0], corpus)
        try:
            code, out, err = run(capsys, config, "ask", "who wrote about the HP event?")
            assert code == 0 and "Ella Kidron" in out
            assert "has still to index 1 file and embed 50 sentences" in err, err
            code, out, err = run(capsys, config, "eval", str(SEED_QUESTIONS))
            assert code == 2 and out == "" and err.startswith("error: another process"), err
            assert "figures now would be of part of the corpus" in err
            # Beside a large index a question does not wait for the folder to be listed; eval
            # still lists it.
            monkeypatch.setattr("bot.console.cli.LISTED_FILES", 1)
            code, out, err = run(capsys, config, "ask", "who wrote about the HP event?")
            assert code == 0 and "has still to embed 50 sentences" in err, err
            code, out, err = run(capsys, config, "eval", str(SEED_QUESTIONS))
            assert code == 2 and "index 1 file and embed 50 sentences" in err, err
            # Too many sentences to embed at once, and none embedded: the model is not even
            # loaded, and the note still says what is missing (not "run bot index", which
            # the other process would refuse while it holds the index).
            monkeypatch.setattr("bot.console.cli.SYNC_SENTENCES", 10)
            code, out, err = run(capsys, config, "ask", "who wrote about the HP event?")
            assert code == 0 and "Ella Kidron" in out and "has still to embed 50" in err, err
            assert "`python -m bot index`" not in err
        finally:
            owner.close()
        code, out, err = run(capsys, config, "index")  # what the owner would have done
        assert code == 0
        owner = Library(corpus, EngineSettings(), 2_000_000, where)
        try:
            code, out, err = run(capsys, config, "eval", str(SEED_QUESTIONS))
            assert code == 0 and "P@1" in out and "another process" not in err
        finally:
            owner.close()

    def test_ask_starts_no_embedding_it_cannot_finish(
        self,
        capsys: pytest.CaptureFixture[str],
        own_config: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """More sentences than a moment's embedding: ``ask`` answers lexically, embeds
        nothing, and says once that ``python -m bot index`` embeds them."""
        monkeypatch.setattr("bot.console.cli.SYNC_SENTENCES", 10)
        for _ in range(2):
            code, out, err = run(capsys, own_config, "ask", "who wrote about the HP event?")
            assert code == 0 and "Ella Kidron" in out
            assert err.count("`python -m bot index` embeds them") == 1, err
            assert "50 sentences have no vectors yet" in err  # none were embedded meanwhile
        code, _, _ = run(capsys, own_config, "index")
        assert code == 0
        code, out, err = run(capsys, own_config, "ask", "who wrote about the HP event?")
        assert code == 0 and "index" not in err
