"""The intraday watch's Discord messages: the "crossing now" notice (embed, the levels the
announcements show, the day's chart so far), the close's reply to it, and the notice's footer
once settled. Never a ping: the notice is news of a price, not of a close."""

from __future__ import annotations

import io
from datetime import date, datetime

import discord

from bot.analysis.levels import levels_of
from bot.app.announce_embeds import NEUTRAL, AnnouncementMessage
from bot.app.embeds import DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, TITLE_MAX, clip
from bot.services.common import safe_filename
from bot.services.scan import Delivery
from bot.words import intraday as words
from bot.words.levels import levels_fields

UP_COLOUR, DOWN_COLOUR = 0xF9A825, 0xEF6C00
CONFIRMED, WITHDRAWN = 0x2E7D32, 0x546E7A


def notice_filename(payload: dict) -> str:
    return safe_filename(payload["ticker"], "intraday", payload["session"])


def notice_embed(payload: dict, key: str, *, image: str | None = None, footer: str | None = None) -> discord.Embed:
    up = payload["direction"] == "up"
    at = datetime.fromisoformat(payload["quote_at"])
    session = date.fromisoformat(payload["session"])
    embed = discord.Embed(
        title=clip(words.notice_title(payload["ticker"], payload["line"], up), TITLE_MAX),
        description=clip(words.crossing_notice(payload["ticker"], payload["line"], payload["price"], at,
                                               payload.get("pace"), up) + "\n" +
                         words.notice_lines(payload["prev_close"], up), DESCRIPTION_MAX),
        colour=discord.Colour(UP_COLOUR if up else DOWN_COLOUR))
    if payload.get("zone_low") is not None and payload.get("zone_high") is not None:
        lv = levels_of(payload["zone_low"], payload["zone_high"], payload["price"],
                       breakout_close=payload.get("breakout_close"))
        for name, value in levels_fields(lv, broken_out=not up):
            embed.add_field(name=clip(name, FIELD_NAME_MAX), value=clip(value, FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=clip(footer or words.notice_footer(session, key), FOOTER_MAX))
    if image:
        embed.set_image(url=f"attachment://{image}")
    return embed


def notice_message(delivery: Delivery, png: bytes | None) -> AnnouncementMessage:
    payload = delivery.need_intraday()
    name = notice_filename(payload) if png else None
    return AnnouncementMessage(content=None, embed=notice_embed(payload, delivery.key, image=name),
                               file=discord.File(io.BytesIO(png), filename=name) if png else None,
                               allowed_mentions=discord.AllowedMentions.none())


def settled_notice_embed(delivery: Delivery) -> discord.Embed:
    """The notice's embed as posted, its footer now saying how the close settled it."""
    notice, reply = delivery.need_notice(), delivery.need_intraday()
    key = notice["key"]
    footer = words.settled_notice_footer(reply["outcome"], reply["close"], date.fromisoformat(reply["session"]), key)
    return notice_embed(notice, key, image=notice_filename(notice) if notice.get("bars", {}).get("t") else None,
                        footer=footer)


def settlement_message(delivery: Delivery, linked_url: str | None) -> AnnouncementMessage:
    r = delivery.need_intraday()
    up = r["direction"] == "up"
    text = words.settled(r["outcome"], r["close"], up, reason=r.get("reason", ""), line=r.get("line"))
    if linked_url:
        text += "\n" + words.linked_line(linked_url)
    embed = discord.Embed(description=clip(text, DESCRIPTION_MAX),
                          colour=discord.Colour(CONFIRMED if r["outcome"] == "confirmed" else WITHDRAWN or NEUTRAL))
    embed.set_footer(text=clip(words.reply_footer(date.fromisoformat(r["session"]), delivery.key), FOOTER_MAX))
    return AnnouncementMessage(content=None, embed=embed, allowed_mentions=discord.AllowedMentions.none())
