"""The bot as a process of its own, as an operator starts it (shared by tests and benches)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.support.fake_bot_api import TOKEN
from tests.support.paths import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_process(
    base_url: str, config_yaml: str, tmp_path: Path, *, capture: bool = False, **env: str
) -> subprocess.Popen[str]:
    """``python -m bot run`` as an operator starts it: config file, token in the environment."""
    config = tmp_path / "bot.yaml"
    config.write_text(config_yaml, encoding="utf-8")
    environ = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(config), "run"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        text=True,
    )
