"""The plain records the layers hand each other: a subscription, a delivery of the outbox, a
feed's state and its entries, a question kept for the insights, a configured feed. Data
only: whoever stores, sends or reads them imports them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# How long a call that must not wait (the health check, the *sending* mark, a chat's data)
# waits for a connection from PostgreSQL's pool; the others wait the pool's 15 seconds.
QUICK_SECONDS = 1.0
# The note on a row that was on its way when its sender died: counted as sent, not sent again.
IN_FLIGHT = "on its way when its sender stopped; not sent again"


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed whose entries become articles. ``url`` is the feed as it is shown,
    logged and stored, without credentials; ``fetch_url`` the one asked, with them."""

    url: str
    interval: float | None = None  # seconds between polls; None: corpus.feed_interval
    secret_url: str | None = field(default=None, repr=False)  # the URL with its credentials

    @property
    def fetch_url(self) -> str:
        return self.secret_url or self.url


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    thread_id: int
    kind: str
    title: str | None
    active: bool
    failures: int
    since: float
    mode: str = "each"  # each (one message per article) | daily | weekly (a digest)
    filters: tuple[str, ...] = ()  # topic words; none: every article


@dataclass(frozen=True)
class FeedState:
    """What the feed reader keeps of one feed between polls and restarts."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_at: float = 0.0  # when to ask again
    polls: int = 0  # successful polls; the first one's entries are the back catalogue
    failures: int = 0  # failed polls in a row
    error: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """An entry the feed reader has written as an article (or tried to)."""

    key: str  # its guid, else its link
    feed: str
    article_id: str  # empty while neither the feed nor the page had its text
    version: str  # what the feed said of it last (its updated time, else a hash of its text)
    complete: bool  # written from its page; False: from the feed's own text
    attempts: int = 1  # pages tried for it


@dataclass(frozen=True)
class Delivery:
    id: int
    article_id: str  # for a digest, its period (bot.runtime.service.period_key)
    chat_id: int
    thread_id: int
    attempts: int
    kind: str = "article"  # article | digest


MAX_KEPT_QUESTION = 1000  # characters of a question the insights keep


@dataclass(frozen=True)
class Asked:
    """A question as the insights keep it: when (epoch seconds), in which chat (a salted
    hash, never the id), its text, whether it was answered, the article cited first, and the
    seconds the answer took."""

    at: float
    chat: str
    question: str
    answered: bool
    article: str | None
    seconds: float
