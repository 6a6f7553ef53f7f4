"""``python -m bot run``: start the Discord bot.

Reads settings from the environment (and ``.env``). Prices come from ``BREAKOUT_DATA_DIR``
when set (CSV files), else from Yahoo through the SQLite price cache. The token is never
printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

log = logging.getLogger(__name__)

NO_TOKEN = ("DISCORD_TOKEN is not set: put it in the environment or a .env file "
            "(see 'Run it on Discord' in README.md for how to create a bot and get its token).")


def register(sub) -> None:
    p = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="read <TICKER>.csv[.gz] files from DIR instead of Yahoo (env: BREAKOUT_DATA_DIR)")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    settings = Settings.from_env()
    if not settings.token:
        print(f"error: {NO_TOKEN}", file=sys.stderr)
        return 2
    return run_bot(settings, data_dir=getattr(args, "data_dir", None), verbose=int(getattr(args, "verbose", 0)))


async def _check_store(services) -> None:
    await services.open()
    await services.close()


def run_bot(settings, *, data_dir=None, verbose: int = 0) -> int:
    """Build and run the bot until it stops; returns an exit code.

    Logs at INFO; ``verbose`` 1 adds the libraries' own lines (yfinance, Python warnings),
    2 and more DEBUG. Errors with a traceback (a crash in a command or a gateway event) are
    logged at ERROR, so they show at every level."""
    import discord

    from bot.app import logging_setup
    from bot.app.client import create_bot
    from bot.logs import set_verbosity
    from bot.services.composition import build_services, store_name

    set_verbosity(verbose)  # the store's outage lines carry their traceback only with -v
    handler = logging_setup.install(settings.token, level=logging.DEBUG if verbose >= 2 else logging.INFO,
                                    quiet_libraries=verbose == 0)
    try:
        services = build_services(settings, data_dir=data_dir)
        # the store first: a database that is down, locked or corrupt is one line before any
        # Discord login (opened, migrated and closed here; the bot opens it again on its loop)
        asyncio.run(_check_store(services))
        bot = create_bot(settings, services)
        log.info("starting breakout-bot (prefix %r, data source %s, database %s%s)",
                 settings.prefix, services.market.source_name, store_name(settings),
                 f", shards {list(settings.shard_ids or range(settings.shard_count))} of {settings.shard_count}"
                 if settings.shard_count else "")
        try:
            bot.run(settings.token, log_handler=None)  # logging is already set up above
        except discord.LoginFailure:
            print("error: Discord rejected the token: check DISCORD_TOKEN (Bot → Reset Token).", file=sys.stderr)
            return 1
        except discord.PrivilegedIntentsRequired:
            print("error: enable the Message Content intent: Developer Portal → Bot → "
                  "Privileged Gateway Intents.", file=sys.stderr)
            return 1
        except OSError as exc:  # DNS, refused connection, TLS: Discord unreachable
            print(f"error: cannot reach Discord ({type(exc).__name__}); check the network and try again.",
                  file=sys.stderr)
            return 1
        return 0
    finally:
        logging_setup.uninstall(handler)
