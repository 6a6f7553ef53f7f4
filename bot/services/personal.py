"""Personal alerts (the `alert` commands, minus Discord): parse, validate, store, list, remove.

Bad input is one line (BadArgument / UnknownTicker / AlertRefused) and stores nothing. Every
read and removal names the member: one member never sees or touches another's alerts.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.analysis.evidence import Evidence
from bot.errors import BadArgument, BreakoutError, UnknownTicker
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.services.evidence import gather_evidence
from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.personal_alerts import VIA_CHANNEL, VIA_DM, AlertRefused, PersonalAlert, PersonalAlertRepo
from bot.store.watchlist import WatchlistRepo
from bot.tickers import normalize_ticker
from bot.words import personal as words

__all__ = ["AlertRefused", "PersonalAlertsService", "parse_level"]

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"^[+]?(\d{1,9}(\.\d*)?|\.\d+)$")


def parse_level(text: str | None, kind: str) -> float:
    """A level (a price) or a move (a percentage, "5" or "5%"), > 0; else BadArgument."""
    if text is None or not str(text).strip():
        raise BadArgument(words.missing_level(kind))
    raw = str(text).strip().replace(",", "")
    body = raw[:-1].strip() if kind == words.MOVE_KIND and raw.endswith("%") else raw
    if not _NUMBER.match(body):
        raise BadArgument(words.bad_level(raw, kind))
    value = float(body)
    if not math.isfinite(value) or value <= 0 or (kind == words.MOVE_KIND and value >= 1000):
        raise BadArgument(words.bad_level(raw, kind))
    return round(value, 4)


@dataclass(frozen=True)
class Added:
    alert: PersonalAlert
    count: int  # the member's alerts in this server, this one included
    most: int
    via: str
    scanned_daily: bool  # the ticker was in the daily scan already


@dataclass(frozen=True)
class Listing:
    alerts: list[PersonalAlert]
    via: str
    has_channel: bool


class PersonalAlertsService:
    def __init__(self, db: Database, market, *, market_state=None):
        self.db = db
        self.market = market
        self.market_state = market_state  # MarketService: a server's market index on a day
        self.repo = PersonalAlertRepo(db)

    async def firing_evidence(self, ticker: str, day: date, index: str) -> Evidence | None:
        """The evidence beside a level or move alert's firing, worked out when its DM is posted:
        what the scan would have said on ``day`` (the ticker's bars through that day as the scan
        reads them, the RS line against SPY, the server's market ``index`` that day). None when
        the bars cannot be had: the DM goes without it, as an announcement does."""
        try:
            frames = await self.market.histories([ticker], start=day - timedelta(days=DEFAULT_LOOKBACK_DAYS), end=day)
            daily = frames.get(ticker)
            if daily is None or daily.empty:
                return None
            return await gather_evidence(self.market, daily, ticker, day, market_state=self.market_state, index=index)
        except (BreakoutError, ValueError, KeyError, IndexError) as exc:  # too few bars, the source down
            log.info("evidence of %s on %s left out of a personal alert: %s", ticker, day, exc)
            return None

    async def add(self, guild_id: int, user_id: int, ticker_text: str, what: str, value: str | None = None) -> Added:
        ticker = normalize_ticker(ticker_text)
        kind = (what or "").strip().lower()
        if kind not in words.KINDS:
            raise BadArgument(words.bad_kind(what or ""))
        level = parse_level(value, kind) if kind in words.LEVEL_KINDS + (words.MOVE_KIND,) else 0.0
        if kind not in words.LEVEL_KINDS + (words.MOVE_KIND,) and value not in (None, ""):
            raise BadArgument(f"`{kind}` takes no number: `alert add {ticker} {kind}`. Nothing was stored.")
        close = await self._last_close(ticker)
        if kind in words.LEVEL_KINDS and ((kind == "above" and close > level) or (kind == "below" and close < level)):
            raise BadArgument(words.already_crossed(ticker, close, kind, level))
        scanned = ticker in await self.scanned_tickers()
        alert, count = await self.repo.add(guild_id, user_id, ticker, kind, level)
        return Added(alert, count, self.repo.per_member, await self.repo.via(guild_id, user_id), scanned)

    async def _last_close(self, ticker: str) -> float:
        start = date.today() - timedelta(days=DEFAULT_LOOKBACK_DAYS)
        frames = await self.market.histories([ticker], start=start)
        df = frames.get(ticker)
        if df is None or df.empty:
            raise UnknownTicker(words.unknown_ticker(ticker))
        return float(df["Close"].iloc[-1])

    async def scanned_tickers(self) -> set[str]:
        """What the daily scan covers: servers' watchlists (alerts on) and members' alerts."""
        return set(await WatchlistRepo(self.db).subscriptions()) | set(await self.repo.tickers())

    async def listing(self, guild_id: int, user_id: int) -> Listing:
        settings = await GuildSettingsRepo(self.db).get(guild_id)
        has_channel = bool(settings.alerts_enabled and settings.alerts_channel_id)
        return Listing(await self.repo.list(guild_id, user_id), await self.repo.via(guild_id, user_id), has_channel)

    async def remove(self, guild_id: int, user_id: int, which: str) -> tuple[str, int]:
        """``which``: a number from `alert list`, or "all". Returns (what was removed, in words; how many)."""
        word = (which or "").strip().lower()
        if word == "all":
            n = await self.repo.remove_member(guild_id, user_id)
            return words.removed_all(n), n
        mine = await self.repo.list(guild_id, user_id)
        if not word.isdigit() or not 1 <= int(word) <= len(mine):
            raise BadArgument(words.no_such_alert(which or "", len(mine)))
        alert = mine[int(word) - 1]
        if not await self.repo.remove(guild_id, user_id, alert.id):
            raise BadArgument(words.no_such_alert(which or "", len(mine) - 1))
        return words.removed(alert.text), 1

    async def set_via(self, guild_id: int, user_id: int, where: str) -> str:
        word = (where or "").strip().lower()
        if word not in (VIA_DM, VIA_CHANNEL):
            raise BadArgument(words.bad_via(where or ""))
        await self.repo.set_via(guild_id, user_id, word)
        settings = await GuildSettingsRepo(self.db).get(guild_id)
        return words.via_set(word, has_channel=bool(settings.alerts_enabled and settings.alerts_channel_id))

    async def member_left(self, guild_id: int, user_id: int) -> int:
        return await self.repo.remove_member(guild_id, user_id)

    async def guild_left(self, guild_id: int) -> int:
        return await self.repo.remove_guild(guild_id)

    async def status_line(self, guild_id: int) -> str | None:
        """For `alerts status`: counts only."""
        members, per_ticker = await self.repo.counts(guild_id)
        return words.status_line(members, per_ticker)
