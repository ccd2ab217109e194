"""What every handler gets: the typed context, the bot's shared objects and each chat's own
data (kept across restarts)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.core.answer import Engine
from bot.runtime.service import Service


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


class LruCache:
    """The last ``size`` values by key (inline results per query, per engine)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


@dataclass
class BotData:
    """The objects every handler shares (``context.bot_data``); never persisted."""

    service: Service
    flood: FloodGate
    page_size: int
    inline: LruCache = field(default_factory=LruCache)
    stop: threading.Event = field(default_factory=threading.Event)


class ChatData:
    """What a chat remembers across restarts: the article its follow-ups are about, and
    which of the bot's messages answer which question (so an edited question edits them)."""

    MAX_REPLIES = 50

    def __init__(self) -> None:
        self.about: str | None = None
        self.replies: dict[int, list[int]] = {}

    def remember(self, question_id: int, answer_ids: list[int]) -> None:
        self.replies[question_id] = answer_ids
        while len(self.replies) > self.MAX_REPLIES:
            del self.replies[min(self.replies)]

    def to_json(self) -> dict[str, Any]:
        return {"about": self.about, "replies": {str(k): v for k, v in self.replies.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatData:
        chat = cls()
        about = data.get("about")
        chat.about = about if isinstance(about, str) else None
        replies = data.get("replies") or {}
        if isinstance(replies, dict):
            chat.replies = {
                int(k): [int(i) for i in v]
                for k, v in replies.items()
                if str(k).isdigit() and isinstance(v, list)
            }
        return chat


class Context(CallbackContext[ExtBot[int], dict[Any, Any], ChatData, BotData]):
    """The context handlers get, with typed shortcuts."""

    @property
    def service(self) -> Service:
        return self.bot_data.service

    @property
    def engine(self) -> Engine:
        return self.bot_data.service.engine

    @property
    def chat(self) -> ChatData:
        """This chat's data (a fresh one where an update has no chat, e.g. inline mode)."""
        return self.chat_data if self.chat_data is not None else ChatData()


BotApp = Application[ExtBot[int], Context, dict[Any, Any], ChatData, BotData, Any]


def context_types(data: BotData) -> ContextTypes[Context, dict[Any, Any], ChatData, BotData]:
    """The context types, with ``bot_data`` bound to ``data``: python-telegram-bot builds
    ``bot_data`` itself by calling its type with no arguments."""

    class Bound(BotData):
        def __init__(self) -> None:
            super().__init__(data.service, data.flood, data.page_size, data.inline, data.stop)

    return ContextTypes(context=Context, chat_data=ChatData, bot_data=Bound)
