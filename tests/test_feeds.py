"""Feeds → articles: RSS and Atom polled from a real HTTP server on 127.0.0.1, pages fetched
and extracted, written once, updated in place, announced once, the back catalogue kept quiet,
and every kind of trouble one log line naming the feed."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.corpus import load_article
from bot.runtime.config import Settings
from bot.runtime.service import Service
from bot.sources.feeds import FeedReader, add_page, article_id, feed_plan
from bot.sources.web import Fetcher
from tests.support.fake_site import FakeSite, article_page, atom, rss
from tests.support.reading import poll

READS = ("corpus.feeds", "/feed.xml")  # the settings and service fixtures (tests.support.reading)

FERRY = [
    "The night ferry to Tromsø carries reindeer cheese and forty passengers again.",
    "The route was closed for three winters while the harbour was rebuilt with new cranes.",
]
ROBOT = [
    "A warehouse in Oslo now sorts parcels with forty robots that never sleep.",
    "The robots were built by a firm in Bergen and cost twelve million kroner.",
]
TRAIN = [
    "The new night train from Oslo to Bodø runs three times a week from March.",
    "Sleeping cars have been refitted with showers and a small dining room.",
]


def item(path: str, title: str, site: FakeSite, **more: str) -> dict[str, str]:
    return {"title": title, "link": site.url(path), "guid": site.url(path), **more}


@pytest.fixture(name="reader")
async def fixture_reader(service: Service) -> AsyncIterator[FeedReader]:
    async with Fetcher(service.settings.web.limits) as fetcher:
        yield FeedReader(feed_plan(service.settings), service.store, fetcher)


def announced(service: Service) -> list[str]:
    return sorted(d.article_id for d in service.storage.due(time.time() + 10**6))


def read(service: Service, name: str) -> Any:
    return load_article(service.settings.corpus.folder / name)


class TestFeeds:
    async def test_rss_entries_become_articles_and_only_news_is_announced(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/ferry", article_page("Night ferries return", FERRY, author="Ola Berg"))
        site.serve("/robots", article_page("Robots sort the parcels", ROBOT))
        feed = [
            item("/ferry", "Night ferries return", site, pubDate="Tue, 24 Nov 2026 08:00:00 GMT"),
            item("/robots", "Robots sort the parcels", site, author="kari@site (Kari Dahl)"),
        ]
        site.serve("/feed.xml", rss(feed), media_type="application/rss+xml", etag='"v1"')
        first = await poll(reader, service)
        assert len(first) == 2 and announced(service) == []  # the back catalogue
        ferry = read(service, next(n for n in first if n.startswith("ferry")))
        assert ferry.title == "Night ferries return" and ferry.author == "Ola Berg"
        assert str(ferry.date) == "2026-11-24" and ferry.url == site.url("/ferry")
        assert [p.text for p in ferry.paragraphs] == FERRY  # no menu, no footer, no title
        answer = service.engine.ask("what does the night ferry carry")
        assert answer.answered and "reindeer cheese" in answer.text

        site.serve("/train", article_page("A night train to Bodø", TRAIN))
        feed.insert(0, item("/train", "A night train to Bodø", site))
        site.serve("/feed.xml", rss(feed), media_type="application/rss+xml", etag='"v2"')
        second = await poll(reader, service)
        assert len(second) == 1 and second[0].startswith("train-")
        assert announced(service) == [second[0][:-3]]
        assert await poll(reader, service) == ()  # unchanged: 304
        assert site.asked("/feed.xml")[-1].headers["If-None-Match"] == '"v2"'
        assert announced(service) == [second[0][:-3]]  # still once
        assert len(site.asked("/ferry")) == 1  # pages are fetched once

    async def test_atom_with_relative_links_and_entities(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/news/ferry", article_page("Ferries", FERRY))
        entries = [
            {
                "title": "Ferries &amp; fjords: the north&#8217;s boats",
                "link": "ferry",
                "id": "urn:uuid:1",
                "updated": "2026-11-20T10:00:00Z",
                "author": "Ola Berg",
            }
        ]
        site.serve(
            "/feed.xml", atom(entries, base=site.url("/news/")), media_type="application/atom+xml"
        )
        (name,) = await poll(reader, service)
        article = read(service, name)
        assert article.title == "Ferries & fjords: the north’s boats"
        assert article.url == site.url("/news/ferry") and len(site.asked("/news/ferry")) == 1
        assert str(article.date) == "2026-11-20" and article.author == "Ola Berg"

    async def test_an_updated_entry_updates_its_article_without_a_second_announcement(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/feed.xml", rss([]), media_type="application/rss+xml")
        await poll(reader, service)  # an empty back catalogue
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        entry = item("/ferry", "Night ferries return", site, description="v1")
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        (name,) = await poll(reader, service)
        assert announced(service) == [name[:-3]]
        site.serve(
            "/ferry", article_page("Night ferries return", [*FERRY, "Tickets cost 300 kroner."])
        )
        entry["description"] = "v2"
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        assert await poll(reader, service) == (name,)  # the same file, rewritten
        assert read(service, name).paragraphs[-1].text == "Tickets cost 300 kroner."
        assert "300 kroner" in service.engine.ask("how much do the ferry tickets cost").text
        assert announced(service) == [name[:-3]]  # announced once (reannounce_changed: no)

    async def test_duplicate_guids_are_one_article(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        twice = [item("/ferry", "Night ferries return", site)] * 2
        site.serve("/feed.xml", rss(twice), media_type="application/rss+xml")
        assert len(await poll(reader, service)) == 1
        assert len(site.asked("/ferry")) == 1

    @pytest.mark.parametrize(
        ("route", "why"),
        [
            ({"delay": 5}, "took longer than 1.5s"),
            ({"endless": True}, "too big"),
            ({"media_type": "application/pdf"}, "is not an HTML page (application/pdf)"),
            ({"status": 302, "headers": {"Location": "/ferry"}}, "redirects in a circle"),
            ({"status": 404}, "the server answered 404 Not Found"),
            ({"status": 500}, "the server answered 500 Internal Server Error"),
        ],
        ids=["slow", "huge", "not-html", "redirect-loop", "404", "500"],
    )
    async def test_a_page_that_cannot_be_had_falls_back_to_the_feeds_text(
        self,
        site: FakeSite,
        reader: FeedReader,
        service: Service,
        caplog: pytest.LogCaptureFixture,
        route: dict[str, Any],
        why: str,
    ) -> None:
        site.serve("/ferry", "<p>x</p>", **route)
        summary = "&lt;p&gt;The night ferry carries &lt;b&gt;reindeer cheese&lt;/b&gt;.&lt;/p&gt;"
        entry = item("/ferry", "Night ferries return", site, description=summary)
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        with caplog.at_level(logging.WARNING, logger="bot.sources.feeds"):
            (name,) = await poll(reader, service)
        article = read(service, name)
        assert [p.text for p in article.paragraphs] == ["The night ferry carries reindeer cheese."]
        (line,) = [r.getMessage() for r in caplog.records]
        assert line.startswith(f"feed {site.url('/feed.xml')}: page ") and why in line

    @pytest.mark.parametrize(
        ("body", "status", "why"),
        [
            ("<html><body>no feed here</body></html>", 200, "is not an RSS or Atom feed"),
            ('<?xml version="1.0"?><rss><channel><item><title>x', 200, "not well-formed XML"),
            ("gone", 404, "the server answered 404 Not Found"),
            ("oops", 500, "the server answered 500 Internal Server Error"),
        ],
        ids=["html", "broken-xml", "404", "500"],
    )
    async def test_a_broken_feed_is_one_line_and_stops_no_other_feed(
        self,
        site: FakeSite,
        reader: FeedReader,
        service: Service,
        caplog: pytest.LogCaptureFixture,
        body: str,
        status: int,
        why: str,
    ) -> None:
        site.serve("/feed.xml", body, status=status, media_type="application/xml")
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        site.serve("/good.xml", rss([item("/ferry", "Night ferries return", site)]))
        with caplog.at_level(logging.WARNING, logger="bot.sources.feeds"):
            assert await poll(reader, service) == ()
            assert len(await poll(reader, service, site.url("/good.xml"))) == 1
        (line,) = [r.getMessage() for r in caplog.records]
        assert line.startswith(f"feed {site.url('/feed.xml')}: ") and why in line
        state = service.storage.feed_state(site.url("/feed.xml"))
        assert state is not None
        if status == 200 and "XML" in why:  # what could be read was read: not a failure
            assert state.failures == 0 and state.polls == 1
        else:
            assert state.failures == 1 and why in (state.error or "")
        assert state.next_at > time.time() + 50  # asked again after the interval or later

    async def test_a_busy_feed_is_asked_again_only_when_it_says(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/feed.xml", "busy", status=503, headers={"Retry-After": "7200"})
        await poll(reader, service)
        state = service.storage.feed_state(site.url("/feed.xml"))
        assert state is not None and state.next_at > time.time() + 7000

    async def test_what_is_learned_survives_a_restart(
        self, site: FakeSite, settings: Settings, service: Service
    ) -> None:
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        feed = [item("/ferry", "Night ferries return", site)]
        site.serve("/feed.xml", rss(feed), media_type="application/rss+xml", etag='"v1"')
        async with Fetcher(settings.web.limits) as fetcher:
            assert (
                len(await poll(FeedReader(feed_plan(settings), service.store, fetcher), service))
                == 1
            )
        async with Fetcher(settings.web.limits) as fetcher:  # a new reader: a restart
            again = FeedReader(feed_plan(settings), service.store, fetcher)
            assert await poll(again, service) == ()
        assert site.asked("/feed.xml")[-1].headers["If-None-Match"] == '"v1"'
        state = service.storage.feed_state(site.url("/feed.xml"))
        assert state is not None and state.polls == 2 and state.next_at > time.time() + 50


class TestWhatWaits:
    """Entries past web.max_entries, and pages that failed, are taken at the next polls,
    though the feed answers 304 Not Modified to a conditional request."""

    async def test_entries_past_the_limit_arrive_at_the_next_polls(
        self, site: FakeSite, service: Service
    ) -> None:
        settings = service.settings.replace(**{"web.max_entries": 2})
        items = []
        for n in range(5):
            site.serve(f"/story{n}", article_page(f"Story number {n}", [*FERRY, f"Part {n}."]))
            items.append(item(f"/story{n}", f"Story number {n}", site))
        site.serve("/feed.xml", rss(items), media_type="application/rss+xml", etag='"v1"')
        async with Fetcher(settings.web.limits) as fetcher:
            reader = FeedReader(feed_plan(settings), service.store, fetcher)
            counts = [len(await poll(reader, service)) for _ in range(4)]
        assert counts == [2, 2, 1, 0]
        asked = [r.headers.get("If-None-Match") for r in site.asked("/feed.xml")]
        assert asked == [None, None, None, '"v1"']  # conditional once nothing waits
        assert all(len(site.asked(f"/story{n}")) == 1 for n in range(5))
        assert announced(service) == []  # all five are the back catalogue

    async def test_a_failed_page_is_tried_at_the_next_two_polls(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/ferry", "down", status=500)
        entry = item("/ferry", "Night ferries return", site, description="The feed's text.")
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml", etag='"v1"')
        (name,) = await poll(reader, service)
        assert [p.text for p in read(service, name).paragraphs] == ["The feed's text."]
        await poll(reader, service)  # tried again, still down
        site.serve("/ferry", article_page("Night ferries return", FERRY))
        assert await poll(reader, service) == (name,)  # the third try has it
        assert [p.text for p in read(service, name).paragraphs] == FERRY
        await poll(reader, service)
        assert len(site.asked("/ferry")) == 3
        asked = [r.headers.get("If-None-Match") for r in site.asked("/feed.xml")]
        assert asked == [None, None, None, '"v1"']

    async def test_a_page_is_given_up_after_three_tries(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/ferry", "gone", status=404)
        entry = item("/ferry", "Night ferries return", site, description="The feed's text.")
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml", etag='"v1"')
        for _ in range(5):
            await poll(reader, service)
        assert len(site.asked("/ferry")) == 3
        assert [r.headers.get("If-None-Match") for r in site.asked("/feed.xml")][-2:] == [
            '"v1"',
            '"v1"',
        ]


class TestWhatIsWritten:
    async def test_a_date_in_the_future_is_no_date(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        """Year 9999 in the feed, 2400 years ahead on the page: neither tops /latest."""
        page = article_page("Night ferries return", FERRY, date="4426-11-24")
        site.serve("/ferry", page)
        entry = item("/ferry", "Night ferries return", site, pubDate=FAR_AHEAD)
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        (name,) = await poll(reader, service)
        assert read(service, name).date is None
        assert service.engine.articles[0].id != name[:-3]  # not the latest

    async def test_a_future_feed_date_gives_way_to_the_pages(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/ferry", article_page("Night ferries", FERRY, date="2026-11-20"))
        entry = item("/ferry", "Night ferries return", site, pubDate=FAR_AHEAD)
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        (name,) = await poll(reader, service)
        assert str(read(service, name).date) == "2026-11-20"

    async def test_an_rss_author_is_cited_by_name_never_by_address(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        site.serve("/robots", article_page("Robots sort the parcels", ROBOT))
        entry = item(
            "/robots",
            "Robots sort the parcels",
            site,
            author="marta@example.org (Marta Lindqvist)",
        )
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        (name,) = await poll(reader, service)
        assert read(service, name).author == "Marta Lindqvist"
        text = (service.settings.corpus.folder / name).read_text(encoding="utf-8")
        assert "marta@" not in text and "example.org" not in text
        answer = service.engine.ask("who wrote about the robots that sort parcels?")
        assert answer.answered and "Marta Lindqvist" in answer.text
        assert "example.org" not in answer.text

    async def test_a_page_added_and_then_met_in_a_feed_is_one_article(
        self, site: FakeSite, reader: FeedReader, service: Service
    ) -> None:
        folder = service.settings.corpus.folder
        site.serve("/news/ferry", article_page("Night ferries return", FERRY))
        async with Fetcher(service.settings.web.limits) as fetcher:
            path, _, new = await add_page(site.url("/news/ferry"), folder, fetcher)
        assert new
        tracked = "/news/ferry?utm_source=rss&utm_medium=feed"
        site.serve(tracked, article_page("Night ferries return", FERRY))
        entry = {"title": "Night ferries", "link": site.url(f"{tracked}#top"), "guid": "urn:x:1"}
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        assert await poll(reader, service) == (path.name,)  # the same file, the feed's title
        assert sorted(p.name for p in folder.glob("ferry-*")) == [path.name]
        assert read(service, path.name).title == "Night ferries"


FAR_AHEAD = "Fri, 31 Dec 9999 00:00:00 GMT"


class TestInnerAddresses:
    """An entry's link reaches a non-public address only on the feed's own host."""

    async def test_links_to_other_inner_hosts_are_not_fetched(
        self,
        site: FakeSite,
        inner_site: FakeSite,
        reader: FeedReader,
        service: Service,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        inner_site.serve("/admin", article_page("Admin", ["The database password is swordfish."]))
        site.serve("/ferry", article_page("Night ferries", FERRY))
        site.serve("/hop", status=302, headers={"Location": inner_site.url("/admin")})
        entries = [
            {"title": "Inner", "link": inner_site.url("/admin"), "description": "Feed text."},
            {"title": "Hop", "link": site.url("/hop"), "description": "Hop text."},
            {"title": "Named", "link": f"http://localhost:{site.port}/ferry", "description": "N."},
        ]
        site.serve("/feed.xml", rss(entries), media_type="application/rss+xml")
        with caplog.at_level(logging.WARNING, logger="bot.sources.feeds"):
            names = await poll(reader, service)
        assert len(names) == 3 and inner_site.requests == [] and site.asked("/ferry") == []
        texts = [p.text for n in names for p in read(service, n).paragraphs]
        assert sorted(texts) == ["Feed text.", "Hop text.", "N."]
        assert not service.engine.ask("what is the database password?").answered
        lines = [r.getMessage() for r in caplog.records]
        assert len(lines) == 3 and all("non-public" in line for line in lines)

    async def test_the_operator_may_allow_them(
        self, site: FakeSite, inner_site: FakeSite, service: Service
    ) -> None:
        settings = service.settings.replace(**{"web.allow_private_addresses": True})
        inner_site.serve("/ferry", article_page("Night ferries", FERRY))
        entry = {"title": "Night ferries", "link": inner_site.url("/ferry"), "description": "x"}
        site.serve("/feed.xml", rss([entry]), media_type="application/rss+xml")
        async with Fetcher(settings.web.limits) as fetcher:
            (name,) = await poll(FeedReader(feed_plan(settings), service.store, fetcher), service)
        assert [p.text for p in read(service, name).paragraphs] == FERRY


class TestIds:
    def test_an_id_is_stable_readable_and_safe(self) -> None:
        one = article_id("guid-1", "https://site/news/2026/night-ferries.html", "Anything")
        assert one == article_id("guid-1", "https://site/news/2026/night-ferries.html", "Else")
        assert one.startswith("night-ferries-") and len(one) == len("night-ferries-") + 10
        assert article_id("guid-2", "https://site/?p=123", "Ferries: back!").startswith(
            "ferries-back-"
        )
        odd = article_id("k", "https://site/../../etc/passwd", "/../x")
        assert "/" not in odd and not odd.startswith(".")


async def cli(cwd: Path, *argv: str) -> tuple[int, str, str]:
    """``python -m bot …`` as a separate process (the test's site keeps serving meanwhile),
    with a config of its own in ``cwd`` (else the checkout's would be read, and its data
    folder written)."""
    config = cwd / "config" / "bot.yaml"
    if not config.exists():
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("storage: {path: ../data/bot.sqlite3}\n", encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *argv,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return int(proc.returncode or 0), out.decode(), err.decode()


class TestAddCommand:
    async def test_a_page_added_is_answered_with_its_citation(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        (tmp_path / "corpus").mkdir()
        page = article_page(
            "Robots sort the parcels", ROBOT, author="Kari Dahl", date="2026-11-20"
        )
        site.serve("/story", page)
        code, out, err = await cli(tmp_path, "add", site.url("/story"), "--corpus", "corpus")
        assert code == 0, err
        assert out.startswith("added “Robots sort the parcels” (2 paragraphs) as ")
        question = "who built the robots that sort parcels?"
        code, out, err = await cli(tmp_path, "ask", "--json", "--corpus", "corpus", question)
        answer = json.loads(out)
        assert code == 0 and answer["answered"] and "Bergen" in answer["answer"], err
        cite = answer["citations"][0]
        assert (cite["url"], cite["author"], cite["date"]) == (
            site.url("/story"),
            "Kari Dahl",
            "2026-11-20",
        )
        code, out, _ = await cli(tmp_path, "add", site.url("/story"), "--corpus", "corpus")
        assert code == 0 and out.startswith("unchanged: "), out  # the same page again
        assert len(list((tmp_path / "corpus").iterdir())) == 1

    @pytest.mark.parametrize(
        ("route", "why"),
        [
            ({"media_type": "application/pdf"}, "is not an HTML page (application/pdf)"),
            ({"status": 404}, "the server answered 404 Not Found"),
            (
                {"body": "<html><body><nav>Home</nav></body></html>"},
                "holds no article text that could be found",
            ),
        ],
        ids=["pdf", "404", "no-text"],
    )
    async def test_add_says_why_a_page_cannot_be_added(
        self, site: FakeSite, tmp_path: Path, route: dict[str, Any], why: str
    ) -> None:
        (tmp_path / "corpus").mkdir()
        site.serve("/x", **route)
        code, out, err = await cli(tmp_path, "add", site.url("/x"), "--corpus", "corpus")
        assert code == 2 and out == ""
        assert err.strip() == f"error: {site.url('/x')}: {why}"
        assert not list((tmp_path / "corpus").iterdir())


class TestCredentials:
    async def test_a_feeds_credentials_are_used_and_never_shown(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        """Not in ``poll``'s output, not in its log lines, not in an article's front matter."""
        (tmp_path / "corpus").mkdir()
        feed = f"http://reader:hunter2@127.0.0.1:{site.port}/feed.xml?token=s3cret"
        link = site.url("/ferry?access_token=t0ken")
        entry = {"title": "Night ferries", "link": link, "description": "Ferries run again."}
        site.serve("/feed.xml?token=s3cret", rss([entry]), media_type="application/rss+xml")
        site.serve("/ferry?access_token=t0ken", "gone", status=404)  # a log line naming it
        (tmp_path / "bot.yaml").write_text(
            f"corpus:\n  folder: corpus\n  feeds: ['{feed}']\n"
            "storage:\n  path: data/bot.sqlite3\n"
            "web:\n  site_delay_seconds: 0\n  timeout_seconds: 5\n",
            encoding="utf-8",
        )
        code, out, err = await cli(tmp_path, "poll", "--config", "bot.yaml")
        assert code == 0, err
        assert site.asked("/feed.xml?token=s3cret")[0].headers["Authorization"].startswith("Basic")
        (article,) = (tmp_path / "corpus").iterdir()
        written = article.read_text(encoding="utf-8")
        shown = f"http://***@127.0.0.1:{site.port}/feed.xml?token=***"
        assert out.startswith(f"{shown}: 1 new or changed article written")
        assert f"feed {shown}: page {site.url('/ferry?access_token=***')}" in err
        assert f"feed: {shown}" in written and "access_token=***" in written
        for secret in ("hunter2", "s3cret", "t0ken"):
            assert secret not in out + err + written
