"""What the Telegram handlers share: the library, settings, short-lived button payloads, the
per-user flood limit and each chat's follow-up article; and the typed context that carries it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.core.answer import Engine
from bot.library import Library
from bot.storage import Storage
from bot.telegram.announce import Sender


class Payloads:
    """Button payloads too long for Telegram's 64-byte callback data, under short tokens.

    Bounded: the oldest are forgotten, and a button whose token is gone (or was made up)
    gets a polite "ask again" instead of an error.
    """

    def __init__(self, capacity: int = 5000) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._capacity = capacity
        self._counter = 0

    def put(self, payload: Any) -> str:
        self._counter += 1
        token = f"{self._counter:x}"
        self._items[token] = payload
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Any:
        return self._items.get(token)


class FloodGate:
    """At most ``limit`` questions per user in a sliding ``window`` of seconds.

    Over the limit the user is told once per window; further questions are dropped quietly
    until the window has room again.
    """

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> str:
        """'ok', 'warn' (tell the user once) or 'drop'."""
        now = time.monotonic() if now is None else now
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.pop(user_id, None)
            return "ok"
        if now - self._warned.get(user_id, -self.window) >= self.window:
            self._warned[user_id] = now
            return "warn"
        return "drop"


@dataclass
class BotState:
    """Shared by every handler as ``context.bot_data``."""

    library: Library | None = None
    page_size: int = 5
    payloads: Payloads = field(default_factory=Payloads)
    flood: FloodGate = field(default_factory=lambda: FloodGate(8, 60.0))
    storage: Storage | None = None
    sender: Sender | None = None
    announce: bool = True
    reannounce_changed: bool = False
    rescan_seconds: float = 30.0
    rescan_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        assert self.library is not None, "BotState.library is set when the app is built"
        return self.library.engine


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotState]
CONTEXT_TYPES = ContextTypes(bot_data=BotState)
