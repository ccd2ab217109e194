"""python-telegram-bot's persistence, kept in the bot's own database: the data behind every
button (so a button sent before a restart still works) and each chat's data (the article a
follow-up is about, the answers an edited question edits). As JSON, never pickles; the
shared ``bot_data`` holds live objects and is not persisted.

The chats' data python-telegram-bot holds in memory is the cache: while the database does
not answer (each try waits a second at most, and then none is made for a few seconds), a
chat's data is served from memory, and what changed is written once the database answers
again (kept until then, and not overwritten by the older copy in the database)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.core.errors import StorageError
from bot.core.records import QUICK_SECONDS
from bot.runtime.service import Service
from bot.telegram.context import BotData, ChatData
from bot.telegram.keyboards import decode_payload, encode_payload

log = logging.getLogger(__name__)

_CHATS = "chat"
_BUTTONS = "buttons"
_QUERIES = "queries"
OFFLINE_SECONDS = 5.0  # after a failed call, how long the database is left alone
_GONE = object()  # not in the unsaved data


class StoragePersistence(BasePersistence[dict[Any, Any], ChatData, BotData]):
    """Chat data and button data in the ``kept`` table of the bot's storage."""

    def __init__(self, service: Service, update_interval: float | None = None) -> None:
        store = service.store
        # On a shared database another process may need a button or a chat's data in the
        # next moment: written every half second rather than every two.
        if update_interval is None:
            update_interval = 0.5 if store.shared else 2.0
        super().__init__(
            store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=True),
            update_interval=update_interval,
        )
        self.store = store
        self._written: dict[str, str] = {}
        self._unsaved: dict[int, str | None] = {}  # chats' data not written yet (None: drop)
        self._saving = asyncio.Lock()
        self._away = False  # the database did not answer the last call
        self._retry_at = 0.0  # monotonic: no call to the database before then

    # -- chats --------------------------------------------------------------------------------

    async def get_chat_data(self) -> dict[int, ChatData]:
        out = {}
        for key, value in (await self.store.kept(_CHATS)).items():
            try:
                out[int(key)] = ChatData.from_json(json.loads(value))
            except (ValueError, TypeError):
                log.warning("forgetting unreadable chat data of chat %s", key)
        return out

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        self._unsaved[chat_id] = json.dumps(data.to_json())
        await self._save_chats()

    async def drop_chat_data(self, chat_id: int) -> None:
        self._unsaved[chat_id] = None
        await self._save_chats()

    async def _save_chats(self, *, last: bool = False) -> None:
        """Write the chats' data not written yet; what the database does not take is kept
        for the next try (every ``update_interval``, or the ``last`` one)."""
        async with self._saving:
            for chat_id, value in list(self._unsaved.items()):
                if self._resting() and not last:
                    return
                try:
                    await self.store.keep(_CHATS, str(chat_id), value, timeout=QUICK_SECONDS)
                except StorageError as exc:
                    self._offline(exc)
                    return
                self._online()
                if self._unsaved.get(chat_id, _GONE) == value:  # not changed meanwhile
                    del self._unsaved[chat_id]

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Before each update: on a shared database another process may have answered this
        chat last, so its data is read again (on SQLite only this process changes it),
        unless this process has changes of its own to write, or the database is away."""
        if not self.store.shared or chat_id in self._unsaved or self._resting():
            return
        try:
            value = await asyncio.wait_for(
                self.store.kept_one(_CHATS, str(chat_id), timeout=QUICK_SECONDS),
                QUICK_SECONDS + 0.5,  # the store's threads may all be waiting for the pool
            )
        except (StorageError, TimeoutError) as exc:
            self._offline(exc)
            return
        self._online()
        if value is None or chat_id in self._unsaved:
            return
        with contextlib.suppress(ValueError, TypeError):
            fresh = ChatData.from_json(json.loads(value))
            chat_data.about, chat_data.replies = fresh.about, fresh.replies

    def _resting(self) -> bool:
        """Whether the database failed a moment ago: not asked again yet."""
        return time.monotonic() < self._retry_at

    def _offline(self, exc: Exception) -> None:
        """The database did not answer: chats' data comes from memory for a while."""
        if not self._away:
            log.warning(
                "chats' data is served from memory while the database does not answer (%s)",
                str(exc) or "no answer in time",
            )
        self._away = True
        self._retry_at = time.monotonic() + OFFLINE_SECONDS

    def _online(self) -> None:
        if self._away:
            log.info("the database answers again; %d chats' data to write", len(self._unsaved))
        self._away = False

    # -- buttons ------------------------------------------------------------------------------

    async def keyboard(self, keyboard_id: str) -> CDCData | None:
        """One keyboard's buttons, as the callback data cache loads them: on a shared
        database, a button another process made is found here when it is pressed (None:
        not found, or the database did not answer)."""
        try:
            value = await asyncio.wait_for(
                self.store.kept_one(_BUTTONS, keyboard_id, timeout=QUICK_SECONDS),
                QUICK_SECONDS + 0.5,
            )
        except (StorageError, TimeoutError) as exc:
            log.warning("a button's data could not be looked up: %s", str(exc) or "no answer")
            return None
        if value is None:
            return None
        try:
            stamp, buttons = json.loads(value)
            decoded = {k: decode_payload(v) for k, v in buttons.items()}
        except (ValueError, TypeError, KeyError):
            return None
        return [(keyboard_id, float(stamp), decoded)], {}

    async def get_callback_data(self) -> CDCData | None:
        keyboards: list[tuple[str, float, dict[str, Any]]] = []
        for key, value in (await self.store.kept(_BUTTONS)).items():
            try:
                stamp, buttons = json.loads(value)
                decoded = {k: decode_payload(v) for k, v in buttons.items()}
            except (ValueError, TypeError, KeyError):
                continue  # an unreadable keyboard's buttons answer "expired"
            keyboards.append((key, float(stamp), decoded))
            self._written[key] = value
        queries = await self.store.kept(_QUERIES)
        return keyboards, queries

    async def update_callback_data(self, data: CDCData) -> None:
        """Every ``update_interval``: the buttons' data, and the chats' data that waits."""
        if self._unsaved:
            await self._save_chats()
        if self._resting():
            return
        try:
            await self.store.run(self._write_callback_data, data)
        except StorageError as exc:  # written at a later interval: it is written whole
            self._offline(exc)

    def _write_callback_data(self, data: CDCData) -> None:
        storage, wait = self.store.storage, QUICK_SECONDS
        keyboards, queries = data
        current: dict[str, str] = {}
        for key, stamp, buttons in keyboards:
            encoded = {k: encode_payload(v) for k, v in buttons.items()}
            current[key] = json.dumps([stamp, encoded])
        for key in set(self._written) - set(current):
            storage.keep(_BUTTONS, key, None, wait)
        for key, value in current.items():
            if self._written.get(key) != value:
                storage.keep(_BUTTONS, key, value, wait)
        self._written = current
        old = storage.kept(_QUERIES, wait)
        for key in set(old) - set(queries):
            storage.keep(_QUERIES, key, None, wait)
        for key, value in queries.items():
            if old.get(key) != value:
                storage.keep(_QUERIES, key, value, wait)

    # -- what this bot does not persist -------------------------------------------------------

    async def get_bot_data(self) -> BotData:
        raise NotImplementedError("bot_data is not persisted")

    async def update_bot_data(self, data: BotData) -> None:
        """Not persisted."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Not persisted."""

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def drop_user_data(self, user_id: int) -> None:
        """Not persisted."""

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """No conversations."""

    async def flush(self) -> None:
        """At shutdown: a last try for the chats' data that waits for the database."""
        if self._unsaved:
            await self._save_chats(last=True)
        if self._unsaved:
            log.warning("the data of %d chats could not be written", len(self._unsaved))
