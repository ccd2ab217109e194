"""Turns (``bot.telegram.sending.Turns``): however late requests become ready to leave,
no second holds more than the cap."""

from __future__ import annotations

import asyncio

from bot.runtime.config import AnnouncementSettings
from bot.telegram.sending import Limits, Turns
from tests.support.fleet import most_in_one_second


async def test_requests_ready_at_once_leave_no_more_than_the_cap_in_any_second() -> None:
    turns = Turns(gap=0.0, most=5)
    loop = asyncio.get_running_loop()
    left: list[float] = []

    async def one() -> None:
        await turns.leave(turns.book())  # all ready at once, as after marks that were late
        left.append(loop.time())

    await asyncio.gather(*(one() for _ in range(12)))
    assert len(left) == 12
    assert most_in_one_second(left) <= 5


def test_the_cap_keeps_a_third_of_telegrams_limit_to_spare() -> None:
    limits = Limits(AnnouncementSettings())  # 30 a second
    assert limits._turns.most == 20
    assert abs(limits._turns.gap - 1.5 / 30) < 1e-9
