"""Turns (``bot.telegram.sending.Turns``): however late requests become ready to leave,
no second holds more than the cap."""

from __future__ import annotations

import asyncio

from bot.runtime.config import AnnouncementSettings
from bot.telegram.sending import Hook, Limits, Turns, before_request
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


async def _send_marked(limits: Limits, mark: Hook, sent: list[float]) -> None:
    """One request through ``limits`` with ``mark`` as its ``before_request`` hook; the
    moment it leaves is appended to ``sent``."""
    loop = asyncio.get_running_loop()

    async def request() -> dict[str, bool]:
        sent.append(loop.time())
        return {"ok": True}

    token = before_request.set(mark)
    try:
        await limits._in_turn(request, (), {})
    finally:
        before_request.reset(token)


async def test_a_marked_request_is_not_held_back_after_its_mark() -> None:
    """With the cap already reached in the last second, a request with a ``before_request``
    hook (the sender's *sending* mark) waits for room before the mark, not after it: the
    request leaves the moment its mark is written, so a sender that dies loses a message
    only in that instant."""
    limits = Limits(AnnouncementSettings())
    turns = limits._turns
    loop = asyncio.get_running_loop()
    turns._left.times.extend([loop.time()] * turns.most)  # the cap, reached just now
    marked: list[float] = []
    sent: list[float] = []

    async def mark() -> None:
        marked.append(loop.time())

    started = loop.time()
    await _send_marked(limits, mark, sent)
    assert marked and sent
    assert marked[0] - started > 0.5  # it waited for the room, before the mark
    assert sent[0] - marked[0] < 0.05  # and left at once after it
    assert len(turns._left.times) <= turns.most


async def test_marks_that_finish_together_do_not_bunch_past_the_hard_cap() -> None:
    """Marks that take long (a slow database) would have their requests leave together: no
    more than ``hard`` (a sixth under Telegram's 30 a second) leave in any second."""
    limits = Limits(AnnouncementSettings())
    turns = limits._turns
    assert turns.most < turns.hard == 25
    loop = asyncio.get_running_loop()
    together = loop.time() + 1.2  # every mark is written at this moment
    sent: list[float] = []

    async def slow_mark() -> None:
        await asyncio.sleep(max(0.0, together - loop.time()))

    await asyncio.gather(*(_send_marked(limits, slow_mark, sent) for _ in range(30)))
    assert len(sent) == 30
    assert most_in_one_second(sent) <= turns.hard
