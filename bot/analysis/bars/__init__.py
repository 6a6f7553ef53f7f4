"""Bars: price frames as numpy arrays (daily, weekly W-FRI) and the causal indicators on them."""

from bot.analysis.bars.arrays import (
    BarArrays,
    daily_arrays,
    date_to_day,
    day_numbers,
    day_to_date,
    days_to_index,
    last_date,
    to_weekly,
    week_ids,
    weekly_arrays,
)
from bot.analysis.bars.daily import DailyBars
from bot.analysis.bars.indicators import atr, atr_values, true_range, volume_ratio

__all__ = [
    "BarArrays", "DailyBars", "atr", "atr_values", "daily_arrays", "date_to_day", "day_numbers", "day_to_date", "days_to_index",
    "last_date", "to_weekly", "true_range", "volume_ratio", "week_ids", "weekly_arrays",
]
