"""Which addresses the fetcher may connect to, checked on the socket itself.

A feed's entry, or a redirect, may point anywhere, and what it returns becomes an article
anyone can ask about; so a loopback, private, link-local or otherwise non-public address is
reached only when its host is the configured URL's own (the feed's, or the page ``add`` was
given), or when ``web.allow_private_addresses`` says every address may be. The check is made
on the address the socket connected to, after connecting and before a byte is sent, so a
name that resolves to an inner address (or changes what it resolves to) gets no further than
an IP address would. No connection is kept open between requests: each one is checked.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

import httpcore
import httpx

_HOME: ContextVar[str | None] = ContextVar("home_host", default=None)


class PrivateAddress(Exception):
    """A connection reached a non-public address its host may not use."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is at {address}, not a public address")
        self.host = host
        self.address = address


def public(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local,
    shared, reserved, multicast or unspecified)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone is no part of it
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_of(url: str) -> str:
    """A URL's host as the connection names it (lower case, IDNA-encoded, no brackets)."""
    try:
        return httpx.URL(url).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return ""


@contextlib.contextmanager
def home(url: str) -> Iterator[None]:
    """The requests made inside may reach a non-public address on ``url``'s host."""
    token = _HOME.set(host_of(url))
    try:
        yield
    finally:
        _HOME.reset(token)


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, checking the peer of each new connection."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        peer = stream.get_extra_info("server_addr")
        address = str(peer[0]) if peer else ""
        allowed = self._allow_private or host.lower().strip("[]") == _HOME.get()
        if not allowed and not public(address):
            await stream.aclose()
            raise PrivateAddress(host, address or "an unknown address")
        return stream

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def checked_transport(allow_private: bool) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections are checked as the module says. httpx takes no
    network backend of its own, so its connection pool is replaced by httpcore's with ours."""
    transport = httpx.AsyncHTTPTransport()
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_keepalive_connections=0,  # a kept connection would skip the next request's check
        network_backend=_CheckedBackend(allow_private),
    )
    return transport
