"""The words of ``setups``: the headline, one table row per ticker, the grid tiles' labels, the
tickers left out, and the answer when nothing matches. Built from :class:`BaseResult` only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.analysis.models import BaseResult
from bot.errors import echo
from bot.words.vocabulary import EM_DASH, day, long_day, ordinal, pct, plural, price, span

# A base's status in one short word (a tile and a table row are narrow).
SHORT_STATUS = {
    "in_base": "in base",
    "testing": "testing",
    "pressing": "pressing",
    "breakout": "breakout",
    "failed": "failed",
    "faded": "faded",
    "no_base": "no base",
}
# The status filter, as the headline says it.
FILTER_WORDS = {
    None: "with a base",
    "testing": "testing resistance",
    "breakout": "breaking out",
    "failed": "with a failed breakout",
    "near": "within {near:g}% of resistance",
}
# The same, after "none of its tickers" when nothing matches.
FILTER_VERBS = {
    None: "has a base",
    "testing": "is testing resistance",
    "breakout": "is breaking out",
    "failed": "has a failed breakout",
    "near": "is within {near:g}% of resistance",
}
SORT_WORDS = {"distance": "closest to resistance first", "length": "longest base first", "tests": "most tests first"}
# The universes as the slash command's autocomplete lists them.
UNIVERSE_LABELS = {"watchlist": "Watchlist (this server's)", "etfs": "ETFs (sectors, SPY QQQ IWM MDY DIA TLT GLD)",
                   "sp500": "S&P 500"}
ONLY_ASKER_PAGES = "Only the person who asked can page this table. Try `/setups` yourself."
UNIVERSE_WORDS = {"watchlist": "the watchlist", "etfs": "the ETFs", "sp500": "the S&P 500"}
MISSING_SHOWN = 12  # tickers named in the "left out" note; the rest are counted


def universe_label(name: str) -> str:
    return UNIVERSE_LABELS.get(name, f"{name} (saved list)")


def list_saved(name: str, tickers: Sequence[str], replaced: bool) -> str:
    """After `universe save`."""
    verb = "replaced" if replaced else "saved"
    return (f"List `{name}` {verb}: {plural(len(tickers), 'ticker')} ({' '.join(tickers)}). "
            f"Screen it with `setups {name}`.")


def list_deleted(name: str, found: bool) -> str:
    return f"List `{echo(name)}` deleted." if found else f"This server has no list `{echo(name)}`."


def lists_text(lists: Sequence[tuple[str, Sequence[str]]]) -> str:
    """`universe list`: one line per saved list, or how to make one."""
    if not lists:
        return "No saved lists yet. Save one with `universe save NAME T1 T2 …`, then `setups NAME`."
    return "\n".join(f"**{name}** ({len(t)}): {' '.join(t)}" for name, t in lists)


GIVEN_SHOWN = 6  # tickers named in a title when the screen was given its tickers


def universe_name(universe: str, given: Sequence[str] = ()) -> str:
    """'the ETFs', 'the list 'tech''; for tickers given one by one, 'IWM, SPY, QQQ'."""
    if given:
        if len(given) <= GIVEN_SHOWN:
            return ", ".join(given)
        return f"the {len(given)} tickers given"
    return UNIVERSE_WORDS.get(universe, f"the list '{universe}'")


def filter_words(status: str | None, near: float) -> str:
    return FILTER_WORDS[status].format(near=near)


def setups_headline(universe: str, status: str | None, near: float, shown: int, screened: int,
                    given: Sequence[str] = ()) -> str:
    """'Setups in the ETFs: 9 of 12 tickers with a base'."""
    return f"Setups in {universe_name(universe, given)}: {shown} of {screened} tickers {filter_words(status, near)}"


def count_of_tests(r: BaseResult) -> str:
    """'4th test' (testing), '5 tests' otherwise."""
    n = len(r.tests)
    if r.status in ("testing", "pressing"):
        return f"{ordinal(n)} test"
    return f"{n} test{'s' if n != 1 else ''}"


def setup_row(rank: int, ticker: str, r: BaseResult) -> str:
    """'1. **IWM** testing 199.26 (198.75–201.99) −1.1% · 4th test · 88-week base'."""
    if r.resistance is None:
        return f"{rank}. **{ticker}** {SHORT_STATUS.get(r.status, r.status)} {EM_DASH} {price(r.last_close)}"
    res = r.resistance
    zone = f"{price(res.zone_low)}–{price(res.zone_high)}"
    length = f" · {span(r.weeks)} base" if r.weeks else ""
    major = " (major)" if r.scale == "major" else ""
    return (f"{rank}. **{ticker}** {SHORT_STATUS.get(r.status, r.status)} {price(res.level)}{major} ({zone}) "
            f"{pct(r.distance_pct)} · {count_of_tests(r)}{length}")


def plain_row(line: str) -> str:
    """A table row without the Markdown bold (the CLI prints it)."""
    return line.replace("**", "")


def tile_title(ticker: str, r: BaseResult) -> str:
    """'IWM  testing': the first line of a grid tile."""
    return f"{ticker}  {SHORT_STATUS.get(r.status, r.status)}"


def tile_subtitle(r: BaseResult) -> str:
    """'199.26 · -1.1%': the second line of a grid tile (resistance, distance)."""
    if r.resistance is None:
        return price(r.last_close)
    return f"{price(r.resistance.level)} · {pct(r.distance_pct)}"


def tile_detail(r: BaseResult) -> str:
    """'4th test · 1.7-year base': the third line of a grid tile."""
    if r.resistance is None:
        return ""
    length = f" · {span(r.weeks)} base" if r.weeks else ""
    return f"{count_of_tests(r)}{length}"


def grid_title(universe: str, timeframe: str, status: str | None, near: float, given: Sequence[str] = ()) -> str:
    """'Setups · the ETFs · weekly · testing resistance'."""
    return f"Setups · {universe_name(universe, given)} · {timeframe} · {filter_words(status, near)}"


def grid_as_of(as_of: date) -> str:
    return f"as of {long_day(as_of)}"


def missing_note(missing: Sequence[str]) -> str:
    """'No data for DIA, XLB, XLE (3): left out.' ('' when none)."""
    if not missing:
        return ""
    names = ", ".join(missing[:MISSING_SHOWN])
    more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
    return f"No data for {names}{more} ({len(missing)}): left out."


def pending_note(pending: Sequence[str]) -> str:
    """'Still loading 300 tickers (…): ask again in a minute for the full screen.' ('' when none)."""
    if not pending:
        return ""
    shown = ", ".join(pending[:MISSING_SHOWN])
    more = f" and {len(pending) - MISSING_SHOWN} more" if len(pending) > MISSING_SHOWN else ""
    return (f"Still loading {plural(len(pending), 'ticker')} ({shown}{more}): ask again in a minute for the "
            "full screen.")


def nothing_matches(universe: str, status: str | None, near: float, screened: int, given: Sequence[str] = ()) -> str:
    """The answer when the filter leaves no ticker."""
    name = universe_name(universe, given)
    if screened == 0:
        return f"No prices for any ticker in {name}: nothing to screen."
    verb = FILTER_VERBS[status].format(near=near)
    return f"Nothing to show: no ticker in {name} {verb} right now ({plural(screened, 'ticker')} screened)."


def no_picture() -> str:
    """The CLI's line when ``--out`` was asked for but the screen has nothing to draw."""
    return "No picture written: nothing to draw."


