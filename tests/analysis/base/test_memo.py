"""find_base's memo: calls on growing prefixes of one frame (a replay, or the daily scan from
one day to the next) reuse the bases built through earlier week ends, with the same answers,
and after ``share_arrays`` the bases a memo keeps read one set of arrays; ``settle`` frees the
candidate work of the older ones without changing an answer."""

from __future__ import annotations

from datetime import timedelta

from bot.analysis.base import FinderMemo, find_base, forget_before, settle, share_arrays
from bot.analysis.base.scan import Ceilings, Structure


def _held(c: Ceilings) -> list[Structure]:
    """Every base a ceilings object holds: examined candidates and the answers it gave."""
    found = [*c.memo.values(), c._nearest, *(c._major or ()), *c._under.values()]
    return [s for s in found if isinstance(s, Structure)]


def _kept(memo: FinderMemo) -> dict:
    assert all(isinstance(c, Ceilings) for c in memo.bases.values())
    return memo.bases


def test_a_memo_kept_between_days_changes_no_answer_and_holds_one_set_of_arrays(load_daily):
    daily = load_daily("IWM").loc["2015-01-01":"2024-03-28"]  # shorter than the finder reads
    memo = FinderMemo()
    for ts in daily.loc["2023-11-01":"2024-03-28"].index:
        frame = daily.loc[:ts]
        assert find_base(frame, memo=memo) == find_base(frame), ts
        share_arrays(memo)
        forget_before(memo, ts.date() - timedelta(days=100))
        settle(memo)
        kept = _kept(memo)
        assert kept  # the last weeks' ends are kept for the next days
        assert len({id(c.bars) for c in kept.values()}) == 1, ts  # the newest call's arrays only
        assert all(c.win.b is c.bars for c in kept.values())
        # every base they hold (answers kept after settle included) works its support out on them
        assert all(s.win is c.win for c in kept.values() for s in _held(c))
    # settle freed the candidate work of all but the two newest
    assert sum(1 for c in kept.values() if c.memo) <= 2 < len(kept)
