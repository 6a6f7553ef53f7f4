"""Settings from the environment (and a ``.env`` file). The token is never logged or printed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import find_dotenv, load_dotenv


def _ids(text: str | None) -> frozenset[int]:
    out = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if part.isdigit():
            out.add(int(part))
    return frozenset(out)


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> "Settings":
        if env is None:
            if dotenv:
                # the .env of the folder the command runs in (or a parent), not of the folder
                # the package was installed to: dotenv's default looks beside the caller's file
                load_dotenv(find_dotenv(usecwd=True), override=False)
            env = dict(os.environ)
        dev = (env.get("BOT_DEV_GUILD_ID") or "").strip()
        data_dir = (env.get("BREAKOUT_DATA_DIR") or "").strip()
        workers = (env.get("BREAKOUT_RENDER_WORKERS") or "").strip()
        timeout = (env.get("BREAKOUT_DATA_TIMEOUT") or "").strip()
        return cls(
            token=(env.get("DISCORD_TOKEN") or "").strip() or None,
            prefix=(env.get("BOT_PREFIX") or "!").strip() or "!",
            db_path=Path((env.get("BREAKOUT_DB_PATH") or "breakout.sqlite3").strip()),
            data_dir=Path(data_dir) if data_dir else None,
            owner_ids=_ids(env.get("BOT_OWNER_IDS")),
            dev_guild_id=int(dev) if dev.isdigit() else None,
            render_workers=int(workers) if workers.isdigit() else None,
            data_timeout=float(timeout) if timeout else 20.0,
        )
