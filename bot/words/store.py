"""What ``db copy`` says."""

from __future__ import annotations

from collections.abc import Sequence

from bot.words.rows import CopiedTable


def copy_lines(source: str, target: str, counts: Sequence[CopiedTable]) -> list[str]:
    """``counts``: (table, source rows, target rows) items, already verified equal."""
    width = max(len(c.table) for c in counts)
    total = sum(c.target_rows for c in counts)
    lines = [f"Copied {source} -> {target}: {total:,} rows, every table's count verified."]
    lines += [f"  {c.table:<{width}}  {c.source_rows:>10,} -> {c.target_rows:>10,}" for c in counts]
    return lines
