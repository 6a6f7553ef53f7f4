"""Bases: the ranges a ticker keeps failing to clear, at two scales, and where price stands.

``finder`` answers "what is the base as of a day" (:func:`find_base`), ``scan`` builds the
candidate structures from bars, ``pivots`` finds distinct touches of a level, ``params`` holds
the tunables.
"""

from bot.analysis.base.finder import chart_window, find_base, forget_before, settle, share_arrays
from bot.analysis.base.memo import FinderMemo
from bot.analysis.base.params import BaseParams

__all__ = ["BaseParams", "FinderMemo", "chart_window", "find_base", "forget_before", "settle", "share_arrays"]
