"""Sitemaps → articles: a sitemap (or an index of them) served on 127.0.0.1, each page it
lists fetched and written once, the pages of the first poll kept quiet as the back
catalogue, a page written again when its lastmod changes, and a document that is no
sitemap (or a hostile one) one log line naming it, with nothing lost."""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections.abc import AsyncIterator, Mapping

import pytest

from bot.runtime import operations
from bot.runtime.background import Runtime
from bot.runtime.config import Settings
from bot.runtime.service import Service
from bot.sources import Opening, Rescanned, opened
from bot.sources.feeds import FeedReader
from bot.sources.sitemap import SitemapReader
from bot.sources.watcher import FolderWatcher
from bot.sources.web import Fetcher
from tests.support.fake_site import FakeSite, article_page
from tests.support.reading import poll

READS = (
    "corpus.sitemaps",
    "/sitemap.xml",
)  # the settings and service fixtures (tests.support.reading)

PAGES = {
    "/news/ferry": ("Night ferries return", ["The ferry to Tromsø carries reindeer cheese."]),
    "/news/robots": ("Robots sort parcels", ["A warehouse in Oslo sorts parcels with robots."]),
    "/news/train": ("A new night train", ["The night train to Bodø runs three times a week."]),
}
XMLNS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(site: FakeSite, pages: Mapping[str, str | None]) -> str:
    """A sitemap listing ``pages`` (path → lastmod or None)."""
    items = "".join(
        f"<url><loc>{site.url(path)}</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</url>"
        for path, lastmod in pages.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {XMLNS}>{items}</urlset>'


def serve_pages(site: FakeSite) -> None:
    for path, (title, paragraphs) in PAGES.items():
        site.serve(path, article_page(title, paragraphs))


@pytest.fixture(name="reader")
async def fixture_reader(service: Service) -> AsyncIterator[SitemapReader]:
    async with Fetcher(service.settings.web.limits) as fetcher:
        (reader,) = [s for s in opened(Opening(service.settings, service.store, lambda: fetcher))]
        assert isinstance(reader, SitemapReader)
        yield reader


def titles(service: Service) -> set[str]:
    return {a.title for a in service.engine.articles}


def announced(service: Service) -> list[str]:
    return sorted(d.article_id for d in service.storage.due(time.time() + 10**6))


class TestSitemaps:
    async def test_listed_pages_become_articles_and_only_new_ones_are_announced(
        self, site: FakeSite, reader: SitemapReader, service: Service
    ) -> None:
        """The first poll's pages are the site's back catalogue: added, not announced; a
        page listed later is news. Unchanged pages are not fetched again."""
        serve_pages(site)
        listed = {"/news/ferry": "2026-11-01", "/news/robots": "2026-11-20"}
        site.serve("/sitemap.xml", urlset(site, listed), media_type="application/xml")
        assert len(await poll(reader, service)) == 2
        assert {"Night ferries return", "Robots sort parcels"} <= titles(service)
        assert announced(service) == []
        (ferry,) = service.settings.corpus.folder.glob("ferry-*.md")
        assert f"sitemap: {site.url('/sitemap.xml')}" in ferry.read_text("utf-8")

        listed["/news/train"] = "2026-11-29"
        site.serve("/sitemap.xml", urlset(site, listed), media_type="application/xml")
        (name,) = await poll(reader, service)
        assert "A new night train" in titles(service)
        assert announced(service) == [name.removesuffix(".md")]
        assert len(site.asked("/news/ferry")) == 1  # its lastmod did not change

    async def test_a_page_whose_lastmod_changes_is_written_again(
        self, site: FakeSite, reader: SitemapReader, service: Service
    ) -> None:
        serve_pages(site)
        site.serve(
            "/sitemap.xml", urlset(site, {"/news/ferry": "2026-11-01"}), media_type="text/xml"
        )
        (name,) = await poll(reader, service)
        site.serve("/news/ferry", article_page("Night ferries return", ["Now with a sauna."]))
        site.serve(
            "/sitemap.xml", urlset(site, {"/news/ferry": "2026-11-30"}), media_type="text/xml"
        )
        assert await poll(reader, service) == (name,)
        assert "sauna" in (service.settings.corpus.folder / name).read_text("utf-8")

    async def test_an_index_is_followed_and_the_newest_pages_come_first(
        self, site: FakeSite, reader: SitemapReader, service: Service, settings: Settings
    ) -> None:
        """A sitemap index names sitemaps (one of them gzipped); with web.max_entries
        pages a poll, the most recently changed are taken first and the rest next time."""
        serve_pages(site)
        site.serve(
            "/a.xml", urlset(site, {"/news/ferry": "2026-01-01"}), media_type="application/xml"
        )
        packed = gzip.compress(
            urlset(site, {"/news/robots": "2026-11-20", "/news/train": "2026-11-29"}).encode()
        )
        site.serve("/b.xml.gz", packed, media_type="application/x-gzip")
        site.serve(
            "/sitemap.xml",
            f"<sitemapindex {XMLNS}><sitemap><loc>{site.url('/a.xml')}</loc></sitemap>"
            f"<sitemap><loc>{site.url('/b.xml.gz')}</loc></sitemap>"
            f"<sitemap><loc>{site.url('/missing.xml')}</loc></sitemap></sitemapindex>",
            media_type="application/xml",
        )
        two = SitemapReader(
            type(reader.plan)(settings.corpus.folder, reader.plan.feeds, 3600, 2),
            service.store,
            reader.fetcher,
        )
        await poll(two, service)
        assert {"A new night train", "Robots sort parcels"} <= titles(service)
        assert "Night ferries return" not in titles(service)
        await poll(two, service)
        assert "Night ferries return" in titles(service)
        assert announced(service) == []  # all of it the back catalogue

    async def test_a_large_sitemap_is_asked_of_the_store_once_a_poll(
        self, site: FakeSite, reader: SitemapReader, service: Service
    ) -> None:
        """5,000 pages listed: what is known of them is one question to the store, and a
        poll fetches only web.max_entries of them (the most recent first)."""
        listed = {f"/p/{n}": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(5000)}
        site.serve("/sitemap.xml", urlset(site, listed), media_type="application/xml")
        asked: list[int] = []
        store = reader.store

        class Counting:
            async def feed_entries(self, keys: list[str]) -> object:
                asked.append(len(keys))
                return await store.feed_entries(keys)

            def __getattr__(self, name: str) -> object:
                return getattr(store, name)

        reader.store = Counting()  # type: ignore[assignment]
        await poll(reader, service)
        assert asked == [5000]
        pages = [r.path for r in site.requests if r.path.startswith("/p/")]
        assert len(pages) == service.settings.web.max_entries
        assert all(listed[p].startswith("2026-12") for p in pages)  # the newest first

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ("<html><body><p>Not a sitemap</p></body></html>", "is not a sitemap"),
            ("<urlset><url><loc>http://a.example/</loc>", "not well-formed XML"),
            (
                '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]>'
                "<urlset><url><loc>&a;</loc></url></urlset>",
                "declares a document type",
            ),
        ],
        ids=["html", "broken", "entities"],
    )
    async def test_what_is_no_sitemap_is_one_log_line_and_loses_nothing(
        self,
        site: FakeSite,
        reader: SitemapReader,
        service: Service,
        caplog: pytest.LogCaptureFixture,
        body: str,
        reason: str,
    ) -> None:
        before = titles(service)
        site.serve("/sitemap.xml", body, media_type="application/xml")
        with caplog.at_level(logging.WARNING):
            assert await poll(reader, service) == ()
        (line,) = [r.getMessage() for r in caplog.records if reason in r.getMessage()]
        assert line.startswith(f"sitemap {site.url('/sitemap.xml')}:")
        assert titles(service) == before
        state = service.storage.feed_state(site.url("/sitemap.xml"))
        assert state is not None and state.failures == 1 and reason in (state.error or "")


