"""Factories for Bot API update dicts, as Telegram would send them."""

from __future__ import annotations

import html
import itertools
import re
import time
from typing import Any

from tests.support.fake_bot_api import BOT_ID, BOT_USERNAME

_ids = itertools.count(1)


def bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": "Corpus", "username": BOT_USERNAME}


def user(user_id: int = 42, name: str = "Ada") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}


def chat(chat_id: int, kind: str = "private", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": chat_id, "type": kind}
    if kind == "private":
        base["first_name"] = "Ada"
    else:
        base["title"] = "A group"
    return {**base, **extra}


def _entities(text: str) -> list[dict[str, Any]]:
    out = []
    if text.startswith("/"):
        command = text.split()[0]
        out.append({"type": "bot_command", "offset": 0, "length": len(command)})
    mention = f"@{BOT_USERNAME}"
    at = text.find(mention)
    if at >= 0 and not text.startswith("/"):
        out.append({"type": "mention", "offset": at, "length": len(mention)})
    return out


def message(
    text: str,
    chat_id: int = 42,
    kind: str = "private",
    user_id: int = 42,
    reply_to_bot: bool = False,
    thread_id: int | None = None,
    sender_chat: dict[str, Any] | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": message_id or next(_ids),
        "date": int(time.time()),
        "chat": chat(chat_id, kind, **({"is_forum": True} if thread_id else {})),
        "from": user(user_id),
        "text": text,
    }
    entities = _entities(text)
    if entities:
        msg["entities"] = entities
    if reply_to_bot:
        msg["reply_to_message"] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": msg["chat"],
            "from": bot_user(),
            "text": "an earlier answer",
        }
    if thread_id is not None:
        msg["message_thread_id"] = thread_id
        msg["is_topic_message"] = True
    if sender_chat is not None:
        msg["sender_chat"] = sender_chat
    return {"message": msg}


def edited_message(text: str, message_id: int, chat_id: int = 42) -> dict[str, Any]:
    """The person edited their message ``message_id`` to read ``text``."""
    msg = message(text, chat_id=chat_id, message_id=message_id)["message"]
    msg["edit_date"] = int(time.time())
    return {"edited_message": msg}


def channel_post(text: str, chat_id: int) -> dict[str, Any]:
    post = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "channel", "title": "A channel"},
        "sender_chat": {"id": chat_id, "type": "channel", "title": "A channel"},
        "text": text,
        "entities": _entities(text),
    }
    return {"channel_post": post}


def callback(
    data: str, chat_id: int = 42, user_id: int = 42, message_id: int = 5000
) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat(chat_id),
                "from": bot_user(),
                "text": "an earlier answer",
            },
        }
    }


def inline(query: str, offset: str = "", user_id: int = 42) -> dict[str, Any]:
    return {
        "inline_query": {
            "id": str(next(_ids)),
            "from": user(user_id),
            "query": query,
            "offset": offset,
        }
    }


def my_chat_member(
    chat_id: int,
    kind: str,
    new_status: str,
    old_status: str = "member",
) -> dict[str, Any]:
    bot = bot_user()
    return {
        "my_chat_member": {
            "chat": chat(chat_id, kind),
            "from": user(),
            "date": int(time.time()),
            "old_chat_member": {"status": old_status, "user": bot},
            "new_chat_member": (
                {"status": new_status, "user": bot, "until_date": 0}
                if new_status == "kicked"
                else {"status": new_status, "user": bot}
            ),
        }
    }


def plain(text: str) -> str:
    """A message's HTML as the reader sees it: tags gone (the answer's words are in bold),
    entities decoded."""
    return html.unescape(re.sub(r"<[^<>]+>", "", text))
