"""Polite, bounded fetching of feeds and web pages over HTTP.

Every request names the bot in its User-Agent and is first checked against the site's
robots.txt (kept for a day). One request at a time goes to a site, robots.txt's included,
with a pause between them (the site's Crawl-delay when that is longer). An exchange has one
deadline for the whole of it, a body is read only up to a size limit (counted as it is
decompressed, so gzip inside gzip cannot balloon), redirects are followed one at a time (each
checked against robots.txt, at most ``max_redirects``, never in a circle), a non-public
address is reached only on the configured URL's own host (``bot.sources.addresses``), and a
page must say it is HTML. A site that answers 429 or 503 is left alone for as long as its
Retry-After asks. Anything that goes wrong is a FetchError whose reason a person can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import os
import socket
import time
import urllib.robotparser
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from bot.core.errors import FetchError
from bot.sources.addresses import PrivateAddress, checked_transport, home

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
ROBOTS_MAX_BYTES = 512_000
ROBOTS_KEEP_SECONDS = 24 * 3600.0
ROBOTS_RETRY_SECONDS = 600.0  # a robots.txt that could not be read is asked again this soon
MAX_CRAWL_DELAY = 30.0
DEFAULT_RETRY_AFTER = 120.0
MAX_RETRY_AFTER = 24 * 3600.0
REDIRECTS = frozenset({301, 302, 303, 307, 308})
LASTING = frozenset({400, 401, 403, 404, 405, 406, 410, 451})
ACCEPT_ENCODING = "gzip, deflate"  # what _Decoded undoes; nothing else is asked for
MAX_ENCODINGS = 3  # Content-Encoding steps in one body
DECODE_STEP = 65_536  # the most one decompression step yields at a time


@dataclass(frozen=True)
class WebLimits:
    """How the bot behaves on the web (the ``web`` config section)."""

    user_agent: str
    timeout_seconds: float = 20.0
    max_page_bytes: int = 3_000_000
    max_feed_bytes: int = 5_000_000
    max_redirects: int = 5
    site_delay_seconds: float = 1.0
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class Response:
    url: str  # where the body came from, after redirects
    status: int  # 200 (or another 2xx), or 304 for an unchanged feed
    headers: httpx.Headers
    body: bytes

    @property
    def media_type(self) -> str:
        return media_type(self.headers)


def media_type(headers: httpx.Headers) -> str:
    return str(headers.get("content-type", "")).split(";")[0].strip().lower()


def retry_after(value: str | None, now: float | None = None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), within bounds."""
    now = time.time() if now is None else now
    seconds = DEFAULT_RETRY_AFTER
    if value:
        value = value.strip()
        if value.isdigit():
            seconds = float(value)
        else:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - now
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)


