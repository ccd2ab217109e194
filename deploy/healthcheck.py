"""The container's health check: exit 0 when the bot process can serve, 1 when it cannot, with
one line saying which (``docker inspect`` shows it).

It reads the same config file and environment as the bot, through the bot's own loader, so it
probes the port and the database the bot uses: ``python healthcheck.py [CONFIG]``.

- **Webhook mode:** ``GET /healthz`` on the webhook port, which the bot answers itself: 200
  while it can serve, 503 when its database does not answer.
- **Polling mode** has no HTTP server, so the check asks what ``/healthz`` would: does the
  bot's database answer? (PostgreSQL: a connection and ``SELECT 1``, the password from
  PGPASSWORD as the bot's; SQLite: the file the bot made exists and can be read.) Whether the
  process is alive Docker knows without a check: the bot is the container's main process, and
  the container stops, and is restarted by its policy, when it ends.
"""

from __future__ import annotations

import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from bot.core.errors import BotError
from bot.core.redact import redact
from bot.runtime.config import Settings, load_settings

DEFAULT_CONFIG = Path("/etc/corpus-bot/bot.yaml")
TIMEOUT_SECONDS = 3  # libpq's connect_timeout takes whole seconds (at least 2)
_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def webhook_problem(settings: Settings) -> str | None:
    """Why ``/healthz`` says the bot cannot serve, or None when it answers 200."""
    host = settings.telegram.webhook_listen
    host = _ANY_ADDRESS.get(host, host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.telegram.webhook_port}/healthz"
    # No proxy: HTTP_PROXY in the bot's environment is for the Bot API and feeds, not for us.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT_SECONDS):
            return None
    except urllib.error.HTTPError as exc:  # the 503, with the bot's reason in its body
        with exc:
            body = exc.read(500).decode("utf-8", "replace")
        return f"{url} answered {exc.code}: {body}"
    except OSError as exc:
        return f"{url} did not answer: {exc}"


def database_problem(settings: Settings) -> str | None:
    """Why the bot's database does not answer, or None when it does."""
    where = settings.storage.database
    if isinstance(where, str):  # PostgreSQL
        import psycopg  # only here: a SQLite bot never loads the driver

        try:
            with psycopg.connect(where, connect_timeout=TIMEOUT_SECONDS) as server:
                server.execute("SELECT 1")
        except psycopg.Error as exc:
            return redact(f"the database {where} did not answer: {exc}".strip())
        return None
    if not where.is_file():  # read-only below, so the check never makes an empty file
        return f"the database {where} does not exist yet (has the bot started?)"
    try:
        database = sqlite3.connect(
            f"{where.resolve().as_uri()}?mode=ro", uri=True, timeout=TIMEOUT_SECONDS
        )
        try:
            database.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            database.close()
    except sqlite3.Error as exc:
        return f"the database {where} cannot be read: {exc}"
    return None


def main(argv: Sequence[str]) -> int:
    config = Path(argv[0]) if argv else DEFAULT_CONFIG
    try:
        settings = load_settings(config)
    except BotError as exc:
        problem: str | None = f"the config cannot be used: {exc}"
    else:
        if settings.telegram.mode == "webhook":
            problem = webhook_problem(settings)
        else:
            problem = database_problem(settings)
    print(problem or "ok")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
