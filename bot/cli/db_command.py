"""``python -m bot db copy --to URL``: move a bot's store (servers, watchlists, engine states,
outbox, scan runs, ticker lists, price cache) to another database, with row counts verified."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("db", help="the bot's database: copy it to another one")
    db_sub = p.add_subparsers(dest="db_command", required=True, parser_class=type(p))
    c = db_sub.add_parser("copy", help="copy the store to another database and verify row counts")
    c.add_argument("--to", required=True, metavar="URL",
                   help="target: postgresql://user:password@host:port/db (or postgres://…), or a SQLite file")
    c.add_argument("--from", dest="source", metavar="URL",
                   help="source (default: DATABASE_URL when set, else BREAKOUT_DB_PATH)")
    c.add_argument("--to-schema", metavar="NAME", help="PostgreSQL schema of the target's tables")
    c.add_argument("--replace", action="store_true", help="empty a target that already holds data first")
    c.set_defaults(func=copy_command)


async def copy_command(args: argparse.Namespace) -> int:
    from bot.services.store_admin import copy_database
    from bot.words.store import copy_lines

    source, target, counts = await copy_database(Settings.from_env(), args.to, source=args.source,
                                                 to_schema=args.to_schema, replace=args.replace)
    print("\n".join(copy_lines(source, target, counts)))
    return 0
