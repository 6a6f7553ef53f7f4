"""Reports -> Discord embeds and attachments. The words come from :mod:`bot.words` (through the reports); this only lays them out."""

from __future__ import annotations

import io

import discord

from bot.words.base import INLINE_FIELDS as BASE_INLINE_FIELDS
from bot.words.reports import stale_note
from bot.words.vocabulary import EM_DASH

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
TITLE_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
DESCRIPTION_MAX = 4096
FOOTER_MAX = 2048
FIELDS_MAX = 25

STATUS_COLOURS = {
    "no_base": discord.Colour.light_grey(),
    "in_base": discord.Colour.blue(),
    "testing": discord.Colour.gold(),
    "breakout": discord.Colour.green(),
    "failed": discord.Colour.red(),
    "faded": discord.Colour.dark_red(),
    "pressing": discord.Colour.gold(),
}
NEUTRAL = discord.Colour.blurple()


def clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_file(report) -> discord.File:
    """The report's PNG as an attachment named ``report.filename``."""
    return discord.File(io.BytesIO(report.png), filename=report.filename)


def _embed(title: str, colour: discord.Colour, report, *, description: str | None = None) -> discord.Embed:
    parts = []
    if getattr(report, "stale", False):
        parts.append(stale_note(report.data_date))
    if description:
        parts.append(description)
    embed = discord.Embed(
        title=clip(title, TITLE_MAX),
        colour=colour,
        description=clip("\n".join(parts), DESCRIPTION_MAX) if parts else None,
    )
    embed.set_footer(text=clip(report.footer, FOOTER_MAX))
    return embed


def _add_fields(embed: discord.Embed, fields, *, inline_names=()) -> None:
    for name, value in list(fields)[:FIELDS_MAX]:
        embed.add_field(
            name=clip(name, FIELD_NAME_MAX),
            value=clip(value or EM_DASH, FIELD_VALUE_MAX),
            inline=name in inline_names,
        )


def _attach_image(embed: discord.Embed, report) -> None:
    embed.set_image(url=f"attachment://{report.filename}")


def base_embed(report) -> discord.Embed:
    """``base``: headline, the level fields, the chart inside the embed."""
    colour = STATUS_COLOURS.get(report.result.status, NEUTRAL)
    embed = _embed(report.headline, colour, report)
    _add_fields(embed, report.fields, inline_names=BASE_INLINE_FIELDS)
    _attach_image(embed, report)
    return embed


def compare_embed(report) -> discord.Embed:
    """``compare``: the returns table and the ratio, the chart inside the embed."""
    embed = _embed(report.headline, NEUTRAL, report)
    _add_fields(embed, report.fields)
    _attach_image(embed, report)
    return embed


def perf_embed(report) -> discord.Embed:
    """``perf``: the period-return table as a code block."""
    note = f"\n*{report.note}*" if getattr(report, "note", "") else ""
    return _embed(report.headline, NEUTRAL, report, description=f"```\n{report.text}\n```{note}")


def price_embed(report) -> discord.Embed:
    """``chart``: headline and the chart."""
    embed = _embed(report.headline, NEUTRAL, report)
    _attach_image(embed, report)
    return embed


def setups_embed(report, page: int = 0) -> discord.Embed:
    """``setups``: the headline, one page of the table (and who was left out), the grid below."""
    pages = report.pages()
    parts = [pages[min(page, len(pages) - 1)]]
    if report.missing_note:
        parts.append(f"*{report.missing_note}*")
    embed = _embed(report.headline, NEUTRAL, report, description="\n\n".join(parts))
    if report.png:
        _attach_image(embed, report)
    return embed


def scorecard_embed(report) -> discord.Embed:
    """``scorecard``: the outcome counts and the record as a code block, the notes, each alert in
    a field (newest first), the outcome picture inside the embed."""
    from bot.words.scorecard import ALERTS_FIELD

    description = "\n".join([report.counts, f"```\n{report.text}\n```", *report.notes])
    embed = _embed(report.headline, NEUTRAL, report, description=description)
    _add_fields(embed, [(ALERTS_FIELD, _field_lines(report.lines))])
    _attach_image(embed, report)
    return embed


def _field_lines(lines) -> str:
    """As many whole lines as one field holds, then how many did not fit."""
    from bot.words.scorecard import more_alerts

    out, size = [], 0
    for k, line in enumerate(lines):
        rest = len(lines) - k - 1
        tail = len(more_alerts(len(lines))) + 1 if rest else 0  # room to say how many more
        if size + len(line) + 1 + tail > FIELD_VALUE_MAX:
            out.append(more_alerts(len(lines) - k))
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def odds_embed(report) -> discord.Embed:
    """``odds``: the rates as a code block, the notes, the outcome distribution inside the embed."""
    description = "\n".join([f"```\n{report.text}\n```", *report.notes])
    embed = _embed(report.headline, NEUTRAL, report, description=description)
    _attach_image(embed, report)
    return embed