@dataclass
class _Site:
    """What is known of one site (scheme and host): its robots.txt and when it may be asked
    again."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_until: float = 0.0  # when robots.txt is asked again
    robots_error: str | None = None  # why robots.txt could not be read (then nothing is)
    next_at: float = 0.0  # the pause between requests
    held_until: float = 0.0  # what a 429 or 503 asked for


class Fetcher:
    """The one way the bot fetches from the web (see the module's docstring)."""

    def __init__(self, limits: WebLimits, transport: httpx.AsyncBaseTransport | None = None):
        self.limits = limits
        self._client = httpx.AsyncClient(
            headers={"User-Agent": limits.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=limits.timeout_seconds,
            follow_redirects=False,
            transport=transport or checked_transport(limits.allow_private_addresses),
        )
        self._sites: dict[str, _Site] = {}

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def page(self, url: str, configured: str | None = None) -> Response:
        """An HTML page; ``configured`` as in ``get``."""
        return await self.get(url, HTML_TYPES, self.limits.max_page_bytes, configured=configured)

    async def get(
        self,
        url: str,
        types: frozenset[str] | None,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        *,
        configured: str | None = None,
    ) -> Response:
        """GET ``url`` (of one of the media ``types``, any if None), following redirects.
        ``configured`` is the URL the operator gave (a feed's, for its entries' pages; by
        default ``url`` itself): only its host may be at a non-public address."""
        try:
            with home(configured or url):
                return await self._get(url, types, max_bytes, headers)
        except PrivateAddress as exc:
            raise FetchError(
                url,
                f"leads to {exc.host}, which is at a non-public address ({exc.address}); only "
                "the configured feed's or page's own host may be, unless "
                "web.allow_private_addresses is set",
                lasting=True,
            ) from None

    async def _get(
        self,
        url: str,
        types: frozenset[str] | None,
        max_bytes: int,
        headers: dict[str, str] | None,
    ) -> Response:
        seen = {url}
        for _ in range(self.limits.max_redirects + 1):
            site = self._site(url)
            await self._check_robots(url, site)
            async with self._turn(url, site):
                status, got, body = await self._exchange(url, headers, types, max_bytes)
            if status in REDIRECTS and "location" in got:
                url = urljoin(url, got["location"])
                if url in seen:
                    raise FetchError(url, "redirects in a circle", lasting=True)
                seen.add(url)
                continue
            if status in (429, 503):
                wait = retry_after(got.get("retry-after"))
                site.held_until = time.monotonic() + wait
                raise FetchError(
                    url,
                    f"the server is busy ({status}); asked again in {wait:.0f}s",
                    retry_after=wait,
                )
            if status >= 400 or status in REDIRECTS:
                reason = httpx.codes.get_reason_phrase(status) or "error"
                raise FetchError(
                    url, f"the server answered {status} {reason}", lasting=status in LASTING
                )
            return Response(url, status, got, body)
        raise FetchError(
            url, f"too many redirects (more than {self.limits.max_redirects})", lasting=True
        )

    def _site(self, url: str) -> _Site:
        try:
            parts = urlsplit(url)
            known = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:  # brackets that hold no IPv6 address
            known = False
        if not known:
            raise FetchError(url, "is not an http or https address", lasting=True)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        if key not in self._sites:
            if len(self._sites) > 10_000:  # forget sites not asked lately
                self._sites.clear()
            self._sites[key] = _Site()
        return self._sites[key]

    @contextlib.asynccontextmanager
    async def _turn(self, url: str, site: _Site) -> AsyncIterator[None]:
        """One request at a time to a site, the pause kept, a 429's wait honoured."""
        async with site.lock:
            now = time.monotonic()
            if site.held_until > now:
                wait = site.held_until - now
                raise FetchError(
                    url,
                    f"the site asked us to wait; trying again in {wait:.0f}s",
                    retry_after=wait,
                )
            if site.next_at > now:
                await asyncio.sleep(site.next_at - now)
            try:
                yield
            finally:
                delay = self.limits.site_delay_seconds
                if site.robots is not None:
                    crawl = site.robots.crawl_delay(self.limits.user_agent)
                    delay = max(delay, min(float(crawl or 0), MAX_CRAWL_DELAY))
                site.next_at = time.monotonic() + delay

    async def _check_robots(self, url: str, site: _Site) -> None:
        async with site.robots_lock:  # read once, not by every request that waits for it
            if time.monotonic() >= site.robots_until:
                async with self._turn(url, site):  # a request like any other: the pause kept
                    await self._read_robots(url, site)
        if site.robots_error is not None:
            raise FetchError(url, site.robots_error, retry_after=ROBOTS_RETRY_SECONDS)
        if site.robots is not None and not site.robots.can_fetch(self.limits.user_agent, url):
            raise FetchError(
                url, "the site's robots.txt does not allow the bot to fetch it", lasting=True
            )

    async def _read_robots(self, url: str, site: _Site) -> None:
        """Per RFC 9309: a robots.txt that is missing (4xx) allows everything; one that
        cannot be read (5xx, no answer) allows nothing until it can be."""
        parts = urlsplit(url)
        where = f"{parts.scheme}://{parts.netloc}/robots.txt"
        site.robots, site.robots_error = None, None
        try:
            status, _, body = await self._exchange(
                where, None, None, ROBOTS_MAX_BYTES, follow=True
            )
        except _Unreachable as exc:  # the site itself, not its robots.txt
            status, body = 0, b""
            site.robots_error = exc.reason
        except FetchError as exc:
            status, body = 0, b""
            site.robots_error = f"its site's robots.txt cannot be read ({exc.reason})"
        if 200 <= status < 300:
            parser = urllib.robotparser.RobotFileParser(where)
            parser.parse(body.decode("utf-8", "replace").splitlines())
            site.robots = parser
        elif status >= 500:
            site.robots_error = (
                f"its site's robots.txt cannot be read (the server answered {status})"
            )
        keep = ROBOTS_KEEP_SECONDS if site.robots_error is None else ROBOTS_RETRY_SECONDS
        site.robots_until = time.monotonic() + keep

    async def _exchange(
        self,
        url: str,
        headers: dict[str, str] | None,
        types: frozenset[str] | None,
        max_bytes: int,
        *,
        follow: bool = False,
    ) -> tuple[int, httpx.Headers, bytes]:
        """One request, bounded in time and size; the body only of a 2xx answer."""
        limit = self.limits.timeout_seconds
        try:
            async with asyncio.timeout(limit):
                return await self._read(url, headers, types, max_bytes, follow)
        except TimeoutError:
            raise FetchError(url, f"took longer than {limit:g}s") from None
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects", lasting=True) from None
        except httpx.ConnectError as exc:
            raise _Unreachable(url, f"cannot be reached ({_refusal(url, exc)})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"cannot be reached ({type(exc).__name__}: {exc})") from None

    async def _read(
        self,
        url: str,
        headers: dict[str, str] | None,
        types: frozenset[str] | None,
        max_bytes: int,
        follow: bool,
    ) -> tuple[int, httpx.Headers, bytes]:
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True, follow_redirects=follow)
        try:
            if not 200 <= response.status_code < 300:
                return response.status_code, response.headers, b""
            kind = media_type(response.headers)
            if types is not None and kind not in types:
                shown = kind or "no type given"
                raise FetchError(url, f"is not an HTML page ({shown})", lasting=True)
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(url, _too_big(int(length), max_bytes), lasting=True)
            body = await _body(response, url, max_bytes)
            return response.status_code, response.headers, body
        finally:
            await response.aclose()


class _Unreachable(FetchError):
    """No connection could be made to the site's host (refused, or its name unknown)."""


def _refusal(url: str, exc: BaseException) -> str:
    """Why a connection failed, in a few words: "connection refused", "the name example.org
    cannot be resolved"; the socket's error is at the end of the exception's chain."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"the name {urlsplit(url).hostname} cannot be resolved"
        if isinstance(cause, OSError) and cause.errno:
            return os.strerror(cause.errno).lower()
        cause = cause.__cause__ or cause.__context__
    return f"{type(exc).__name__}: {exc}"


async def _body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """The body, its Content-Encoding undone, stopped as soon as it passes ``max_bytes``."""
    encoding = response.headers.get("content-encoding", "")
    try:
        decoded = _Decoded(encoding, max_bytes)
    except ValueError as exc:
        reason = f"is encoded as {exc}, which the bot cannot read"
        raise FetchError(url, reason, lasting=True) from None
    try:
        async for chunk in response.aiter_raw():
            decoded.feed(chunk)
    except _TooBig:
        raise FetchError(url, _too_big(None, max_bytes), lasting=True) from None
    except zlib.error as exc:
        raise FetchError(url, f"is not compressed as it says ({exc})", lasting=True) from None
    return decoded.body()


class _TooBig(Exception):
    """The decoded body passed its limit."""


class _Deflate:
    """``deflate`` as RFC 9110 means it (zlib), or as some servers send it (raw)."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj()
        self._started = False

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if not self._started and data:
            self._started = True
            with contextlib.suppress(zlib.error):
                return self._d.decompress(data, max_length)
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._d.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._d.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._d.eof


class _Step(Protocol):
    """One decompression: zlib's own, or _Deflate."""

    @property
    def unconsumed_tail(self) -> bytes: ...

    @property
    def eof(self) -> bool: ...

    def decompress(self, data: bytes, max_length: int) -> bytes: ...


class _Decoded:
    """A body's Content-Encoding undone as it arrives, never holding more than ``limit``
    bytes: each step yields at most DECODE_STEP bytes at a time to the next, and the size is
    counted as it grows, so a small body that decompresses into gigabytes stops at the
    limit."""

    def __init__(self, encodings: str, limit: int) -> None:
        names = [n.strip().lower() for n in encodings.split(",")]
        names = [n for n in names if n and n != "identity"]
        for name in names:
            if name not in ("gzip", "x-gzip", "deflate"):
                raise ValueError(repr(name))
        if len(names) > MAX_ENCODINGS:
            raise ValueError(f"{len(names)} layers ({', '.join(names)})")
        # the last encoding applied is the first to undo
        self._steps: list[_Step] = [
            _Deflate() if n == "deflate" else zlib.decompressobj(16 + zlib.MAX_WBITS)
            for n in reversed(names)
        ]
        self._limit = limit
        self._size = 0
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        self._push(0, data)

    def body(self) -> bytes:
        return b"".join(self._parts)

    def _push(self, level: int, data: bytes) -> None:
        if level == len(self._steps):
            self._size += len(data)
            if self._size > self._limit:
                raise _TooBig
            self._parts.append(data)
            return
        step = self._steps[level]
        while not step.eof:
            out = step.decompress(data, DECODE_STEP)
            data = step.unconsumed_tail
            if out:
                self._push(level + 1, out)
            if not data and len(out) < DECODE_STEP:
                break  # all taken in, nothing held back


def _too_big(size: int | None, limit: int) -> str:
    said = f"{size:,} bytes" if size is not None else "more"
    return f"is too big ({said}; the limit is {limit:,} bytes)"
