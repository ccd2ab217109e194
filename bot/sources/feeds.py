"""RSS and Atom feeds → article files in the corpus folder.

Each feed named in ``corpus.feeds`` is polled at its own interval with a conditional request
(ETag, Last-Modified). For each entry not seen before, or changed since, the linked page is
fetched and its article extracted (the entry's own text when the page cannot be had), and
written whole as ``<slug>-<hash>.md``, the hash taken from the entry's link made canonical
(else its guid), so the same entry is always the same article, and a page added with ``add``
is the same article when a feed brings it. From there the corpus watcher picks it up like
any other new file: indexed, then announced.

At most ``web.max_entries`` entries are taken in one poll, and an entry's page that could not
be had is tried at the next two polls; while any such work is left, the feed is asked
without its validators, so a 304 cannot hide the entries that wait.

What the reader knows is kept in the database: each feed's validators, when to ask next and
how often it failed in a row (errors back off, doubling up to six hours, or as long as a
429/503 asks), and each entry's article and version, so a restart neither asks too early nor
writes anything twice. The entries a feed holds at its first poll (all of them, over as many
polls as ``web.max_entries`` needs) are its back catalogue: added to the corpus, never
announced.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import time
import xml.sax
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.core.corpus import content_digest
from bot.core.errors import FetchError, StorageError
from bot.core.records import Feed, FeedEntry, FeedState
from bot.core.redact import redact
from bot.sources import FeedMemory, Opening, Polled, Source
from bot.sources.pages import Page, author_name, from_html, html_paragraphs, plausible_date
from bot.sources.web import Fetcher, Response

log = logging.getLogger(__name__)

FEED_TYPES = None  # feeds come as every kind of XML (and as text/html): feedparser decides
MAX_BACKOFF_SECONDS = 6 * 3600.0
PAGE_ATTEMPTS = 3  # pages tried for an entry before its feed text is final
# query parameters that say where a reader came from, not which page it is
TRACKING = re.compile(r"utm_\w*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi", re.I)


PollResult = Polled  # what one poll of a feed did: ``asked`` is the feed's URL


def article_id(key: str, link: str | None, title: str) -> str:
    """A stable, readable id: a slug of the link's last part (else of the title) and a hash
    of the entry's key."""
    path = urlsplit(link).path if link else ""
    last = os.path.splitext(path.rstrip("/").rsplit("/", 1)[-1])[0]
    slug = "-".join(re.findall(r"[a-z0-9]+", last.lower()))
    if len(slug) < 3 or slug.isdigit():
        slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])
    slug = slug[:48].strip("-") or "article"
    return f"{slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:10]}"


def page_key(url: str | None) -> str | None:
    """What makes two links the same page, for its article's id: host in lower case, without
    userinfo, default port, fragment or tracking parameters, http and https alike; None when
    ``url`` is not a web address."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme.lower()]:
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, True) if not TRACKING.fullmatch(k)]
    return urlunsplit(("", host, parts.path or "/", urlencode(query), ""))


def write_article(folder: Path, name: str, text: str) -> bool:
    """Write an article file whole (never half of one for the watcher to read); False when
    the file already holds this text."""
    path = folder / name
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.read_text(encoding="utf-8") == text:
            return False
    part = folder / f".{name}.part"
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)
    return True


def _text(value: Any) -> str:
    return " ".join(html_paragraphs(str(value or "")))


def _entry_date(entry: Any) -> dt.date | None:
    """The entry's date; a date in the future is none (see ``plausible_date``)."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)
        if parsed:
            with contextlib.suppress(ValueError, OverflowError, TypeError):
                when = dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date()
                if plausible_date(when):
                    return when
    return None


def _entry_html(entry: Any) -> str:
    for item in entry.get("content") or []:
        if item.get("value"):
            return str(item["value"])
    return str(entry.get("summary") or entry.get("description") or "")


