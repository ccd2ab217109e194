"""Watching the corpus folder: file events (watchfiles) and a periodic rescan as a fallback,
one rescan at a time, files still being written looked at again once they settle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

import watchfiles

from bot.sources import Opening, Polled, Rescan, Source

log = logging.getLogger(__name__)


class FolderWatcher:
    """The corpus folder as a source: it writes no article, it finds the ones others wrote
    (feeds, ``add``, an operator's editor) and has them indexed (``rescan``)."""

    def __init__(self, folder: Path, every: float, rescan: Rescan) -> None:
        self.folder, self.every, self.rescan = folder, every, rescan

    async def poll(self) -> list[Polled]:
        """Look at the whole folder now."""
        await self.rescan(None)
        return [Polled(str(self.folder))]

    async def run(self) -> None:
        await watch(self.folder, self.every, self.rescan)


def sources(opening: Opening) -> list[Source]:
    """The corpus folder, watched when the runtime takes in its changes."""
    if opening.rescan is None:
        return []
    corpus = opening.settings.corpus
    return [FolderWatcher(corpus.folder, corpus.rescan_seconds, opening.rescan)]


async def watch(folder: Path, every: float, rescan: Rescan) -> None:
    """Run until cancelled: ``rescan(names)`` for the files the events name, ``rescan(None)``
    (everything) every ``every`` seconds. A rescan that fails is logged and the watching
    goes on: a watcher that died would stop every later announcement."""
    requests: asyncio.Queue[set[str] | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def events() -> None:
        try:
            async for found in watchfiles.awatch(
                folder, debounce=300, step=50, recursive=False, ignore_permission_denied=True
            ):
                requests.put_nowait({Path(path).name for _, path in found})
        except (OSError, RuntimeError) as exc:
            log.warning("cannot watch %s (%s); rescanning every %.0fs instead", folder, exc, every)

    async def ticks() -> None:
        while True:
            await asyncio.sleep(every)
            requests.put_nowait(None)

    requests.put_nowait(None)  # the whole folder at once: what changed while no one watched
    feeders = [asyncio.create_task(events()), asyncio.create_task(ticks())]
    try:
        while True:
            names = await requests.get()
            try:
                changes = await rescan(names)
            except Exception:
                log.exception("rescanning the corpus failed; will try again")
                continue
            if changes.unsettled:  # files still being written: look again once they settle
                loop.call_later(changes.unsettled + 0.1, requests.put_nowait, names)
    finally:
        for task in feeders:
            task.cancel()
        for task in feeders:
            with contextlib.suppress(asyncio.CancelledError):
                await task
