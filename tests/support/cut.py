"""A TCP front on 127.0.0.1 for the tests' PostgreSQL, which a test can cut and mend: cut,
every connection through it is dropped and new ones are refused, as when the database
server goes down; mended, it takes connections again. It runs on its own thread and event
loop, so a bot under test that blocks its loop cannot hold it up."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit


def _target(url: str) -> dict[str, Any]:
    """Where the server listens: its Unix socket (pgserver's) or a host and port."""
    parts = urlsplit(url)
    folder = parse_qs(parts.query).get("host", [""])[0]
    if folder.startswith("/"):
        sockets = sorted(p for p in Path(folder).glob(".s.PGSQL.*") if p.suffix != ".lock")
        return {"path": str(sockets[0])}
    return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432}


class CutDatabase:
    """Start with ``start()``; connect to ``url``; ``cut()`` and ``mend()`` the link."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._target = _target(server_url)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The server's URL (any database on it), through this front."""
        parts = urlsplit(self.server_url)
        return urlunsplit(
            ("postgresql", f"{parts.username}@127.0.0.1:{self.port}", parts.path, "", "")
        )

    def through(self, database_url: str) -> str:
        """A database's URL on the server, through this front."""
        return urlunsplit(urlsplit(self.url)._replace(path=urlsplit(database_url).path))

    def _call(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(10)

    def start(self) -> None:
        self._thread.start()
        self._call(self._listen())

    def cut(self) -> None:
        """The database is gone: connections dropped, new ones refused."""
        self._call(self._cut())

    def mend(self) -> None:
        """The database is back, on the same address."""
        self._call(self._listen())

    def stop(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._link, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _link(self, client_in: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            if "path" in self._target:
                server_in, server = await asyncio.open_unix_connection(self._target["path"])
            else:
                server_in, server = await asyncio.open_connection(**self._target)
        except OSError:
            client.transport.abort()
            return
        self._links |= {client, server}
        await asyncio.gather(_pipe(client_in, server), _pipe(server_in, client))
        self._links -= {client, server}


async def _pipe(source: asyncio.StreamReader, to: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await source.read(65536):
            to.write(data)
            await to.drain()
    to.close()