def entry_version(entry: Any) -> str:
    """What changes when the entry does: its updated time, else a hash of its text."""
    stamp = dict.get(entry, "updated") or ""  # not feedparser's stand-in from "published"
    if stamp:
        return f"updated:{stamp}"
    text = "\n".join((str(entry.get("title") or ""), _entry_html(entry)))
    return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def entry_page(entry: Any, page: Page | None) -> Page | None:
    """The entry as an article: the page's text when there is one, else the entry's own;
    the feed's title, author, date and link win over what the page says of itself."""
    link = str(entry.get("link") or "") or None
    title = _text(entry.get("title")) or (page.title if page else "")
    paragraphs = page.paragraphs if page else html_paragraphs(_entry_html(entry))
    if not title or not paragraphs:
        return None
    tags = [str(t.get("term") or "") for t in entry.get("tags") or []]
    return Page(
        title=title,
        paragraphs=paragraphs,
        url=link or (page.url if page else None),
        author=author_name(_text(entry.get("author"))) or (page.author if page else None),
        date=_entry_date(entry) or (page.date if page else None),
        keywords=tuple(dict.fromkeys([*tags, *(page.keywords if page else ())])),
    )


@dataclass(frozen=True)
class FeedPlan:
    """What the reader is told: the folder articles go to, the feeds, how often each is
    asked (unless it names its own interval), and how many entries one poll takes."""

    folder: Path
    feeds: tuple[Feed, ...]
    interval: float
    max_entries: int

    def every(self, feed: Feed) -> float:
        return feed.interval if feed.interval is not None else self.interval


def feed_plan(settings: Any) -> FeedPlan:
    """The feed reader's orders, from the settings (``bot.runtime.config.Settings``)."""
    corpus = settings.corpus
    return FeedPlan(corpus.folder, corpus.feeds, corpus.feed_interval, settings.web.max_entries)


def sources(opening: Opening) -> list[Source]:
    """The feed reader, when the settings name feeds."""
    if not opening.settings.corpus.feeds:
        return []
    return [FeedReader(feed_plan(opening.settings), opening.memory, opening.fetcher())]


