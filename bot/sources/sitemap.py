"""Sitemaps → article files: each page a site's sitemap lists becomes an article.

A site without a feed usually still has a sitemap (``/sitemap.xml``, named in its robots.txt).
Each one named in ``corpus.sitemaps`` is read as the feed reader reads a feed, and with its
machinery: a conditional request at its own interval, each listed page fetched and its
article extracted, at most ``web.max_entries`` pages a poll (those changed most recently
first, by their ``lastmod``), a page that changes (a new ``lastmod``) written again, and the
pages listed at the first poll taken as the site's back catalogue, added but never
announced. A sitemap index is followed one level down, its newest sitemaps first.

Only what a sitemap needs is read: no document type declarations or entities (a sitemap has
none, a hostile one would), at most ``MAX_CHILD_SITEMAPS`` sitemaps from an index, and a
gzipped sitemap no larger unpacked than ``web.max_feed_bytes``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import xml.etree.ElementTree as ElementTree
import zlib
from typing import Any

from bot.core.errors import FetchError
from bot.core.records import Feed
from bot.sources import Opening, Source
from bot.sources.feeds import FeedPlan, FeedReader
from bot.sources.web import Response

log = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 50  # sitemaps read from one index in one poll
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def sources(opening: Opening) -> list[Source]:
    """The sitemap reader, when the settings name sitemaps."""
    settings = opening.settings
    corpus = settings.corpus
    if not corpus.sitemaps:
        return []
    plan = FeedPlan(
        corpus.folder, corpus.sitemaps, corpus.sitemap_interval, settings.web.max_entries
    )
    return [SitemapReader(plan, opening.memory, opening.fetcher())]


class SitemapReader(FeedReader):
    """Polls the configured sitemaps and writes the pages they list into the corpus folder."""

    kind = "sitemap"

    async def entries_of(self, feed: Feed, response: Response) -> list[Any]:
        """The pages the sitemap lists (an index: the pages of its sitemaps), most recently
        changed first; FetchError when it is no sitemap."""
        limit = self.fetcher.limits.max_feed_bytes
        kind, items = await asyncio.to_thread(parse, response.body, feed.url, limit)
        if kind == "sitemapindex":
            return await self._children(feed, items)
        return newest_first(items)

    async def _children(self, feed: Feed, sitemaps: list[dict[str, str]]) -> list[Any]:
        """The pages listed by an index's sitemaps, newest sitemaps first; one that cannot
        be read is one log line."""
        limit = self.fetcher.limits.max_feed_bytes
        pages: list[dict[str, str]] = []
        for child in newest_first(sitemaps)[:MAX_CHILD_SITEMAPS]:
            url = child["link"]
            try:
                response = await self.fetcher.get(url, self.accepts, limit)
                kind, items = await asyncio.to_thread(parse, response.body, url, limit)
            except FetchError as exc:
                log.warning("sitemap %s: its sitemap %s: %s", feed.url, url, exc.reason)
                continue
            if kind == "urlset":
                pages += items
        return newest_first(pages)


def parse(body: bytes, url: str, limit: int) -> tuple[str, list[dict[str, str]]]:
    """A sitemap's kind (``urlset`` or ``sitemapindex``) and its entries: each a mapping
    with ``id`` and ``link`` (the ``loc``) and, when given, ``updated`` (the ``lastmod``).
    FetchError names what is wrong with a document that is no sitemap."""
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz
        unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = unpack.decompress(body, limit + 1)
        except zlib.error as exc:
            raise FetchError(url, f"is a broken gzip file ({exc})", lasting=True) from exc
        if len(body) > limit:
            raise FetchError(url, f"unpacks to more than {limit} bytes", lasting=True)
    if DECLARATION.search(body[:4096]):
        raise FetchError(
            url, "declares a document type or entities; no sitemap does", lasting=True
        )
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        reason = f"is not a sitemap: not well-formed XML ({exc})"
        raise FetchError(url, reason, lasting=True) from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise FetchError(url, f"is not a sitemap (its XML is a <{kind}>)", lasting=True)
    entries: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in root:
        fields = {_local(part.tag): (part.text or "").strip() for part in item}
        loc = fields.get("loc", "")
        if not loc.startswith(("http://", "https://")) or loc in seen:
            continue
        seen.add(loc)
        entry = {"id": loc, "link": loc}
        if fields.get("lastmod"):
            entry["updated"] = fields["lastmod"]
        entries.append(entry)
    return kind, entries


def newest_first(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """Entries by their ``lastmod``, the most recent first, those without one after them
    in the sitemap's order (W3C dates and times sort as text once cut to the same form)."""
    return sorted(entries, key=lambda e: e.get("updated", ""), reverse=True)


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]
