"""python -m bot → bot.cli.main."""

from bot.cli import main

raise SystemExit(main())
