"""The python-telegram-bot adapter: app wiring, thin handlers, inline mode, errors."""

import os

# Opt in to python-telegram-bot's coming behaviour (durations as timedelta) now, rather than
# have every RetryAfter raise a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "1")
