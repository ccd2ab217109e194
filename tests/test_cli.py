"""The console commands and their errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.paths import ROOT, SEED_QUESTIONS, SEEDS, SQUAD


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--corpus", str(SEEDS), *argv] if argv[:1] != ("--corpus",) else list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class TestAsk:
    def test_json_answer_has_the_documented_shape(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "ask", "--json", "what did JD Health do during the epidemic")
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
        assert isinstance(data["confidence"], float) and isinstance(cite["score"], float)
        if data["answer_span"] is not None:  # the answer's own words, inside the quote
            start, end = data["answer_span"]
            assert 0 <= start < end <= len(cite["quote"])

    def test_refusal_in_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, _ = run(capsys, "ask", "--json", "recommend me a good pizza place")
        data = json.loads(out)
        assert data["answered"] is False and data["citations"] == []

    def test_stdin_is_answered_line_by_line_as_it_arrives(self) -> None:
        """A scripted conversation gets each answer before it sends the next question."""
        with subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(SEEDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
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
    def test_articles_newest_first(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "articles")
        lines = out.splitlines()
        assert code == 0 and lines[0].startswith("002_") and lines[1].startswith("000_")

    def test_summary_by_fuzzy_title(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "summary", "new infrastucture")
        assert code == 0 and "Lei Xu" in out

    def test_search(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "search", "robots")
        assert code == 0 and out.startswith("JD Shares Insights")

    def test_eval_prints_precision_and_refusals(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "eval", str(SEED_QUESTIONS))
        assert code == 0
        assert "P@1: 1.000 (12/12)" in out and "refusal rate: 1.000 (2/2)" in out

    def test_eval_with_typos_on_another_corpus(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys,
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
            ["--corpus", "/nonexistent/folder", "articles"],
            ["--config", "/nonexistent.yaml", "articles"],
            ["eval", "/nonexistent.yaml"],
            ["run"],
        ],
        ids=["unknown-article", "missing-corpus", "missing-config", "missing-eval", "no-token"],
    )
    def test_one_line_on_stderr_and_status_2(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
    ) -> None:
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err

    def test_bad_arguments(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as info:
            main(["ask", "--bogus"])
        err = capsys.readouterr().err
        assert info.value.code == 2 and len(err.strip().splitlines()) == 1

    def test_invalid_config(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        config = tmp_path / "bot.yaml"
        config.write_text("answers:\n  summary_sentences: many\n", encoding="utf-8")
        code, _, err = run(capsys, "--config", str(config), "articles")
        assert code == 2 and "answers.summary_sentences" in err and "'many'" in err


def test_main_job_without_token_is_the_console_chat() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="who wrote about the HP event\n/articles\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
    )
    assert proc.returncode == 0
    assert "No TELEGRAM_BOT_TOKEN" in proc.stderr
    assert "Ella Kidron" in proc.stdout and "002_4f41e04494f82d41" in proc.stdout


class TestAnnouncementCommands:
    def test_announce_queues_and_subscribers_lists(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from bot.storage import Storage

        config = tmp_path / "bot.yaml"
        config.write_text(f"storage:\n  path: {tmp_path / 'db.sqlite3'}\n", encoding="utf-8")
        storage = Storage(tmp_path / "db.sqlite3")
        storage.subscribe(42, 0, "private", "Ada")
        storage.subscribe(-100, 3, "supergroup", "Readers")
        code, out, _ = run(capsys, "--config", str(config), "announce", "new infrastructure")
        assert code == 0 and "for 2 subscribed chats" in out
        assert storage.outbox_counts() == {"pending": 2}
        code, out, _ = run(capsys, "--config", str(config), "subscribers")
        assert code == 0 and "-100 topic 3" in out and "2 active of 2" in out

    def test_announce_unknown_article(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = tmp_path / "bot.yaml"
        config.write_text(f"storage:\n  path: {tmp_path / 'db.sqlite3'}\n", encoding="utf-8")
        code, _, err = run(capsys, "--config", str(config), "announce", "pizza")
        assert code == 2 and "no article matches" in err


class TestHostileInput:
    def test_json_gives_one_line_per_input_line_blank_ones_included(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(SEEDS)],
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
        self, capsys: pytest.CaptureFixture[str], argv: list[str]
    ) -> None:
        with pytest.raises(SystemExit) as info:
            main(["--corpus", str(SEEDS), *argv])
        err = capsys.readouterr().err
        assert info.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err

    def test_hostile_corpus_and_question_set_give_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
    ) -> None:
        config = tmp_path / "bot.yaml"
        config.write_text(f"storage:\n  path: {tmp_path / 'bot.sqlite3'}\n", encoding="utf-8")
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "deep.md").write_text("---\ntitle: x\nn: " + "[" * 4000 + "\n---\n")
        (corpus / "ok.txt").write_text("Bridges\n\nThe bridge opened in 1954.\n")
        questions = tmp_path / "q.yaml"
        questions.write_text("- {q: when, expect: [1954\n")
        options = ["--config", str(config), "--corpus", str(corpus)]
        code, out, err = run(capsys, *options, "eval", str(questions))
        assert code == 2 and "Traceback" not in err
        assert "line" in err and "column" in err and err.count("\n") <= 2
        code, out, err = run(capsys, *options, "ask", "when did the bridge open")
        assert code == 0 and "1954" in out and "Traceback" not in err
        warnings = [r.getMessage() for r in caplog.records if "deep.md" in r.getMessage()]
        assert len(warnings) == 1 and "nested" in warnings[0]
