"""Fetching from the web: polite (User-Agent, robots.txt, a pause per site, Retry-After) and
bounded (time, size, redirects, HTML only), against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.errors import FetchError
from bot.web import Fetcher, WebLimits, retry_after
from tests.support.fake_site import FakeSite

UA = "corpus-bot/test (+tests)"


@pytest.fixture(name="fetcher")
async def fixture_fetcher() -> AsyncIterator[Fetcher]:
    limits = WebLimits(UA, timeout_seconds=1.5, max_page_bytes=200_000, site_delay_seconds=0)
    async with Fetcher(limits) as fetcher:
        yield fetcher


async def refused(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.page(url)
    return caught.value


class TestPolite:
    async def test_names_itself_and_asks_robots_txt_first(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/a", "<p>hello</p>")
        response = await fetcher.page(site.url("/a"))
        assert response.body == b"<p>hello</p>" and response.status == 200
        assert [r.path for r in site.requests] == ["/robots.txt", "/a"]
        assert all(r.headers["User-Agent"] == UA for r in site.requests)
        await fetcher.page(site.url("/a"))
        assert len(site.asked("/robots.txt")) == 1  # kept, not asked each time

    async def test_robots_txt_that_disallows_is_obeyed(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        robots = "User-agent: corpus-bot\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n"
        site.serve("/robots.txt", robots, media_type="text/plain")
        site.serve("/private/x", "<p>secret</p>")
        site.serve("/public", "<p>open</p>")
        error = await refused(fetcher, site.url("/private/x"))
        assert "robots.txt" in error.reason and error.lasting
        assert not site.asked("/private/x")
        assert (await fetcher.page(site.url("/public"))).body == b"<p>open</p>"

    async def test_a_robots_txt_that_cannot_be_read_allows_nothing_for_now(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/robots.txt", "down", status=500, media_type="text/plain")
        site.serve("/a", "<p>hello</p>")
        error = await refused(fetcher, site.url("/a"))
        assert "robots.txt cannot be read" in error.reason and not error.lasting
        assert not site.asked("/a")

    async def test_a_busy_site_is_left_alone_as_long_as_it_asks(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/a", "slow down", status=429, headers={"Retry-After": "120"})
        error = await refused(fetcher, site.url("/a"))
        assert error.retry_after == 120 and "busy" in error.reason
        again = await refused(fetcher, site.url("/a"))  # not even asked
        assert again.retry_after is not None and 100 < again.retry_after <= 120
        assert len(site.asked("/a")) == 1

    async def test_one_site_gets_a_pause_between_requests(self, site: FakeSite) -> None:
        site.serve("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", media_type="text/plain")
        site.serve("/a", "<p>a</p>")
        site.serve("/b", "<p>b</p>")
        async with Fetcher(WebLimits(UA, site_delay_seconds=0.2)) as fetcher:
            await fetcher.page(site.url("/a"))
            started = time.monotonic()
            await fetcher.page(site.url("/b"))
        assert time.monotonic() - started >= 0.9  # the site's Crawl-delay, longer than ours

    @pytest.mark.parametrize(
        ("header", "seconds"),
        [("30", 30.0), ("", 120.0), ("soon", 120.0), ("999999999", 86400.0), ("0", 1.0)],
        ids=["seconds", "missing", "nonsense", "capped", "at-least-one"],
    )
    def test_retry_after_is_read_within_bounds(self, header: str, seconds: float) -> None:
        assert retry_after(header) == seconds

    def test_retry_after_as_a_date(self) -> None:
        assert retry_after("Wed, 25 Nov 2026 10:01:00 GMT", now=1795600800.0) == 60.0


class TestBounded:
    async def test_a_page_must_be_html(self, site: FakeSite, fetcher: Fetcher) -> None:
        site.serve("/doc.pdf", b"%PDF-1.7", media_type="application/pdf")
        error = await refused(fetcher, site.url("/doc.pdf"))
        assert error.reason == "is not an HTML page (application/pdf)" and error.lasting

    async def test_a_huge_page_is_not_read_to_its_end(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/huge", endless=True)
        started = time.monotonic()
        error = await refused(fetcher, site.url("/huge"))
        assert "too big" in error.reason and "200,000" in error.reason
        assert time.monotonic() - started < 1.5  # stopped at the limit, not at the timeout

    async def test_a_page_announced_as_too_big_is_not_read(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/big", "x" * 300_000)
        error = await refused(fetcher, site.url("/big"))
        assert "300,000 bytes" in error.reason

    async def test_a_slow_page_times_out(self, site: FakeSite, fetcher: Fetcher) -> None:
        site.serve("/slow", "<p>late</p>", delay=5)
        error = await refused(fetcher, site.url("/slow"))
        assert error.reason == "took longer than 1.5s" and not error.lasting

    async def test_redirects_are_followed_and_their_targets_checked(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        site.serve("/old", status=301, headers={"Location": "/new"})
        site.serve("/new", "<p>moved</p>")
        response = await fetcher.page(site.url("/old"))
        assert response.url == site.url("/new") and response.body == b"<p>moved</p>"

    async def test_a_redirect_loop_ends(self, site: FakeSite, fetcher: Fetcher) -> None:
        site.serve("/a", status=302, headers={"Location": "/b"})
        site.serve("/b", status=302, headers={"Location": "/a"})
        error = await refused(fetcher, site.url("/a"))
        assert error.reason == "redirects in a circle" and error.lasting

    async def test_too_many_redirects_end(self, site: FakeSite, fetcher: Fetcher) -> None:
        for n in range(10):
            site.serve(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
        error = await refused(fetcher, site.url("/r0"))
        assert error.reason == "too many redirects (more than 5)"
        assert len([r for r in site.requests if r.path[:2] == "/r" and r.path[2:].isdigit()]) == 6

    @pytest.mark.parametrize(("status", "lasting"), [(404, True), (410, True), (500, False)])
    async def test_errors_say_what_the_server_answered(
        self, site: FakeSite, fetcher: Fetcher, status: int, lasting: bool
    ) -> None:
        site.serve("/x", "no", status=status)
        error = await refused(fetcher, site.url("/x"))
        assert error.reason.startswith(f"the server answered {status}")
        assert error.lasting is lasting

    async def test_an_unreachable_site_is_a_clear_error(self, fetcher: Fetcher) -> None:
        error = await refused(fetcher, "http://127.0.0.1:9/nothing")
        assert "cannot be read" in error.reason or "cannot be reached" in error.reason

    async def test_only_web_addresses(self, fetcher: Fetcher) -> None:
        error = await refused(fetcher, "file:///etc/passwd")
        assert error.reason == "is not an http or https address"