class FeedReader:
    """Polls the configured feeds and writes their entries into the corpus folder."""

    kind = "feed"  # what the documents it polls are called, in logs and front matter
    accepts: frozenset[str] | None = FEED_TYPES

    def __init__(self, plan: FeedPlan, memory: FeedMemory, fetcher: Fetcher) -> None:
        self.plan = plan
        self.store = memory
        self.fetcher = fetcher

    @property
    def folder(self) -> Path:
        return self.plan.folder

    async def poll(self) -> list[Polled]:
        """Every feed once, now (a feed that fails is one log line, and left out)."""
        return [p for p in await self.poll_each() if p is not None]

    async def poll_each(self) -> list[PollResult | None]:
        """Every feed once, now, in the plan's order: None for each that failed."""
        return list(await asyncio.gather(*(self.poll_logged(f) for f in self.plan.feeds)))

    async def run(self) -> None:
        """Poll every feed at its interval until cancelled; one feed's trouble is its own."""
        feeds = self.plan.feeds
        if feeds:
            await asyncio.gather(*(self._keep_polling(feed) for feed in feeds))

    async def _keep_polling(self, feed: Feed) -> None:
        while True:
            try:
                state = await self._state(feed.url)
            except StorageError as exc:
                log.warning(
                    "%s %s: not polled, the database cannot be used: %s", self.kind, feed.url, exc
                )
                await asyncio.sleep(60)
                continue
            wait = state.next_at - time.time()
            if wait > 0:
                await asyncio.sleep(min(wait, 3600.0))
                continue
            await self.poll_logged(feed)

    async def poll_logged(self, feed: Feed) -> PollResult | None:
        """Poll one feed; its failure is one log line naming it, and a later try."""
        try:
            return await self.poll_feed(feed)
        except FetchError as exc:
            await self._failed(feed, exc.reason, exc.retry_after)
            log.warning("%s %s: %s", self.kind, feed.url, exc.reason)
        except StorageError as exc:
            log.warning(
                "%s %s: not polled, the database cannot be used: %s", self.kind, feed.url, exc
            )
            await asyncio.sleep(60)
        except Exception as exc:  # a reader bug must not stop the other feeds
            await self._failed(feed, redact(f"{type(exc).__name__}: {exc}"), None)
            log.exception("%s %s: failed", self.kind, feed.url)
        return None

    async def _state(self, url: str) -> FeedState:
        return await self.store.feed_state(url) or FeedState(url)

    async def _failed(self, feed: Feed, reason: str, retry_after: float | None) -> None:
        with contextlib.suppress(StorageError):
            state = await self._state(feed.url)
            every = self.plan.every(feed)
            backoff = min(every * 2 ** min(state.failures, 16), MAX_BACKOFF_SECONDS)
            wait = max(backoff, retry_after or 0.0)
            await self.store.save_feed_state(
                replace(
                    state,
                    failures=state.failures + 1,
                    next_at=time.time() + wait,
                    error=reason[:500],
                )
            )

    async def poll_feed(self, feed: Feed) -> PollResult:
        """Ask for the feed once; write what is new or changed; returns what was done."""
        state = await self._state(feed.url)
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        limits = self.fetcher.limits
        response = await self.fetcher.get(
            feed.fetch_url, self.accepts, limits.max_feed_bytes, headers
        )
        every = self.plan.every(feed)
        if response.status == 304:
            await self.store.save_feed_state(
                replace(
                    state,
                    next_at=time.time() + every,
                    polls=state.polls + 1,
                    failures=0,
                    error=None,
                )
            )
            return PollResult(feed.url, unchanged=True)
        entries = await self.entries_of(feed, response)
        catalogue = state.polls == 0
        work = await self._entries(feed, entries, catalogue)
        left = work.left_over or work.retry
        await self.store.save_feed_state(
            FeedState(
                feed.url,  # no validators while work is left: a 304 would hide it
                etag=None if left else response.headers.get("etag"),
                last_modified=None if left else response.headers.get("last-modified"),
                next_at=time.time() + every,
                # the back catalogue is every entry of the first poll, however many polls
                # web.max_entries makes of it
                polls=state.polls + (0 if catalogue and work.left_over else 1),
            )
        )
        return PollResult(feed.url, written=work.written, catalogue=catalogue)

    async def entries_of(self, feed: Feed, response: Response) -> list[Any]:
        """The document's entries, newest first as the feed gives them: mappings with an
        ``id``, a ``link``, and what feedparser makes of the rest. FetchError when it is
        no feed at all."""
        import feedparser  # only a bot with feeds needs it

        parsed = feedparser.parse(
            response.body,
            response_headers={
                "content-location": response.url,
                "content-type": response.headers.get("content-type", "application/xml"),
            },
            sanitize_html=True,
            resolve_relative_uris=True,
        )
        if not parsed.get("version") and not parsed.entries:
            problem = parsed.get("bozo_exception")
            why = f" ({str(problem)[:200]})" if problem else ""
            raise FetchError(feed.url, f"is not an RSS or Atom feed{why}", lasting=True)
        problem = parsed.get("bozo_exception")
        if isinstance(problem, xml.sax.SAXException):
            log.warning(
                "%s %s: not well-formed XML (%s); took what could be read",
                self.kind,
                feed.url,
                str(problem)[:200],
            )
        return list(parsed.entries)

    async def _entries(self, feed: Feed, entries: Iterable[Any], catalogue: bool) -> _Work:
        """Write the entries that are new, changed or due another try of their page, at
        most web.max_entries of them."""
        todo = await self._todo(entries)
        limit = self.plan.max_entries
        if len(todo) > limit:
            log.warning(
                "%s %s: %d new or changed entries; %d taken now, the rest at the next poll",
                self.kind,
                feed.url,
                len(todo),
                limit,
            )
        written: list[str] = []
        retry = False
        for key, entry, known in todo[:limit]:
            name, done = await self._entry(feed, key, entry, known, catalogue)
            written += [name] if name else []
            retry = retry or not done
        return _Work(tuple(written), left_over=len(todo) > limit, retry=retry)

    async def _todo(self, entries: Iterable[Any]) -> list[tuple[str, Any, FeedEntry | None]]:
        """The entries with work to do, in the feed's order, with what is known of them."""
        unique: dict[str, Any] = {}
        for entry in entries:
            key = str(entry.get("id") or entry.get("link") or "").strip()
            if key and key not in unique:  # else no way to know it again, or a duplicate
                unique[key] = entry
        known = await self.store.feed_entries(list(unique))  # one ask, however many
        return [
            (key, entry, known.get(key))
            for key, entry in unique.items()
            if key not in known
            or known[key].version != entry_version(entry)
            or not _finished(known[key])
        ]

    async def _entry(
        self, feed: Feed, key: str, entry: Any, known: FeedEntry | None, catalogue: bool
    ) -> tuple[str | None, bool]:
        """Write one entry's article: (the file name if it changed, whether the entry is
        done: its page had, or tried PAGE_ATTEMPTS times, or there is none to try)."""
        version = entry_version(entry)
        attempts = 1 if known is None or known.version != version else known.attempts + 1
        link = str(entry.get("link") or "")
        page = await self._page(feed, link)
        complete = page is not None or not link
        article = entry_page(entry, page)
        name: str | None = None
        article_id = known.article_id if known else ""
        if article is None:
            log.warning(
                "%s %s: entry %s has no text, in the feed or on its page",
                self.kind,
                feed.url,
                redact(key),
            )
        else:
            article_id = article_id or article_id_for(key, article)
            name = await self._write(feed, article_id, article, catalogue)
        await self.store.save_feed_entry(
            FeedEntry(key, feed.url, article_id, version, complete, attempts)
        )
        return name, complete or attempts >= PAGE_ATTEMPTS

    async def _write(
        self, feed: Feed, article_id: str, article: Page, catalogue: bool
    ) -> str | None:
        """Write an entry's article file; its name if it changed."""
        text = article.markdown({self.kind: feed.url})
        if catalogue:  # recorded as seen before the file appears, so never announced
            await self.store.mark_known([(article_id, content_digest(text))])
        name = f"{article_id}.md"
        return name if write_article(self.folder, name, text) else None

    async def _page(self, feed: Feed, link: str) -> Page | None:
        if not link:
            return None
        shown = redact(link)
        try:
            response = await self.fetcher.page(link, configured=feed.fetch_url)
        except FetchError as exc:
            log.warning("feed %s: page %s: %s; using the feed's text", feed.url, shown, exc.reason)
            return None
        page = await asyncio.to_thread(from_html, response.body, response.url)
        if page is None:
            log.warning(
                "feed %s: page %s holds no article text; using the feed's", feed.url, shown
            )
        return page


