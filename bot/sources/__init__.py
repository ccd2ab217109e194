"""Where articles come from: each source puts article files in the corpus folder, or finds
them there, and the runtime runs every source the settings name.

A source is anything with the ``Source`` shape: ``poll`` does one round now and says what it
asked and which article files it wrote; ``run`` does rounds, each when it is due, until
cancelled. The folder watcher (``watcher.FolderWatcher``: it writes nothing, it finds what
others wrote), the feed reader (``feeds.FeedReader``) and a single web page
(``feeds.PageSource``, what ``python -m bot add`` runs) are the three there are; a new one
(a sitemap, a mail box) is one more file here, its settings, and a line in
``bot.runtime.background.Runtime.sources``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Polled:
    """One round of a source: what it asked (a feed's URL, a page's, the folder), whether
    nothing had changed there, the article files it wrote (names in the corpus folder), and
    whether they are a back catalogue (articles, but not news to announce)."""

    asked: str
    unchanged: bool = False
    written: tuple[str, ...] = ()
    catalogue: bool = False


@runtime_checkable
class Source(Protocol):
    """A source of articles."""

    async def poll(self) -> list[Polled]:
        """One round now: one ``Polled`` for each thing asked."""
        ...

    async def run(self) -> None:
        """Rounds, each when it is due, until cancelled; a failed round is logged, not
        raised."""
        ...
