"""Charts: PNG bytes for Discord. Each ``render_*`` function is pure and thread-safe."""

from bot.charts.base_chart import render_base_chart
from bot.charts.compare_chart import render_compare_chart
from bot.charts.price_chart import render_price_chart

__all__ = ["render_base_chart", "render_compare_chart", "render_price_chart"]
