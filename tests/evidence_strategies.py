"""Hypothesis strategies for the evidence types (bot.analysis.evidence)."""

from datetime import date

from hypothesis import strategies as st

from bot.analysis.evidence import Evidence, MarketState, Trend

# the 200-day's rising needs the 200-day itself (trend_at gives rising only with above_200)
trends = st.builds(Trend, st.booleans(), st.none(), st.none()) | st.builds(Trend, st.booleans(), st.booleans(), st.none() | st.booleans())
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
markets = st.builds(
    MarketState,
    index=st.sampled_from(["SPY", "QQQ", "IWM"]),
    as_of=days,
    state=st.sampled_from(["uptrend", "under_pressure", "correction"]),
    distribution_days=st.lists(days, max_size=8).map(lambda xs: tuple(sorted(xs))),
    follow_through=st.none() | days,
    rally_day=st.none() | st.integers(1, 60),
)
evidences = st.builds(
    Evidence,
    volume_ratio=st.none() | st.floats(0, 50, allow_nan=False),
    rs_high=st.none() | st.booleans(),
    rs_rank=st.none() | st.integers(1, 99),
    trend=st.none() | trends,
    market=st.none() | markets,
    earnings=st.none() | days,
    earnings_sessions=st.none() | st.integers(0, 80),
)
