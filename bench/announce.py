"""Benchmark: announcing one article to many subscribers against the fake Bot API server.

    .venv/bin/python -m bench.announce [--subscribers 10000] [--modes lifted telegram]

``telegram`` keeps to Telegram's limits (30 messages a second overall): the time the
broadcast must take. ``lifted`` raises the limits out of the way: the bot's own cost per
message (storage, rendering, HTTP). Each mode runs in a child process, so the peak memory
(max RSS) it reports is its own; the fake server runs in that process too and is included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from telegram.ext import ExtBot

from bot.config import Settings
from bot.process import library_defaults
from bot.service import Service
from bot.telegram.announce import Sender
from bot.telegram.sending import Limits
from tests.support.fake_bot_api import TOKEN, FakeBotApi

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


async def measure(subscribers: int, mode: str) -> dict[str, object]:
    api = FakeBotApi()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        lifted = 1e9 if mode == "lifted" else None
        changes = {"corpus.folder": SEEDS, "storage.path": Path(tmp) / "bench.sqlite3"}
        if lifted:
            changes |= {
                f"announcements.{key}": lifted
                for key in ("global_per_second", "group_per_minute", "chat_per_second")
            }
        settings = Settings().replace(**changes)
        with Service.open(settings, semantic=False) as service:
            result = await _broadcast(api, service, subscribers)
    await api.stop()
    return {
        "mode": mode,
        "subscribers": subscribers,
        **result,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def _broadcast(api: FakeBotApi, service: Service, subscribers: int) -> dict[str, float]:
    storage = service.storage
    article = service.engine.latest(1)[0]
    storage.db.execute("BEGIN")
    storage.db.executemany(
        "INSERT INTO subscriptions (chat_id, thread_id, kind, active, failures, since) "
        "VALUES (?, 0, ?, 1, 0, 0)",
        [
            (i if i % 10 else -i, "private" if i % 10 else "supergroup")
            for i in range(1, subscribers + 1)
        ],
    )
    storage.db.execute("COMMIT")
    bot = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=Limits(service.settings.announcements))
    async with bot:
        sender = Sender(bot, service)
        start = time.perf_counter()
        storage.enqueue(article.id, article.content_hash)
        await sender.drain()
        elapsed = time.perf_counter() - start
    delivered = len({c.params["chat_id"] for c in api.sent()})
    return {
        "delivered": delivered,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(delivered / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--modes", nargs="+", default=["lifted", "telegram"], choices=["lifted", "telegram"]
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        library_defaults()
        print(json.dumps(asyncio.run(measure(args.subscribers, args.child))))
        return
    for mode in args.modes:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.announce",
                "--child",
                mode,
                "--subscribers",
                str(args.subscribers),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(out.stdout.strip())


if __name__ == "__main__":
    main()
