"""The console chat runs the same runtime as the bot (``bot.runtime.background.Runtime``):
a feed in its config is polled, and a file dropped into the corpus folder is answered,
while it runs."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.articles import NEW_ARTICLE, drop
from tests.support.fake_site import FakeSite
from tests.support.paths import SEEDS
from tests.telegram.test_feeds import FERRY, serve_feed


async def said_after(proc: asyncio.subprocess.Process, line: str, wanted: str) -> str:
    """Type ``line`` into the chat; what it says until ``wanted`` appears."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(f"{line}\n".encode())
    await proc.stdin.drain()
    seen = ""
    while wanted not in seen:
        chunk = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert chunk, f"the chat ended before saying {wanted!r}: {seen}"
        seen += chunk.decode()
    return seen


@pytest.mark.subprocess
async def test_the_console_chat_polls_feeds_and_follows_the_folder(
    site: FakeSite, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    serve_feed(site, ("/ferry", "Night ferries return to the fjords", FERRY))
    config = tmp_path / "bot.yaml"
    config.write_text(
        f"corpus:\n  folder: {corpus}\n  rescan_seconds: 1\n"
        f"  feeds:\n    - url: {site.url('/feed.xml')}\n      interval: 1\n"
        f"storage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
        "answers:\n  embedding_model: none\nweb:\n  site_delay_seconds: 0\n",
        encoding="utf-8",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "chat",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # the feed is polled by the chat's runtime
            if list(corpus.glob("*.md")):
                break
            await asyncio.sleep(0.1)
        assert list(corpus.glob("*.md")), "the chat never polled its feed"
        await asyncio.sleep(1.5)  # indexed at the next rescan
        said = await said_after(proc, "what does the night ferry to Tromsø carry?", "\n\n")
        assert "reindeer cheese" in said
        drop(corpus, "010_drones.txt", NEW_ARTICLE)
        await asyncio.sleep(2.5)
        said = await said_after(proc, "how much can a JD drone carry?", "\n\n")
        assert "15 kilograms" in said
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            raise
    assert proc.returncode == 0
