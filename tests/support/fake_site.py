"""A small web site on 127.0.0.1 (or another loopback address) that serves feeds and pages as
a test sets them up: any status, media type, headers, ETag (answered with 304), a delay before
the answer, or a body streamed without end. It records every request with its headers and
when it came."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import html
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.local import serve_local

HTML = "text/html; charset=utf-8"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    media_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0
    endless: bool = False  # stream 64 KiB chunks until the client gives up


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class FakeSite:
    """Start with ``await site.start()``; ``site.url(path)`` is where a route is served."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{path:.*}", self._handle)
        self._runner, self.port = await serve_local(app, host=self.host)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def serve(self, path: str, body: str | bytes = b"", **options: Any) -> Route:
        route = Route(body.encode("utf-8") if isinstance(body, str) else body, **options)
        self.routes[path] = route
        return route

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        self.requests.append(Request(path, dict(request.headers)))
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="not here")
        if route.delay:
            await asyncio.sleep(route.delay)
        headers = dict(route.headers)
        if route.etag is not None:
            headers["ETag"] = route.etag
            if request.headers.get("If-None-Match") == route.etag:
                return web.Response(status=304, headers=headers)
        if route.endless:
            response = web.StreamResponse(status=200, headers={"Content-Type": route.media_type})
            await response.prepare(request)
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                for _ in range(100_000):
                    await response.write(chunk)
            except (ConnectionError, RuntimeError):
                pass
            return response
        headers["Content-Type"] = route.media_type
        return web.Response(status=route.status, body=route.body, headers=headers)


# -- what a site serves ---------------------------------------------------------------------


def article_page(title: str, paragraphs: list[str], *, author: str = "", date: str = "") -> str:
    """A web page as a news site makes one: menus, the article, a footer."""
    meta = ""
    if author:
        meta += f'<meta name="author" content="{html.escape(author)}">'
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{html.escape(title)} | The Site</title>{meta}"
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About"
        f"</a></nav><main><article><h1>{html.escape(title)}</h1>{body}</article></main>"
        "<footer>Copyright The Site. All rights reserved. Privacy policy.</footer></body></html>"
    )


def rss(items: list[dict[str, str]], *, title: str = "The Site") -> str:
    """An RSS 2.0 feed; each item's keys are written as its elements, as given."""
    entries = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>"
        f"<description>news</description>{entries}</channel></rss>"
    )


def atom(entries: list[dict[str, str]], *, base: str = "") -> str:
    """An Atom feed; ``link`` is written as an href, the other keys as elements."""
    out = []
    for entry in entries:
        parts = []
        for key, value in entry.items():
            if key == "link":
                parts.append(f'<link rel="alternate" href="{value}"/>')
            elif key == "author":
                parts.append(f"<author><name>{value}</name></author>")
            else:
                parts.append(f"<{key}>{value}</{key}>")
        out.append("<entry>" + "".join(parts) + "</entry>")
    xml_base = f' xml:base="{base}"' if base else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{xml_base}>'
        "<title>The Site</title><id>urn:site</id><updated>2026-11-20T10:00:00Z</updated>"
        + "".join(out)
        + "</feed>"
    )


def http_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)
