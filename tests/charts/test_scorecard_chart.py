"""The scorecard's picture: one dot per alert in its outcome's row, names only while they fit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.charts.scorecard_chart import NAMES_UP_TO, OUTCOME_COLORS, render_scorecard_chart, scorecard_figure

ROWS = [(k, k) for k in ("held", "failed", "faded", "busted", "pending")]


def _dots(n: int):
    kinds = list(OUTCOME_COLORS)
    return [(date(2024, 1, 2) + timedelta(days=3 * (i // 2)), kinds[i % len(kinds)], f"T{i}") for i in range(n)]


@pytest.mark.parametrize("n", [1, 5, NAMES_UP_TO, NAMES_UP_TO + 1, 60])
def test_each_alert_is_one_dot_named_while_few(n):
    fig = scorecard_figure("t", "s", ROWS, _dots(n))
    (ax,) = fig.axes
    assert len(ax.collections) == n
    names = sorted(t.get_text() for t in ax.texts)
    assert names == (sorted(f"T{i}" for i in range(n)) if n <= NAMES_UP_TO else [])
    assert [lab.get_text() for lab in ax.get_yticklabels()] == [label for _, label in ROWS]


def test_a_dot_has_its_outcomes_colour_and_row():
    from matplotlib.colors import to_hex

    fig = scorecard_figure("t", "s", ROWS, [(date(2024, 3, 7), "faded", "IWM")])
    (dot,) = fig.axes[0].collections
    assert to_hex(dot.get_facecolor()[0]) == OUTCOME_COLORS["faded"]
    assert dot.get_offsets()[0][1] == 2  # third row from the top of five


def test_no_alert_no_picture_and_a_png_otherwise():
    with pytest.raises(ValueError):
        scorecard_figure("t", "s", ROWS, [])
    assert render_scorecard_chart("t", "s", ROWS, _dots(3))[:4] == b"\x89PNG"
