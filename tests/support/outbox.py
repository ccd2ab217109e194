"""What a broadcast that lived through the death of its sender may show: every chat's
message exactly once, except a chat whose row the dead sender had marked *sending* and whose
request never left (the instant the design gives up, README "Announcements")."""

from __future__ import annotations

import collections
from collections.abc import Iterable

from bot.core.records import IN_FLIGHT
from bot.store.storage import Storage
from tests.support.fake_bot_api import Call

# A SIGKILL lands in the instant between a row's mark and its request leaving about one time
# in thirty at 20 messages a second (bench.announce measures that instant): at most one chat
# per death may be lost in it, and only one whose row says so.
LOST_IN_THE_INSTANT = 1


def settled_in_flight(storage: Storage) -> set[int]:
    """Chats whose row a dead sender had on its way (counted as sent, never sent again)."""
    rows = storage.db.read("SELECT chat_id FROM outbox WHERE error=?", (IN_FLIGHT,))
    return {int(row[0]) for row in rows}


def check_once_each(got: Iterable[Call], chats: Iterable[int], storage: Storage) -> set[int]:
    """Assert each chat got the message once, but for at most ``LOST_IN_THE_INSTANT``
    whose row was settled in flight; returns the chats lost that way."""
    per_chat = collections.Counter(int(c.params["chat_id"]) for c in got)
    assert set(per_chat.values()) <= {1}, [c for c, n in per_chat.items() if n > 1]
    missing = set(chats) - set(per_chat)
    assert missing <= settled_in_flight(storage), missing
    assert len(missing) <= LOST_IN_THE_INSTANT, missing
    return missing
