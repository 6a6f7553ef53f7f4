"""find_base's memo: calls on growing prefixes of one frame (a replay, or the daily scan from
one day to the next) reuse the bases built through earlier week ends, with the same answers,
and after ``share_arrays`` the bases a memo keeps read one set of arrays."""

from __future__ import annotations

from datetime import date, timedelta

from bot.analysis.base import find_base, forget_before, share_arrays
from bot.analysis.base.scan import Ceilings


def _kept(memo: dict) -> dict:
    return {k: c for k, c in memo.items() if isinstance(c, Ceilings)}


def test_a_memo_kept_between_days_changes_no_answer_and_holds_one_set_of_arrays(load_daily):
    daily = load_daily("IWM").loc["2015-01-01":"2024-03-28"]  # shorter than the finder reads
    memo: dict = {}
    for ts in daily.loc["2023-11-01":"2024-03-28"].index:
        frame = daily.loc[:ts]
        assert find_base(frame, memo=memo) == find_base(frame), ts
        share_arrays(memo)
        forget_before(memo, ts.date() - timedelta(days=100))
        kept = _kept(memo)
        assert kept  # the last weeks' ends are kept for the next days
        assert len({id(c.bars) for c in kept.values()}) == 1, ts  # the newest call's arrays only
        assert all(c.win.b is c.bars for c in kept.values())


def test_bases_on_revised_bars_are_not_pointed_at_the_new_arrays(load_daily):
    daily = load_daily("MDY").loc["2016-01-01":"2024-01-31"]
    memo: dict = {}
    find_base(daily.loc[:"2024-01-12"], memo=memo)
    first_call = set(_kept(memo))
    revised = daily.copy()
    revised.loc["2023-12-01", ["High", "Close"]] *= 1.01  # a revised bar inside the weeks they read
    find_base(revised.loc[:"2024-01-19"], memo=memo)
    share_arrays(memo)
    kept = _kept(memo)
    newest = max(kept.items(), key=lambda kc: kc[0][-2])[1].bars
    revision = date(2023, 12, 1).toordinal() - date(1970, 1, 1).toordinal()  # a day number
    on_revised = [k for k in first_call if k in kept and k[-2] >= revision]
    before_it = [k for k in first_call if k in kept and k[-2] < revision]
    assert on_revised and before_it
    assert all(kept[k].bars is not newest for k in on_revised)  # they read the bar as it was
    assert all(kept[k].bars is newest for k in before_it)  # their weeks are unchanged
    # the first call's bases are keyed by the old bars' closes, so the revised frame never reads them
    assert find_base(revised.loc[:"2024-01-19"], memo=memo) == find_base(revised.loc[:"2024-01-19"])
