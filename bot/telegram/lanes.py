"""How updates are handled: many at once, but one chat's in order, one at a time.

python-telegram-bot's concurrent updates share a few slots among all chats, and a handler
holds its slot while its reply waits for the chat's send limit (one message a second to a
person): one person sending thirty quick commands took every slot, and every other chat
waited for them. Here each chat (or, without one, each user: inline queries) has a **lane**
of its own; an update waits in its chat's lane for the chat's earlier updates, and a chat
that waits holds up no other. The processor's own slots, as many as updates are taken at
once, bound the updates in hand, not the chats served; and a lane holds at most
``LANE_DEPTH`` updates: past that a chat is flooding (the flood gate would turn its
messages away anyway), and what it sends more is dropped, so that one chat never fills the
slots every chat shares.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

LANE_DEPTH = 64


def lane(update: object) -> Hashable | None:
    """The lane an update waits in: its chat's, else its user's; None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatLanes(BaseUpdateProcessor):
    """Each chat's updates one after the other, in the order they came; different chats'
    at the same time."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._lanes: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}  # updates in each lane, to forget idle ones
        self._flooding: set[Hashable] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= LANE_DEPTH:
            if isinstance(coroutine, Coroutine):
                coroutine.close()
            if key not in self._flooding:  # once for each flood
                self._flooding.add(key)
                log.warning("chat %s floods: %d updates wait, more are dropped", key, LANE_DEPTH)
            return
        self._waiting[key] = self._waiting.get(key, 0) + 1
        turn = self._lanes.setdefault(key, asyncio.Lock())
        try:
            async with turn:  # an asyncio lock serves its waiters in order
                await coroutine
        except asyncio.CancelledError:  # stopped before its turn: never started, and never will
            if isinstance(coroutine, Coroutine):
                coroutine.close()
            raise
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._lanes[key]
                self._flooding.discard(key)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: python-telegram-bot waits for the updates in hand."""
