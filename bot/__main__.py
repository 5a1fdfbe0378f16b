"""`python -m bot` is the same as the `bridgeline` command."""

from bot.cli import main

raise SystemExit(main())