class TestFoundByTheRuntime:
    """A source kind is one module of ``bot.sources``: nothing else names it."""

    def test_the_runtime_runs_every_source_the_settings_name(
        self, settings: Settings, site: FakeSite
    ) -> None:
        settings = settings.replace(**{"corpus.feeds": [site.url("/feed.xml")]})

        async def rescan(names: set[str] | None) -> Rescanned:
            raise AssertionError("not run here")

        with Service.open(settings, semantic=False) as service:
            kinds = {type(source) for source in Runtime(service).sources(rescan)}
        assert kinds == {FolderWatcher, FeedReader, SitemapReader}

    def test_nothing_is_watched_without_a_rescan(self, settings: Settings) -> None:
        found = opened(Opening(settings, None, lambda: None))  # type: ignore[arg-type, return-value]
        assert [type(s) for s in found] == [SitemapReader]

    async def test_poll_reports_each_sitemap(self, site: FakeSite, settings: Settings) -> None:
        serve_pages(site)
        site.serve("/sitemap.xml", urlset(site, {"/news/ferry": None}), media_type="text/xml")
        (report,) = await asyncio.to_thread(operations.poll_once, settings)
        assert report == (
            site.url("/sitemap.xml"),
            "1 new or changed article written (its back catalogue: not announced)",
            True,
        )
