"""A real PostgreSQL for the tests: the server the ``pgserver`` package ships (PostgreSQL 16
in a wheel), started once per test session in a temporary folder, and a fresh database per
test."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_numbers = itertools.count(1)


def start_postgres(folder: Path) -> str:
    """Start a server whose data lives in ``folder``; returns its administrator's URL. It
    stops when the test session's process ends."""
    run = folder / "run"
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(run))  # where pgserver keeps its lock files
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode="stop")
    return str(server.get_uri())


def new_database(admin_url: str) -> str:
    """A new, empty database on the server; returns its URL."""
    import psycopg

    name = f"bot_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
