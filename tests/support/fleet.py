"""Several ``python -m bot run`` replicas in webhook mode on one PostgreSQL, behind a
round-robin front, against the fake Bot API server: for the replica tests and
``bench.replicas``."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bot.store.storage import Storage
from tests.support import updates as u
from tests.support.fake_bot_api import Call, FakeBotApi
from tests.support.front import Front
from tests.support.paths import SEEDS
from tests.support.processes import bot_process, free_port

SECRET = "replica-secret"
UPDATE_IDS = itertools.count(1)


class Fleet:
    """The replicas, the front before them, and their database."""

    def __init__(
        self,
        api: FakeBotApi,
        pg_url: str,
        tmp_path: Path,
        *,
        replicas: int = 2,
        extra: str = "",
        polling: bool = False,
    ) -> None:
        self.api = api
        self.polling = polling  # long polling instead of webhooks (no front then)
        self.pg_url = pg_url
        self.tmp_path = tmp_path
        self.extra = extra  # more YAML for every replica's config
        self.corpus = tmp_path / "corpus"
        shutil.copytree(SEEDS, self.corpus)
        self.ports = [free_port() for _ in range(replicas)]
        self.front = Front([f"http://127.0.0.1:{p}" for p in self.ports])
        self.procs: list[subprocess.Popen[str] | None] = [None] * replicas

    def start(self, n: int) -> None:
        folder = self.tmp_path / f"replica{n}"
        folder.mkdir(exist_ok=True)
        config = (
            f"corpus:\n  folder: {self.corpus}\n  rescan_seconds: 1\n"
            f"storage:\n  path: {folder / 'bot.sqlite3'}\n"
            "answers:\n  embedding_model: none\n"
            + (
                "telegram:\n  mode: polling\n"
                if self.polling
                else "telegram:\n  mode: webhook\n  webhook_listen: 127.0.0.1\n"
                f"  webhook_port: {self.ports[n]}\n  webhook_url: {self.front.url}\n"
            )
            + "  page_size: 1\n"
            + self.extra
        )
        self.procs[n] = bot_process(
            self.api.base_url,
            config,
            folder,
            BOT_DATABASE_URL=self.pg_url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )

    def kill(self, pid: int) -> int:
        """SIGKILL the replica with this pid; returns its number."""
        n = next(i for i, p in enumerate(self.procs) if p is not None and p.pid == pid)
        proc = self.procs[n]
        assert proc is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        return n

    def stop(self) -> None:
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            if proc is not None:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def roles(self) -> dict[str, int]:
        """Which process holds which role, as PostgreSQL shows it."""
        with psycopg.connect(self.pg_url) as conn:
            rows = conn.execute(  # the connections that hold an advisory lock
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                " AND a.application_name LIKE 'corpus-bot:%'"
            ).fetchall()
        out = {}
        for (name,) in rows:
            _, role, _, pid = name.split(":")
            out[role] = int(pid)
        return out

    async def wait_roles(
        self,
        *,
        not_pid: int | None = None,
        within: float = 30,
        needed: tuple[str, ...] = ("sender", "ingester"),
    ) -> dict[str, int]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            roles = await asyncio.to_thread(self.roles)  # the fake API shares this loop
            alive = {p.pid for p in self.procs if p is not None and p.poll() is None}
            taken = set(needed) <= set(roles) and set(roles.values()) <= alive
            if taken and (not_pid is None or not_pid not in roles.values()):
                return roles
            await asyncio.sleep(0.1)
        raise AssertionError(f"roles not taken: {self.roles()}")

    async def healthy(self, n: int, articles: int, within: float = 60) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                try:
                    got = await client.get(f"http://127.0.0.1:{self.ports[n]}/healthz")
                    if got.status_code == 200 and got.json()["articles"] >= articles:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"replica {n} not healthy with {articles} articles")

    async def post(
        self,
        update: dict[str, Any],
        *,
        via: int | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        """An update as Telegram would post it, through the front (or to one replica); with
        ``client``, on its kept-alive connections."""
        if client is None:
            async with httpx.AsyncClient() as own:
                return await self.post(update, via=via, client=own)
        update = {"update_id": next(UPDATE_IDS), **update}
        where = self.front.url if via is None else f"http://127.0.0.1:{self.ports[via]}"
        posted = await client.post(
            f"{where}/telegram",
            content=json.dumps(update),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert posted.status_code == 200

    async def ask(self, question: str, chat_id: int, *, via: int | None = None) -> Call:
        before = len(self.api.sent(chat_id=chat_id))
        await self.post(u.message(question, chat_id), via=via)
        sent = await self.api.wait_for("sendMessage", before + 1, chat_id=chat_id, within=30)
        return sent[-1]


@contextlib.asynccontextmanager
async def running_fleet(
    api: FakeBotApi, pg_url: str, tmp_path: Path, subscribers: int = 0
) -> AsyncIterator[Fleet]:
    """Two replicas on ``pg_url`` behind the front, healthy, with chats 1 to ``subscribers``
    subscribed beforehand; stopped on exit."""
    storage = Storage(pg_url)
    try:
        for chat in range(1, subscribers + 1):
            storage.subscribe(chat, 0, "private", None)
    finally:
        storage.close()
    fleet = Fleet(api, pg_url, tmp_path)
    await fleet.front.start()
    fleet.start(0)
    fleet.start(1)
    try:
        await fleet.healthy(0, 2)
        await fleet.healthy(1, 2)
        yield fleet
    finally:
        fleet.stop()
        await fleet.front.stop()


def most_in_one_second(times: list[float]) -> int:
    """The most of these moments that fall within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
