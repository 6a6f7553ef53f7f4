"""Settings from the environment (and a ``.env`` file). The token is never logged or printed."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import find_dotenv, load_dotenv


class SettingsError(ValueError):
    """A setting in the environment that cannot be used (the message names it and says why)."""


def _ids(name: str, text: str | None) -> frozenset[int]:
    """Discord ids separated by commas (``BOT_OWNER_IDS``)."""
    out = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(f"{name} must be Discord ids (numbers) separated by commas, not {text!r}.")
        out.add(int(part))
    return frozenset(out)


def _id(name: str, text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise SettingsError(f"{name} must be a Discord id (a number, like 123456789012345678), not {text!r}.")
    return int(text)


def _seconds(name: str, text: str | None, default: float) -> float:
    """A number of seconds above 0 (``20``, ``7.5``); anything else is one line naming the setting."""
    text = (text or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{name} must be a number of seconds above 0, like {default:g}, not {text!r}.")
    return value


def _count(name: str, text: str | None, *, minimum: int = 0) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < minimum:
        raise SettingsError(f"{name} must be a whole number of at least {minimum}, not {text!r}.")
    return int(text)


def _shard_ids(text: str | None, count: int | None) -> tuple[int, ...] | None:
    """``BOT_SHARD_IDS``: ``0,2,5`` or ``0-3`` (ranges inclusive); every id below ``count``."""
    text = (text or "").strip()
    if not text:
        return None
    if count is None:
        raise SettingsError("BOT_SHARD_IDS needs BOT_SHARD_COUNT (the total number of shards over all processes).")
    ids: set[int] = set()
    for part in text.replace(";", ",").split(","):
        first, _, last = part.strip().partition("-")
        if not first.strip().isdigit() or (last and not last.strip().isdigit()):
            raise SettingsError(f"BOT_SHARD_IDS must list shard numbers like 0,1 or 0-3, not {text!r}.")
        ids.update(range(int(first), int(last or first) + 1))
    bad = sorted(i for i in ids if i >= count)
    if bad:
        raise SettingsError(f"BOT_SHARD_IDS {bad} out of range: with BOT_SHARD_COUNT={count} shards are 0-{count - 1}.")
    return tuple(sorted(ids))


def _positive_int(name: str, text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {text!r}.")
    return int(text)


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # repr=False: never printed
    prefix: str = "!"
    db_path: Path = Path("breakout.sqlite3")
    data_dir: Path | None = None
    owner_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    render_workers: int | None = None  # chart worker processes: None = one per core, 0 = threads only
    data_timeout: float = 20.0
    # the store: DATABASE_URL (PostgreSQL) when set, else the SQLite file db_path; may hold a password
    database_url: str | None = field(default=None, repr=False)
    db_schema: str | None = None  # PostgreSQL schema of the bot's tables (default: the server's search path)
    shard_count: int | None = None  # BOT_SHARD_COUNT: shards over all processes (None: one process, Discord decides)
    shard_ids: tuple[int, ...] | None = None  # BOT_SHARD_IDS: this process's shards (None: all of them)
    claim_seconds: float = 120.0  # how long a process holds the announcements it is posting (then they are free)
    delivery_poll: float = 60.0  # seconds between looks at the outbox (rows queued by another process's scan)
    db_timeout: float = 10.0  # seconds to wait for the database (a connection, a lock) before saying so
    intraday_every: int = 5  # BREAKOUT_INTRADAY_EVERY: minutes between the intraday watch's rounds (at least 1)

    @property
    def store_target(self) -> str | Path:
        """DATABASE_URL when set, else the SQLite file."""
        return self.database_url or self.db_path

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> "Settings":
        if env is None:
            if dotenv:
                # the .env of the folder the command runs in (or a parent), not of the folder
                # the package was installed to: dotenv's default looks beside the caller's file
                load_dotenv(find_dotenv(usecwd=True), override=False)
            env = dict(os.environ)
        data_dir = (env.get("BREAKOUT_DATA_DIR") or "").strip()
        shard_count = _positive_int("BOT_SHARD_COUNT", env.get("BOT_SHARD_COUNT"))
        return cls(
            token=(env.get("DISCORD_TOKEN") or "").strip() or None,
            prefix=(env.get("BOT_PREFIX") or "!").strip() or "!",
            db_path=Path((env.get("BREAKOUT_DB_PATH") or "breakout.sqlite3").strip()),
            data_dir=Path(data_dir) if data_dir else None,
            owner_ids=_ids("BOT_OWNER_IDS", env.get("BOT_OWNER_IDS")),
            dev_guild_id=_id("BOT_DEV_GUILD_ID", env.get("BOT_DEV_GUILD_ID")),
            render_workers=_count("BREAKOUT_RENDER_WORKERS", env.get("BREAKOUT_RENDER_WORKERS")),
            data_timeout=_seconds("BREAKOUT_DATA_TIMEOUT", env.get("BREAKOUT_DATA_TIMEOUT"), 20.0),
            database_url=(env.get("DATABASE_URL") or "").strip() or None,
            db_schema=(env.get("BREAKOUT_DB_SCHEMA") or "").strip() or None,
            shard_count=shard_count,
            shard_ids=_shard_ids(env.get("BOT_SHARD_IDS"), shard_count),
            claim_seconds=_seconds("BREAKOUT_CLAIM_SECONDS", env.get("BREAKOUT_CLAIM_SECONDS"), 120.0),
            delivery_poll=_seconds("BREAKOUT_DELIVERY_POLL", env.get("BREAKOUT_DELIVERY_POLL"), 60.0),
            db_timeout=_seconds("BREAKOUT_DB_TIMEOUT", env.get("BREAKOUT_DB_TIMEOUT"), 10.0),
            intraday_every=_positive_int("BREAKOUT_INTRADAY_EVERY", env.get("BREAKOUT_INTRADAY_EVERY")) or 5,
        )
