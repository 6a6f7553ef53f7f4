"""Charts: valid phone-sized PNGs, the right things drawn where they belong, deterministic bytes,
safe from several threads at once, and no leak into matplotlib's global rcParams."""

from __future__ import annotations

import asyncio
import io
import struct
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from bot.analysis.models import BaseResult, Comparison, Level, Marker, NoBase
from bot.analysis.models import Test as LevelTest
from bot.charts import render_base_chart, render_compare_chart, render_price_chart
from bot.charts import style as S
from bot.charts.base_chart import base_chart_figure
from bot.charts.compare_chart import compare_chart_figure
from bot.charts.figure import bar_position
from bot.charts.price_chart import price_chart_figure

PNG_SIG = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 500 * 1024


# ---------------------------------------------------------------- helpers


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIG, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def assert_phone_png(data: bytes) -> None:
    assert png_size(data) == (1200, 700)
    assert len(data) < MAX_BYTES, f"PNG is {len(data) / 1024:.0f} KB"


def count_color(data: bytes, hex_color: str, tol: int = 12) -> int:
    """Pixels within ``tol`` (per channel) of ``hex_color``."""
    img = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(img - rgb) <= tol).all(axis=2).sum())


def weekly(daily: pd.DataFrame) -> pd.DataFrame:
    agg = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Volume": "sum"}
    return daily.resample("W-FRI").agg(agg).dropna()


