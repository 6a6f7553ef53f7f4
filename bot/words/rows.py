"""What the words read of the records they are given by the layers above them (the store's rows):
structural types (``Protocol``), so that the words import no store. A store record matches
one of these by having its fields; the type checker (mypy) checks it where the call is made.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class CopiedTable(Protocol):
    """One table of ``db copy`` (:class:`bot.store.copy.TableCopy`)."""

    @property
    def table(self) -> str: ...
    @property
    def source_rows(self) -> int: ...
    @property
    def target_rows(self) -> int: ...


class TickerStateRow(Protocol):
    """Where the scan left a ticker (:class:`bot.store.engine_states.StateRecord`)."""

    @property
    def phase(self) -> str | None: ...
    @property
    def last_date(self) -> date | None: ...
    @property
    def last_close(self) -> float | None: ...
    @property
    def level(self) -> float | None: ...
    @property
    def distance_pct(self) -> float | None: ...


class ScanRunRow(Protocol):
    """One daily scan (:class:`bot.store.scan_runs.ScanRun`)."""

    @property
    def session_date(self) -> date: ...
    @property
    def tickers(self) -> int: ...
    @property
    def failed_tickers(self) -> int: ...


class UnconfirmedRow(Protocol):
    """An announcement given up as unconfirmed (the outbox's rows)."""

    @property
    def ticker(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def bar_date(self) -> date: ...


class AlertSettings(Protocol):
    """A server's alert settings (:class:`bot.store.guilds.GuildSettings`)."""

    @property
    def alerts_enabled(self) -> bool: ...
    @property
    def alerts_channel_id(self) -> int | None: ...
    @property
    def disabled_reason(self) -> str | None: ...
    @property
    def ping_role_id(self) -> int | None: ...


class MemberAlertRow(Protocol):
    """A member's own alert (:class:`bot.store.personal_alerts.PersonalAlert`)."""

    @property
    def ticker(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def level(self) -> float: ...
    @property
    def fired_on(self) -> str | None: ...
    @property
    def problem(self) -> str | None: ...