def setups_footer(as_of: date, source: str, sort: str, stale: bool) -> str:
    text = f"Data as of {day(as_of)} ({source}) · {SORT_WORDS[sort]}"
    if stale:
        text += " — the data source is unavailable, showing cached data"
    return text


def no_prices_footer(source: str) -> str:
    """The footer of a screen that read no prices (it names no day)."""
    return f"No prices read ({source})"


def page_label(page: int, pages: int) -> str:
    """'Page 2/3'."""
    return f"Page {page + 1}/{pages}"


# ---------------------------------------------------------------- the daily digest
DIGEST_CLOSEST = 3  # closest setups (still in their base) the digest names
DIGEST_SECTIONS = (("Breakouts", ("breakout",)), ("Failed breakouts", ("failed", "faded")),
                   ("Testing resistance", ("testing", "pressing")))


def digest_title(session: date) -> str:
    """'Daily digest · 2023-12-15'."""
    return f"Daily digest · {day(session)}"


def _digest_line(ticker: str, r: BaseResult, session: date) -> str:
    new = " — new today" if r.breakout_date == session or r.failed_date == session else ""
    tests = f" · {count_of_tests(r)}" if r.resistance is not None else ""
    return f"**{ticker}** {tile_subtitle(r)}{tests}{new}"


def digest_fields(setups: Sequence[tuple[str, BaseResult]], session: date) -> list[tuple[str, str]]:
    """(name, value) sections: breakouts, failures, tests (each ticker once), then the closest
    setups still in their base; a quiet day says so."""
    fields = []
    for name, statuses in DIGEST_SECTIONS:
        lines = [_digest_line(t, r, session) for t, r in setups if r.status in statuses]
        if lines:
            fields.append((f"{name} ({len(lines)})", "\n".join(lines)))
    closest = [(t, r) for t, r in setups if r.status == "in_base" and r.distance_pct is not None]
    closest = sorted(closest, key=lambda tr: abs(tr[1].distance_pct or 0.0))[:DIGEST_CLOSEST]  # (none is None)
    if closest:
        fields.append(("Closest setups", "\n".join(_digest_line(t, r, session) for t, r in closest)))
    if not fields:
        fields.append(("Quiet", "No ticker on the watchlist has a base right now."))
    return fields


def digest_footer(key: str, screened: int, missing: Sequence[str]) -> str:
    """The footer carries the outbox key (so a post interrupted by a crash is found again)."""
    note = f" · {missing_note(missing)}" if missing else ""
    return f"{plural(screened, 'ticker')} on the watchlist{note} · {key}"


def lists_full(most: int, have: int = 0, adding: int = 1) -> str:
    """``universe save`` of a new list would pass the server's limit (nothing was saved)."""
    return f"This server has {most} lists already: delete one first."
