"""Serving an aiohttp application on 127.0.0.1, as the fake Bot API, the fake web site and
the replicas' front do."""

from __future__ import annotations

from aiohttp import web


async def serve_local(
    app: web.Application, port: int = 0, host: str = "127.0.0.1"
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host``, a loopback address (on ``port``, or a free one); returns its
    runner, to clean up when done, and the port it listens on."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    assert server is not None
    return runner, int(server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
