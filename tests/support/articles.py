"""Articles the tests drop into a corpus folder, and what the fake Bot API was sent about
them (shared by tests and benches)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.fake_bot_api import FakeBotApi

NEW_ARTICLE = """Nov 2, 2020|

JD Launches Drone Deliveries to Mountain Villages


by Wei Zhang

JD began regular drone deliveries to twelve mountain villages in Shaanxi province on
November 1st. Each drone carries up to 15 kilograms of parcels.

The service cuts delivery time from two days to about twenty minutes, said project lead Wei Zhang.
"""


def drop(folder: Path, name: str = "010_drones.txt", text: str = NEW_ARTICLE) -> Path:
    """Write a new article the way an editor would: to a temporary name, then renamed."""
    tmp = folder / f".{name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    path = folder / name
    tmp.rename(path)
    return path


def announcements(api: FakeBotApi) -> list[Any]:
    return [c for c in api.sent() if "New article" in c.params.get("text", "")]
