"""The README's commands, run as written: each ``.venv/bin/python -m bot …`` line of its
shell blocks runs in a copy of the checkout's layout (its config, nothing else: the first
start makes the corpus folder), and the quick start's Telegram step talks to the fake Bot
API. A command the README gains must be run here or named below with the reason it is not."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import updates as u
from tests.support.fake_bot_api import TOKEN, FakeBotApi
from tests.support.paths import ROOT, SHARED

README = ROOT / "README.md"
PYTHON = ".venv/bin/python"
# Commands not run here, and why (the test named runs what they do another way).
NOT_RUN = {
    "add https://example.com/news/story": "needs the internet (tests/test_cli.py adds a page"
    " from a local site)",
    "announce ARTICLE --now": "needs a Bot API (tests/telegram/test_announcements.py)",
    "bench.": "benchmarks take minutes; run by hand",
    "TELEGRAM_BOT_TOKEN=": "the quick start's Telegram step, run below against the fake API",
    "scripts/check": "the test command: CI runs it (.ci/run)",
    "train.models": "trains for hours (tests/test_train.py runs the recipes with"
    " train.reader stood in for)",
}
INSTALL = "python3 -m venv .venv && "  # the two commands set up first: here the venv is there
# Commands that, run as the README shows them on a fresh checkout, end with a clear message
# instead: their status and what they say.
REFUSED = {f"{PYTHON} -m bot poll": (2, "no feeds or sitemaps are configured")}
TYPED = "who wrote about the HP event?\n/quit\n"  # what the console chat is given
# The README's placeholders, as a reader would fill them in.
FILLED = {
    "ARTICLE": "000_b5fdd6b8f40a688b",
    "FILE.yaml": "../shared/eval/seed-questions.yaml",
    "< questions.txt": "< questions.txt",
}


def commands() -> Iterator[str]:
    """Each command line of the README's ``sh`` blocks that runs the bot's Python."""
    for block in re.findall(r"```sh\n(.*?)```", README.read_text("utf-8"), re.S):
        for line in block.splitlines():
            line = line.strip()
            if PYTHON in line:
                yield re.sub(r"\s+#.*$", "", line)


def site(tmp_path: Path) -> Path:
    """A folder laid out like the checkout: its config, and ../shared beside it."""
    home = tmp_path / "checkout"
    (home / "config").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "bot.yaml", home / "config" / "bot.yaml")
    (home / "questions.txt").write_text("who wrote about the HP event?\n", "utf-8")
    # The question sets written here and their articles, which `bot eval` lines name.
    (home / "bench").mkdir()
    for path in (ROOT / "bench").glob("news*"):
        if path.is_dir():
            shutil.copytree(path, home / "bench" / path.name)
        else:
            shutil.copy(path, home / "bench" / path.name)
    (tmp_path / "shared").symlink_to(SHARED)
    return home


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return env | {"PYTHONUNBUFFERED": "1"}


def runnable(line: str) -> bool:
    return not any(marker in line for marker in NOT_RUN)


@pytest.mark.slow
@pytest.mark.subprocess
def test_every_readme_command_runs_as_written(tmp_path: Path) -> None:
    lines = list(commands())
    assert len(lines) >= 15, lines  # the README shows its commands
    home = site(tmp_path)
    ran = 0
    for line in filter(runnable, lines):
        for placeholder, value in FILLED.items():
            line = line.replace(placeholder, value)
        if line.startswith(INSTALL):
            line = line.rsplit("&& ", 1)[1]
        command = line.replace(PYTHON, sys.executable, 1)
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=home,
            env=environment(),
            input=TYPED,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        status, says = REFUSED.get(line, (0, ""))
        assert done.returncode == status, (line, done.stdout[-2000:], done.stderr[-2000:])
        assert says in done.stderr
        if line == f"{PYTHON} -m bot":  # the main job without a token: the console chat
            assert "Ella Kidron" in done.stdout, done.stdout
        ran += 1
    assert ran >= 12
    assert sorted(p.name for p in (home / "articles").iterdir()) == sorted(
        p.name for p in (ROOT / "seeds").iterdir()
    )  # the first start made the corpus folder, with the examples


def test_commands_not_run_are_named_with_a_reason() -> None:
    skipped = [line for line in commands() if not runnable(line)]
    assert all(any(marker in line for marker in NOT_RUN) for line in skipped)
    assert any("TELEGRAM_BOT_TOKEN=" in line for line in skipped)


@pytest.mark.subprocess
async def test_the_quick_start_reaches_telegram(api: FakeBotApi, tmp_path: Path) -> None:
    """Step 3 and 4: the bot started with a token in the environment answers in Telegram."""
    step = next(line for line in commands() if "TELEGRAM_BOT_TOKEN=" in line)
    assert step.endswith(f"{PYTHON} -m bot"), step
    home = site(tmp_path)
    env = environment() | {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await api.wait_for("deleteWebhook", 1, within=90)
        api.push(u.message("/start", chat_id=77, user_id=77))
        api.push(u.message("who wrote about the HP event?", chat_id=77, user_id=77))
        replies = await api.wait_for("sendMessage", 2, chat_id=77, within=60)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    assert "Ella Kidron" in u.plain(replies[-1].params["text"])
    assert (home / "articles").is_dir() and (home / "data" / "bot.sqlite3").is_file()