def synthetic_daily(n: int = 300, seed: int = 7, start: str = "2021-01-04") -> pd.DataFrame:
    """A random walk between roughly 90 and 110 on business days."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(start, periods=n, name="Date")
    close = 100 + np.cumsum(rng.normal(0, 1.0, n))
    close = 100 + (close - close.mean()) * (10 / max(np.ptp(close), 1e-9))
    open_ = np.r_[close[0], close[:-1]] + rng.normal(0, 0.3, n)
    high = np.maximum(open_, close) + rng.uniform(0.1, 1.0, n)
    low = np.minimum(open_, close) - rng.uniform(0.1, 1.0, n)
    vol = rng.integers(1_000_000, 5_000_000, n).astype(float)
    return pd.DataFrame({"Open": open_, "High": high, "Low": low, "Close": close, "Volume": vol}, index=idx)


def synthetic_base(bars: pd.DataFrame) -> BaseResult:
    hi_day = bars["High"].idxmax()
    r, s = float(bars["High"].max()), float(bars["Low"].min())
    last = float(bars["Close"].iloc[-1])
    return BaseResult(
        as_of=bars.index[-1].date(), timeframe="weekly", status="in_base", last_close=last,
        last_date=bars.index[-1].date(), resistance=Level(r - 0.5, r - 1.0, r), support=Level(s + 0.5, s, s + 1.0),
        tests=(LevelTest(hi_day.date(), r),), start=bars.index[2].date(), weeks=40.0,
        depth_pct=(r - s) / r * 100, distance_pct=(last / (r - 0.5) - 1) * 100, base_type="consolidation",
    )


def texts(fig) -> list:
    out = list(fig.texts)
    for ax in fig.axes:
        out += list(ax.texts)
    return out


def text_strings(fig) -> list[str]:
    return [t.get_text() for t in texts(fig)]


IWM_TESTS = (
    LevelTest(date(2022, 8, 16), 201.99),
    LevelTest(date(2023, 2, 2), 199.26),
    LevelTest(date(2023, 7, 31), 198.75),
    LevelTest(date(2023, 12, 14), 200.04),
)


@pytest.fixture(scope="module")
def iwm_weekly(load_daily) -> pd.DataFrame:
    d = load_daily("IWM")
    d = d[(d.index >= "2022-03-01") & (d.index <= "2023-12-15")]
    return weekly(d)


@pytest.fixture(scope="module")
def iwm_base(iwm_weekly) -> BaseResult:
    last = float(iwm_weekly["Close"].iloc[-1])
    return BaseResult(
        as_of=date(2023, 12, 15), timeframe="weekly", status="testing", last_close=last,
        last_date=date(2023, 12, 15), resistance=Level(200.0, 198.75, 201.99), support=Level(162.0, 161.67, 163.28),
        tests=IWM_TESTS, start=date(2022, 6, 17), weeks=78.0, depth_pct=19.0,
        distance_pct=(last / 200.0 - 1) * 100, base_type="consolidation",
    )


@pytest.fixture(scope="module")
def ytd_comparison(load_daily):
    def make(tickers: tuple[str, ...]) -> Comparison:
        closes = pd.DataFrame({t: load_daily(t)["Close"] for t in tickers})
        closes = closes[(closes.index >= "2022-12-30") & (closes.index <= "2023-12-14")].dropna()
        norm = closes / closes.iloc[0]
        returns = {t: float(norm[t].iloc[-1] - 1) * 100 for t in tickers}
        return Comparison(
            period="YTD", start=closes.index[0].date(), end=closes.index[-1].date(), tickers=tickers,
            returns=returns, normalized=norm, ratio=norm[tickers[0]] / norm[tickers[1]],
        )

    return make


# ---------------------------------------------------------------- base chart, real data


def test_iwm_base_chart_is_a_phone_sized_png(iwm_weekly, iwm_base):
    png = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    assert_phone_png(png)
    # The resistance line/zone/tag colour and the support colour are really on the image.
    assert count_color(png, S.RESISTANCE, tol=6) > 1500
    assert count_color(png, S.SUPPORT, tol=6) > 1000


def test_iwm_tests_are_numbered_on_the_week_of_each_high(iwm_weekly, iwm_base):
    fig = base_chart_figure(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    ax = fig.axes[0]
    numbers = {t.get_text(): t for t in ax.texts if t.get_text().isdigit()}
    assert sorted(numbers) == ["1", "2", "3", "4"]
    highs = iwm_weekly["High"].to_numpy()
    for k, test in enumerate(IWM_TESTS, start=1):
        x, y = numbers[str(k)].xy
        week_end = iwm_weekly.index[int(x)]
        # The numbered bar is the W-FRI week holding the day of the high, and its high is that high.
        assert week_end - pd.Timedelta(days=6) <= pd.Timestamp(test.date) <= week_end
        assert highs[int(x)] == pytest.approx(test.high, abs=0.005)
        assert y == pytest.approx(test.high, abs=0.005)


def test_iwm_title_tags_and_subtitle(iwm_weekly, iwm_base):
    fig = base_chart_figure(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    strings = text_strings(fig)
    assert "IWM · weekly · testing resistance" in strings
    assert "R 200.00" in strings and "S 162.00" in strings
    assert f"{iwm_weekly['Close'].iloc[-1]:,.2f}" == "197.04" and "197.04" in strings
    assert any("4 tests of 200.00" in s for s in strings)
    assert "as of Dec 15, 2023" in strings


def test_tags_never_overlap(iwm_weekly, iwm_base):
    fig = base_chart_figure(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tags = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None and not t.get_text().isdigit()]
    # last close, resistance, support, and a test's levels: the buy range's top and the invalidation
    assert sorted(t.get_text().split()[0] for t in tags) == ["197.04", "Buy", "Fails", "R", "S"]
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in tags]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (tags[i].get_text(), tags[j].get_text())


def test_breakout_and_failed_markers_are_drawn(iwm_weekly, iwm_base):
    markers = [
        Marker(date(2023, 12, 14), 198.71, "Breakout", "breakout"),
        Marker(date(2022, 8, 16), 200.99, "Failed", "failed"),
        Marker(date(2019, 1, 2), 150.0, "Out of range", "note"),  # outside the bars: skipped
    ]
    fig = base_chart_figure(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly", markers=markers)
    ann = {t.get_text(): t for t in fig.axes[0].texts}
    assert "Out of range" not in ann
    bo, fail = ann["Breakout"], ann["Failed"]
    assert int(bo.xy[0]) == len(iwm_weekly) - 1 and bo.xy[1] == pytest.approx(iwm_weekly["Low"].iloc[-1])
    assert fail.xy[1] == pytest.approx(201.99)  # arrow from above onto that week's high
    png = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly", markers=markers)
    assert_phone_png(png)
    assert count_color(png, S.BREAKOUT, tol=6) > 150
    assert count_color(png, S.FAILED, tol=6) > 150


def test_no_base_draws_candles_volume_and_last_close_only(iwm_weekly):
    last = float(iwm_weekly["Close"].iloc[-1])
    nb = BaseResult(as_of=date(2023, 12, 15), timeframe="weekly", status="no_base", last_close=last,
                    last_date=date(2023, 12, 15), why=NoBase("tested_once", price=201.99))
    fig = base_chart_figure(iwm_weekly, nb, ticker="IWM", timeframe="weekly")
    strings = text_strings(fig)
    assert "IWM · weekly · no base" in strings
    assert "197.04" in strings
    assert not any(s.startswith(("R ", "S ")) for s in strings)
    assert not any(s.isdigit() for s in strings)
    png = render_base_chart(iwm_weekly, nb, ticker="IWM", timeframe="weekly")
    assert_phone_png(png)
    assert count_color(png, S.RESISTANCE, tol=6) == 0


def test_extra_columns_are_ignored(iwm_weekly, iwm_base):
    extra = iwm_weekly.copy()
    extra["HighDate"] = extra.index
    extra["Adj Close"] = extra["Close"] * 0.97
    a = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    b = render_base_chart(extra, iwm_base, ticker="IWM", timeframe="weekly")
    assert a == b


def test_weekly_bars_from_the_analysis_helper_also_map_tests(load_daily, iwm_base):
    bars = pytest.importorskip("bot.analysis.bars")
    if not hasattr(bars, "to_weekly"):
        pytest.skip("bot.analysis.bars.to_weekly not available")
    d = load_daily("IWM")
    w = bars.to_weekly(d[(d.index >= "2022-03-01") & (d.index <= "2023-12-15")])
    fig = base_chart_figure(w, iwm_base, ticker="IWM", timeframe="weekly")
    numbers = {t.get_text(): t for t in fig.axes[0].texts if t.get_text().isdigit()}
    for k, test in enumerate(IWM_TESTS, start=1):
        assert w["High"].iloc[int(numbers[str(k)].xy[0])] == pytest.approx(test.high, abs=0.005)


# ---------------------------------------------------------------- base chart, synthetic data


def test_synthetic_daily_and_weekly_base_charts():
    daily = synthetic_daily(300)
    for bars, tf in ((daily, "daily"), (weekly(daily), "weekly")):
        base = synthetic_base(bars)
        png = render_base_chart(bars, base, ticker="TEST", timeframe=tf)
        assert_phone_png(png)
        fig = base_chart_figure(bars, base, ticker="TEST", timeframe=tf)
        assert "TEST · " + tf + " · in base" in text_strings(fig)


def test_tiny_and_bad_inputs():
    daily = synthetic_daily(3)
    nb = BaseResult(as_of=daily.index[-1].date(), timeframe="daily", status="no_base",
                    last_close=float(daily["Close"].iloc[-1]), last_date=daily.index[-1].date())
    assert_phone_png(render_base_chart(daily, nb, ticker="T", timeframe="daily"))
    with pytest.raises(ValueError, match="Volume"):
        render_base_chart(daily.drop(columns=["Volume"]), nb, ticker="T", timeframe="daily")
    with pytest.raises(ValueError, match="no bars"):
        render_base_chart(daily.iloc[:0], nb, ticker="T", timeframe="daily")


def test_bar_position_conventions():
    days = pd.bdate_range("2023-01-02", "2023-03-31")
    assert bar_position(days, date(2023, 1, 10)) == 6
    assert bar_position(days, date(2023, 1, 14)) == days.get_loc(pd.Timestamp("2023-01-13"))  # Saturday
    assert bar_position(days, date(2022, 6, 1)) is None
    assert bar_position(days, date(2023, 6, 1)) is None
    fridays = pd.date_range("2023-01-06", periods=12, freq="W-FRI")
    assert bar_position(fridays, date(2023, 1, 10)) == 1  # Tuesday -> the week ending Friday 13th
    assert bar_position(fridays, date(2023, 1, 13)) == 1
    # Weeks labelled by their last trading day (Thursday before Good Friday 2023-04-07).
    last_days = pd.DatetimeIndex(["2023-03-31", "2023-04-06", "2023-04-14"])
    assert bar_position(last_days, date(2023, 4, 4)) == 1
    assert bar_position(last_days, date(2023, 4, 10)) == 2
    mondays = pd.date_range("2023-01-02", periods=12, freq="W-MON")
    assert bar_position(mondays, date(2023, 1, 12)) == 1  # Thursday -> the week starting Monday 9th


# ---------------------------------------------------------------- compare chart


def test_compare_two_tickers_real_ytd(ytd_comparison):
    c = ytd_comparison(("IWM", "SPY"))
    fig = compare_chart_figure(c)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["SPY +23.4%", "IWM +14.0%"]  # best first; golden numbers from the seed note
    assert len(fig.axes) == 2  # ratio panel
    ratio_line = fig.axes[1].get_lines()[-1].get_ydata()
    assert ratio_line[0] == pytest.approx(1.0)
    assert ratio_line[-1] == pytest.approx(1.1397 / 1.2342, abs=1e-3)
    png = render_compare_chart(c)
    assert_phone_png(png)


def test_compare_six_tickers_real_ytd(ytd_comparison):
    c = ytd_comparison(("SPY", "QQQ", "IWM", "MDY", "TLT", "GLD"))
    fig = compare_chart_figure(c)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(legend) == 6
    assert legend[0] == "QQQ +51.5%"
    assert {"SPY +23.4%", "IWM +14.0%", "MDY +14.6%"} <= set(legend)
    png = render_compare_chart(c)
    assert_phone_png(png)


def test_compare_without_ratio_has_one_panel():
    d = synthetic_daily(120)
    e = synthetic_daily(120, seed=11)
    norm = pd.DataFrame({"AAA": d["Close"] / d["Close"].iloc[0], "BBB": e["Close"] / e["Close"].iloc[0]})
    c = Comparison(period="6mo", start=norm.index[0].date(), end=norm.index[-1].date(), tickers=("AAA", "BBB"),
                   returns={t: float(norm[t].iloc[-1] - 1) * 100 for t in norm}, normalized=norm, ratio=None)
    fig = compare_chart_figure(c)
    assert len(fig.axes) == 1
    assert_phone_png(render_compare_chart(c))


# ---------------------------------------------------------------- price chart


def test_price_chart_draws_only_averages_with_enough_data():
    fig = price_chart_figure(synthetic_daily(120), ticker="T", timeframe="daily")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(labels) == 1 and labels[0].startswith("MA50 ")

    bars = synthetic_daily(260)
    fig = price_chart_figure(bars, ticker="T", timeframe="daily")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert [lab.split()[0] for lab in labels] == ["MA50", "MA200"]
    ma200 = fig.axes[0].get_lines()[1].get_ydata()
    assert ma200[-1] == pytest.approx(bars["Close"].iloc[-200:].mean())
    assert np.isnan(ma200[:199]).all() and np.isfinite(ma200[199:]).all()


def test_price_chart_warm_up_history_fills_the_shown_window(load_daily):
    spy = load_daily("SPY")
    spy = spy[(spy.index >= "2022-01-01") & (spy.index <= "2023-12-15")]
    fig = price_chart_figure(spy, ticker="SPY", timeframe="daily", show_last=250)
    ma200 = fig.axes[0].get_lines()[1].get_ydata()
    assert len(ma200) == 250 and np.isfinite(ma200).all()
    assert ma200[-1] == pytest.approx(spy["Close"].iloc[-200:].mean())
    assert "469.33" in text_strings(fig)  # SPY close 2023-12-15
    assert_phone_png(render_price_chart(spy, ticker="SPY", timeframe="daily", show_last=250))


# ---------------------------------------------------------------- determinism, threads, globals


def _jobs(iwm_weekly, iwm_base, comparison):
    daily = synthetic_daily(260)
    return [
        lambda: render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly"),
        lambda: render_price_chart(daily, ticker="T", timeframe="daily"),
        lambda: render_compare_chart(comparison),
        lambda: render_base_chart(daily, synthetic_base(daily), ticker="T", timeframe="daily",
                                  markers=[Marker(daily.index[-3].date(), 100.0, "Breakout", "breakout")]),
    ]


def test_threads_give_the_same_bytes_as_serial(iwm_weekly, iwm_base, ytd_comparison):
    jobs = _jobs(iwm_weekly, iwm_base, ytd_comparison(("QQQ", "SPY", "IWM")))
    serial = [job() for job in jobs]
    assert serial == [job() for job in jobs]  # deterministic bytes
    order = [i % len(jobs) for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as ex:
        threaded = list(ex.map(lambda i: jobs[i](), order))
    assert [i for i, png in zip(order, threaded) if png != serial[i]] == []


def test_rendering_leaves_global_rcparams_alone(iwm_weekly, iwm_base, ytd_comparison):
    before = dict(matplotlib.rcParams)
    for job in _jobs(iwm_weekly, iwm_base, ytd_comparison(("QQQ", "SPY"))):
        job()
    after = dict(matplotlib.rcParams)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == set()


def test_global_rcparams_do_not_leak_into_charts(iwm_weekly, iwm_base):
    clean = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    hostile = {"axes.facecolor": "white", "figure.facecolor": "yellow", "font.size": 30, "text.color": "red",
               "xtick.color": "red", "ytick.labelsize": 5, "grid.color": "red", "lines.linewidth": 9}
    with matplotlib.rc_context(hostile):
        dirty = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    assert dirty == clean


async def test_renders_run_off_the_loop(iwm_weekly, iwm_base):
    from bot.threads import off_loop

    direct = render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
    a, b = await asyncio.gather(
        off_loop(render_base_chart, iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly"),
        off_loop(render_base_chart, iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly"),
    )
    assert a == direct and b == direct


@pytest.mark.parametrize("render", ["base", "price"])
def test_volume_bars_as_one_collection_draw_what_mplfinances_bars_draw(monkeypatch, iwm_weekly, iwm_base, render):
    """draw_candles hands mplfinance's volume bars to one collection (figure.volume_bars); the
    picture is mplfinance's own bars' (fast_volume=False) but for antialiased edge pixels."""
    import functools

    import bot.charts.base_chart as base_chart
    import bot.charts.price_chart as price_chart
    from bot.charts.figure import draw_candles

    module = base_chart if render == "base" else price_chart

    def draw() -> bytes:
        if render == "base":
            return base_chart.render_base_chart(iwm_weekly, iwm_base, ticker="IWM", timeframe="weekly")
        return price_chart.render_price_chart(iwm_weekly, ticker="IWM", timeframe="weekly")

    fast = draw()
    monkeypatch.setattr(module, "draw_candles", functools.partial(draw_candles, fast_volume=False))
    plain = draw()
    a, b = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB")).astype(int) for p in (fast, plain))
    diff = np.abs(a - b).max(axis=2)
    assert a.shape == b.shape and diff.max() <= 16 and (diff > 0).mean() < 0.001
    assert count_color(fast, S.UP, tol=6) == pytest.approx(count_color(plain, S.UP, tol=6), rel=0.01)
