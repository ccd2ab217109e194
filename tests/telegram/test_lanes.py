"""Chat lanes (``bot.telegram.lanes``): one chat's updates in order, one at a time, other
chats beside them, and a flooding chat's excess dropped before it fills the shared slots."""

from __future__ import annotations

import asyncio
import itertools

from telegram import Update

from bot.telegram.lanes import LANE_DEPTH, ChatLanes
from tests.support import updates as u

IDS = itertools.count(1)


def update(chat_id: int) -> Update:
    return Update.de_json({"update_id": next(IDS), **u.message("hi", chat_id=chat_id)}, None)


async def test_a_chat_in_order_the_others_beside_it_and_a_flood_cut_short() -> None:
    lanes = ChatLanes(1024)
    held = asyncio.Event()
    order: list[tuple[int, int]] = []

    async def handle(chat: int, n: int) -> None:
        if chat == 1:
            await held.wait()
        order.append((chat, n))

    flood = [
        asyncio.create_task(lanes.process_update(update(1), handle(1, n)))
        for n in range(LANE_DEPTH + 36)
    ]
    other = asyncio.create_task(lanes.process_update(update(2), handle(2, 0)))
    await asyncio.wait_for(other, 1.0)  # not held up by the first chat
    assert order == [(2, 0)]
    held.set()
    await asyncio.wait_for(asyncio.gather(*flood), 5.0)
    first = [n for chat, n in order if chat == 1]
    assert first == list(range(LANE_DEPTH))  # in the order they came, the excess dropped
    again = asyncio.create_task(lanes.process_update(update(1), handle(1, 999)))
    await asyncio.wait_for(again, 1.0)  # the lane forgot the flood once it emptied
    assert order[-1] == (1, 999)
