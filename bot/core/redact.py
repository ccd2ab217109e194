"""Credentials out of everything the bot prints, logs or writes into an article.

A URL may carry them as its userinfo (``https://user:pw@host/``) or as a query parameter
(``?token=…``, ``&password=…``, ``api_key=…``); a database's connection text as ``password=…``.
``redact`` finds them anywhere in a text, so a message, a log line or an error that quotes a
URL can be cleaned whole. A database URL keeps its user name (the role says which database
is meant), any other URL loses its whole userinfo (a token often stands alone there).
"""

from __future__ import annotations

import re

SHOWN = "***"

# scheme://userinfo@ (the userinfo: up to the last @ before the path, as a password may
# hold an @ of its own)
_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<info>[^\s/?#]*)@", re.IGNORECASE)
# name=value where the name says it is secret: password, token, secret, api key, signature
_PARAM = re.compile(
    r"(?P<name>(?<![\w.-])(?:[\w.-]*(?:password|passwd|token|secret|api_?key|signature)"
    r"|pass|pwd|key|sig|auth|session|sessionid|sid)=)(?P<value>[^\s&#;\"'<>]+)",
    re.IGNORECASE,
)
_DATABASES = ("postgresql://", "postgres://")


def _userinfo(match: re.Match[str]) -> str:
    scheme, user = match.group("scheme"), match.group("info").split(":", 1)[0]
    if scheme.lower() in _DATABASES and user:
        return f"{scheme}{user}@"
    return f"{scheme}{SHOWN}@"


def redact(text: str) -> str:
    """``text`` with every credential in it (URLs' userinfo, secret parameters) replaced."""
    text = _USERINFO.sub(_userinfo, text)
    return _PARAM.sub(lambda m: f"{m.group('name')}{SHOWN}", text)


def has_credentials(text: str) -> bool:
    """Whether ``text`` holds a password or a token ``redact`` would hide (a database URL's
    user name alone is not one)."""
    return redact(text) != text
