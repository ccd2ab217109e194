"""Fetching from the web: polite (User-Agent, robots.txt, a pause per site, Retry-After),
bounded (time, size as decoded, redirects, HTML only) and kept off other hosts' inner
addresses, against real HTTP servers on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.errors import FetchError
from bot.sources.addresses import public
from bot.sources.web import Fetcher, WebLimits, retry_after
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

    async def test_robots_txt_waits_its_turn_like_any_request(self, site: FakeSite) -> None:
        site.serve("/a", "<p>a</p>")
        async with Fetcher(WebLimits(UA, site_delay_seconds=0.4)) as fetcher:
            await fetcher.page(site.url("/a"))
        robots, page = site.asked("/robots.txt")[0], site.asked("/a")[0]
        assert page.at - robots.at >= 0.35  # the site's pause after robots.txt too

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

    async def test_gzip_inside_gzip_stops_at_the_limit_in_little_memory(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        """64 MiB decoded from a few kilobytes: refused at 200,000 bytes, never held whole."""
        site.serve("/bomb", gzip.compress(_gzipped_zeros(64)), headers=GZIP_TWICE)
        tracemalloc.start()
        try:
            started = time.monotonic()
            error = await refused(fetcher, site.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert "too big" in error.reason and "200,000" in error.reason and error.lasting
        assert time.monotonic() - started < 1.5
        assert peak < 8 * 2**20, f"peak {peak:,} bytes"

    @pytest.mark.parametrize(
        ("encoding", "encode"),
        [
            ("gzip", gzip.compress),
            ("deflate", zlib.compress),
            ("deflate", lambda b: zlib.compress(b, wbits=-15)),  # raw, as some servers send
            ("deflate, gzip", lambda b: gzip.compress(zlib.compress(b))),
            ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
            ("identity", lambda b: b),
        ],
        ids=["gzip", "deflate", "raw-deflate", "deflate-then-gzip", "gzip-twice", "identity"],
    )
    async def test_encodings_are_undone(
        self, site: FakeSite, fetcher: Fetcher, encoding: str, encode: Any
    ) -> None:
        html = b"<p>" + b"the night ferry " * 5000 + b"</p>"
        site.serve("/z", encode(html), headers={"Content-Encoding": encoding})
        assert (await fetcher.page(site.url("/z"))).body == html

    async def test_an_unknown_encoding_is_refused(self, site: FakeSite, fetcher: Fetcher) -> None:
        site.serve("/br", b"\x0b\x02\x80hi\x03", headers={"Content-Encoding": "br"})
        error = await refused(fetcher, site.url("/br"))
        assert error.reason == "is encoded as 'br', which the bot cannot read"

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


GZIP_TWICE = {"Content-Encoding": "gzip, gzip"}


def _gzipped_zeros(mebibytes: int) -> bytes:
    """gzip of ``mebibytes`` MiB of zeros, made a mebibyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(2**20)
    return b"".join([*(packer.compress(zeros) for _ in range(mebibytes)), packer.flush()])


class TestAddresses:
    """Links and redirects reach a non-public address only on the configured URL's host."""

    async def test_a_redirect_to_another_inner_host_is_refused_before_it_is_asked(
        self, site: FakeSite, inner_site: FakeSite, fetcher: Fetcher
    ) -> None:
        inner_site.serve("/admin", "<p>secret</p>")
        site.serve("/r", status=302, headers={"Location": inner_site.url("/admin")})
        error = await refused(fetcher, site.url("/r"))
        assert "127.0.0.2" in error.reason and "non-public" in error.reason and error.lasting
        assert inner_site.requests == []  # not even its robots.txt

    async def test_a_name_is_judged_by_the_address_it_reaches(
        self, site: FakeSite, fetcher: Fetcher
    ) -> None:
        """``localhost`` is no IP address, but it reaches one: another host's inner one."""
        site.serve("/a", "<p>a</p>")
        site.serve("/r", status=302, headers={"Location": f"http://localhost:{site.port}/a"})
        error = await refused(fetcher, site.url("/r"))
        assert "localhost" in error.reason and "127.0.0.1" in error.reason
        assert site.asked("/a") == []

    async def test_the_configured_host_may_be_inner(
        self, inner_site: FakeSite, fetcher: Fetcher
    ) -> None:
        inner_site.serve("/old", status=301, headers={"Location": "/new"})
        inner_site.serve("/new", "<p>moved</p>")
        assert (await fetcher.page(inner_site.url("/old"))).body == b"<p>moved</p>"

    async def test_a_link_of_the_configured_host_may_be_inner(
        self, site: FakeSite, inner_site: FakeSite, fetcher: Fetcher
    ) -> None:
        inner_site.serve("/page", "<p>ok</p>")
        page = await fetcher.page(inner_site.url("/page"), configured=inner_site.url("/feed"))
        assert page.body == b"<p>ok</p>"
        error = await refused_as_link(fetcher, inner_site.url("/page"), site.url("/feed"))
        assert "non-public" in error.reason

    async def test_the_operator_may_allow_every_address(
        self, site: FakeSite, inner_site: FakeSite
    ) -> None:
        inner_site.serve("/admin", "<p>wanted</p>")
        site.serve("/r", status=302, headers={"Location": inner_site.url("/admin")})
        limits = WebLimits(UA, site_delay_seconds=0, allow_private_addresses=True)
        async with Fetcher(limits) as fetcher:
            assert (await fetcher.page(site.url("/r"))).body == b"<p>wanted</p>"

    @pytest.mark.parametrize(
        ("address", "is_public"),
        [
            ("93.184.215.14", True),
            ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
            ("127.0.0.2", False),
            ("10.1.2.3", False),
            ("172.16.0.1", False),
            ("192.168.1.1", False),
            ("169.254.169.254", False),
            ("100.64.0.1", False),
            ("0.0.0.0", False),
            ("224.0.0.1", False),
            ("::1", False),
            ("fe80::1%eth0", False),
            ("fd00::1", False),
            ("::ffff:127.0.0.1", False),
        ],
    )
    def test_what_is_public(self, address: str, is_public: bool) -> None:
        assert public(address) is is_public


async def refused_as_link(fetcher: Fetcher, url: str, configured: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetcher.page(url, configured=configured)
    return caught.value
