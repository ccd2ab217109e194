"""Benchmark: announcing one article to many subscribers against the fake Bot API server.

    .venv/bin/python -m bench.announce [--subscribers 10000] [--modes lifted telegram]

``telegram`` keeps to Telegram's limits (30 messages a second overall): the time the
broadcast must take. ``lifted`` raises the limits out of the way: the bot's own cost per
message (storage, rendering, HTTP). Each mode runs in a child process, so the peak memory
(max RSS) it reports is its own; the fake server runs in that process too (on a thread with
an event loop of its own) and is included.

Each mode also measures **the instant** a death of the sender would lose a message in: from
the moment a row's *sending* mark is committed (in the store's thread) to the moment the fake
server takes in its request. The server shares the sender's event loop here, so the figure
is an upper bound. ``exposed`` is the share of the broadcast's time some message spent in
it: the chance that a SIGKILL at a random moment of a broadcast loses one message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.core.records import Delivery
from bot.runtime.config import Settings
from bot.runtime.process import library_defaults
from bot.runtime.service import Service
from bot.store.storage import Storage
from bot.telegram.announce import Sender
from bot.telegram.sending import Limits
from tests.support.fake_bot_api import TOKEN, FakeBotApi

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


class ApartServer:
    """The fake Bot API on an event loop of its own, in a thread: it takes in a request when
    its bytes arrive, not when the sender's event loop has time for it."""

    def __enter__(self) -> FakeBotApi:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.api = FakeBotApi()
        asyncio.run_coroutine_threadsafe(self.api.start(), self.loop).result()
        return self.api

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.api.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


async def measure(subscribers: int, mode: str) -> dict[str, object]:
    with ApartServer() as api, tempfile.TemporaryDirectory() as tmp:
        lifted = 1e9 if mode == "lifted" else None
        changes: dict[str, object] = {
            "corpus.folder": SEEDS,
            "storage.path": Path(tmp) / "bench.sqlite3",
        }
        if lifted:
            changes |= {
                f"announcements.{key}": lifted
                for key in ("global_per_second", "group_per_minute", "chat_per_second")
            }
        settings = Settings().replace(**changes)
        with Service.open(settings, semantic=False) as service:
            result = await _broadcast(api, service, subscribers)
    return {
        "mode": mode,
        "subscribers": subscribers,
        **result,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def _broadcast(api: FakeBotApi, service: Service, subscribers: int) -> dict[str, float]:
    storage = service.storage
    article = service.engine.latest(1)[0]
    with storage.db.write() as db:
        db.executemany(
            "INSERT INTO subscriptions (chat_id, thread_id, kind, active, failures, since) "
            "VALUES (?, 0, ?, 1, 0, 0)",
            [
                (i if i % 10 else -i, "private" if i % 10 else "supergroup")
                for i in range(1, subscribers + 1)
            ],
        )
    marked_at = _time_marks(storage)
    bot = ExtBot(
        TOKEN,
        base_url=api.base_url,
        rate_limiter=Limits(service.settings.announcements),
        request=HTTPXRequest(connection_pool_size=256),  # as the Application builds it
    )
    async with bot:
        sender = Sender(bot, service)
        start = time.perf_counter()
        storage.enqueue(article.id, article.content_hash)
        await sender.drain()
        elapsed = time.perf_counter() - start
    delivered = len({c.params["chat_id"] for c in api.sent()})
    windows = sorted(
        call.at - marked_at[int(call.params["chat_id"])]
        for call in api.sent()
        if int(call.params["chat_id"]) in marked_at
    )
    return {
        "delivered": delivered,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(delivered / elapsed, 1),
        "instant_ms_p50": round(1000 * statistics.median(windows), 2),
        "instant_ms_p99": round(1000 * windows[int(0.99 * (len(windows) - 1))], 2),
        "instant_ms_max": round(1000 * windows[-1], 2),
        "exposed": round(sum(windows) / elapsed, 4),
    }


def _time_marks(storage: Storage) -> dict[int, float]:
    """Wraps ``storage.sending`` to note when each chat's mark was committed."""
    marked_at: dict[int, float] = {}
    sending = storage.sending

    def timed(delivery: Delivery, holder: str | None = None, timeout: float | None = None) -> bool:
        marked = sending(delivery, holder, timeout)
        marked_at[delivery.chat_id] = time.monotonic()
        return marked

    storage.sending = timed  # type: ignore[method-assign]
    return marked_at


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
