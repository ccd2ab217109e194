"""Where articles come from: each source puts article files in the corpus folder, or finds
them there, and the runtime runs every source the settings name.

A source is anything with the ``Source`` shape: ``poll`` does one round now and says what it
asked and which article files it wrote; ``run`` does rounds, each when it is due, until
cancelled. The folder watcher (``watcher.FolderWatcher``: it writes nothing, it finds what
others wrote), the feed reader (``feeds.FeedReader``) and a single web page
(``feeds.PageSource``, what ``python -m bot add`` runs) and the sitemap reader
(``sitemap.SitemapReader``) are the ones there are.

A new kind (a mail box, say) is one more file here plus its settings: a module of this
package that offers ``sources(opening) -> list[Source]`` has its sources run by the runtime
(``opened`` finds every such module; nothing else names them).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.core.records import FeedEntry, FeedState
    from bot.sources.web import Fetcher


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


class FeedMemory(Protocol):
    """What the reader keeps between polls and restarts (the store's async face is one)."""

    async def feed_state(self, url: str) -> FeedState | None: ...

    async def save_feed_state(self, state: FeedState) -> None: ...

    async def feed_entries(self, keys: Sequence[str]) -> dict[str, FeedEntry]: ...

    async def save_feed_entry(self, entry: FeedEntry) -> None: ...

    async def mark_known(self, articles: Iterable[tuple[str, str]]) -> None: ...


class Rescanned(Protocol):
    """What a rescan reports back: how long until files still being written settle (0 when
    none is)."""

    @property
    def unsettled(self) -> float: ...


Rescan = Callable[[set[str] | None], Awaitable[Rescanned]]


@dataclass(frozen=True)
class Opening:
    """What the runtime hands each kind of source to make its sources from."""

    # bot.runtime.config.Settings: the runtime sits above the sources, which may not import
    # it; each kind reads its own keys
    settings: Any
    memory: FeedMemory  # what a source keeps between polls and restarts (the store)
    fetcher: Callable[[], Fetcher]  # the process's one fetcher, made when first asked for
    rescan: Rescan | None = None  # how the folder's changes are taken in (None: not watched)


def opened(opening: Opening) -> list[Source]:
    """Every source the settings name: each module of this package that offers
    ``sources(opening)`` is asked, in the order of their names."""
    found: list[Source] = []
    for module in pkgutil.iter_modules(__path__):
        make = getattr(importlib.import_module(f"{__name__}.{module.name}"), "sources", None)
        if callable(make):
            found += make(opening)
    return found
