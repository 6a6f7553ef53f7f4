"""The words of ``compare`` and ``perf``: the returns table, the ratio line, the headlines."""

from __future__ import annotations

from datetime import date

from bot.analysis.models import Comparison
from bot.words.vocabulary import day, pct


def returns_table(c: Comparison) -> str:
    """A monospace table of period returns, best first."""
    width = max(len(t) for t in c.tickers)
    rows = sorted(c.returns.items(), key=lambda kv: kv[1], reverse=True)
    out = [f"{'':{width}}  {c.period.upper():>8}"]
    out += [f"{t:{width}}  {r:>+7.1f}%" for t, r in rows]
    return "\n".join(out)


def comparison_fields(c: Comparison) -> list[tuple[str, str]]:
    fields = [(f"Returns {c.period.upper()} ({day(c.start)} → {day(c.end)})", f"```\n{returns_table(c)}\n```")]
    if c.ratio is not None and len(c.tickers) >= 2:
        a, b = c.tickers[0], c.tickers[1]
        value = float(c.ratio.iloc[-1])
        verdict = "outperformed" if value > 1 else "underperformed" if value < 1 else "matched"
        gap = pct(abs(value - 1) * 100, signed=False)
        fields.append((f"Ratio {a}/{b}", f"{value:.3f} — {a} {verdict} {b} by {gap}"))
    return fields


def comparison_headline(c: Comparison) -> str:
    return f"{' vs '.join(c.tickers)} · {c.period.upper()}"


def perf_headline(period: str, start: date, end: date) -> str:
    """'Performance YTD · 2024-01-02 → 2024-06-28'."""
    return f"Performance {period.upper()} · {day(start)} → {day(end)}"