def _finished(known: FeedEntry) -> bool:
    """Whether an entry's page was had, or tried as often as it will be."""
    return known.complete or known.attempts >= PAGE_ATTEMPTS


@dataclass(frozen=True)
class _Work:
    """What one poll did with a feed's entries, and what it left for the next."""

    written: tuple[str, ...]  # file names written (new or changed articles)
    left_over: bool  # more entries than web.max_entries had work to do
    retry: bool  # an entry's page is to be tried again


def article_id_for(key: str, article: Page) -> str:
    """An article's id: from its link made canonical when it has one (so a page is one
    article whether ``add`` or a feed brought it), else from the entry's key."""
    return article_id(page_key(article.url) or key, article.url, article.title)


class PageSource:
    """One web page, as ``python -m bot add`` takes it: a source whose one round fetches the
    page and writes its article (the file is named by the page's canonical link, so a feed
    that brings the same page later writes the same file)."""

    def __init__(self, url: str, folder: Path, fetcher: Fetcher) -> None:
        self.url, self.folder, self.fetcher = url, folder, fetcher
        self.page: Page | None = None  # the article, once polled

    async def poll(self) -> list[Polled]:
        path, self.page, _ = await add_page(self.url, self.folder, self.fetcher)
        return [Polled(self.url, written=(path.name,))]

    async def run(self) -> None:
        """One round: a page is added once."""
        try:
            await self.poll()
        except FetchError as exc:
            log.warning("page %s: %s", self.url, exc.reason)


async def add_page(url: str, folder: Path, fetcher: Fetcher) -> tuple[Path, Page, bool]:
    """Fetch one web page and write its article into ``folder``: (the file, the article,
    whether the file is new). FetchError says why it could not be."""
    response = await fetcher.page(url)
    page = await asyncio.to_thread(from_html, response.body, response.url)
    if page is None:
        raise FetchError(url, "holds no article text that could be found", lasting=True)
    page = replace(page, url=url)
    path = folder / f"{article_id_for(url, page)}.md"
    new = not path.exists()
    write_article(folder, path.name, page.markdown())
    return path, page, new
