"""python -m bot → bot.console.cli.main."""

from bot.console.cli import main

raise SystemExit(main())
