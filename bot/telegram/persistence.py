"""python-telegram-bot's persistence, kept in the bot's own database: the data behind every
button (so a button sent before a restart still works) and each chat's data (the article a
follow-up is about, the answers an edited question edits). As JSON, never pickles; the
shared ``bot_data`` holds live objects and is not persisted."""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.storage import Storage
from bot.telegram.context import BotData, ChatData
from bot.telegram.keyboards import decode_payload, encode_payload

log = logging.getLogger(__name__)

_CHATS = "chat"
_BUTTONS = "buttons"
_QUERIES = "queries"


class StoragePersistence(BasePersistence[dict[Any, Any], ChatData, BotData]):
    """Chat data and button data in the ``kept`` table of the bot's storage."""

    def __init__(self, storage: Storage, update_interval: float | None = None) -> None:
        # On a shared database another process may need a button or a chat's data in the
        # next moment: written every half second rather than every two.
        if update_interval is None:
            update_interval = 0.5 if storage.shared else 2.0
        super().__init__(
            store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=True),
            update_interval=update_interval,
        )
        self.storage = storage
        self._written: dict[str, str] = {}

    # -- chats --------------------------------------------------------------------------------

    async def get_chat_data(self) -> dict[int, ChatData]:
        out = {}
        for key, value in self.storage.kept(_CHATS).items():
            try:
                out[int(key)] = ChatData.from_json(json.loads(value))
            except (ValueError, TypeError):
                log.warning("forgetting unreadable chat data of chat %s", key)
        return out

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        await self.storage.io(self.storage.keep, _CHATS, str(chat_id), json.dumps(data.to_json()))

    async def drop_chat_data(self, chat_id: int) -> None:
        await self.storage.io(self.storage.keep, _CHATS, str(chat_id), None)

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Before each update: on a shared database another process may have answered this
        chat last, so its data is read again (on SQLite only this process changes it)."""
        if not self.storage.shared:
            return
        value = await self.storage.io(self.storage.kept_one, _CHATS, str(chat_id))
        if value is None:
            return
        with contextlib.suppress(ValueError, TypeError):
            fresh = ChatData.from_json(json.loads(value))
            chat_data.about, chat_data.replies = fresh.about, fresh.replies

    # -- buttons ------------------------------------------------------------------------------

    def keyboard(self, keyboard_id: str) -> CDCData | None:
        """One keyboard's buttons, as the callback data cache loads them: on a shared
        database, a button another process made is found here when it is pressed."""
        value = self.storage.kept_one(_BUTTONS, keyboard_id)
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
        for key, value in self.storage.kept(_BUTTONS).items():
            try:
                stamp, buttons = json.loads(value)
                decoded = {k: decode_payload(v) for k, v in buttons.items()}
            except (ValueError, TypeError, KeyError):
                continue  # an unreadable keyboard's buttons answer "expired"
            keyboards.append((key, float(stamp), decoded))
            self._written[key] = value
        queries = {k: v for k, v in self.storage.kept(_QUERIES).items()}
        return keyboards, queries

    async def update_callback_data(self, data: CDCData) -> None:
        await self.storage.io(self._write_callback_data, data)

    def _write_callback_data(self, data: CDCData) -> None:
        keyboards, queries = data
        current: dict[str, str] = {}
        for key, stamp, buttons in keyboards:
            encoded = {k: encode_payload(v) for k, v in buttons.items()}
            current[key] = json.dumps([stamp, encoded])
        for key in set(self._written) - set(current):
            self.storage.keep(_BUTTONS, key, None)
        for key, value in current.items():
            if self._written.get(key) != value:
                self.storage.keep(_BUTTONS, key, value)
        self._written = current
        old = self.storage.kept(_QUERIES)
        for key in set(old) - set(queries):
            self.storage.keep(_QUERIES, key, None)
        for key, value in queries.items():
            if old.get(key) != value:
                self.storage.keep(_QUERIES, key, value)

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
        """Every write goes to the database at once."""
