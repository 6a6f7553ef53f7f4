"""Announcement -> Discord message parts: embed, chart attachment, mentions.

No mentions at all unless the server chose a role to ping; then that role only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import discord

from bot.analysis.events.types import KIND_PRIORITY, Event
from bot.analysis.models import Marker
from bot.app.embeds import DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FIELDS_MAX, FOOTER_MAX, TITLE_MAX, clip
from bot.services.common import safe_filename
from bot.services.scan import Delivery
from bot.words import intraday as intraday_words
from bot.words import personal as personal_words
from bot.words.announcements import INLINE_FIELDS, Announcement, build_announcement
from bot.words.charts import marker_label
from bot.words.followups import follow_up_text
from bot.words.vocabulary import EM_DASH

# Embed colours by event.
COLOURS = {"breakout": 0x2E7D32, "failed": 0xC62828, "faded": 0xEF6C00, "busted": 0x6A1B9A, "testing": 0xF9A825}
NEUTRAL = 0x546E7A


def event_marker(event: Event) -> Marker:
    """The chart marker for an event: its bar and close."""
    kind = event.kind
    return Marker(
        date=event.date,
        price=float(event.close),
        label=marker_label(kind),
        kind=kind if kind in KIND_PRIORITY else "note",
    )


def chart_filename(event: Event) -> str:
    return safe_filename(event.ticker, event.kind, event.date.isoformat())


def announcement_embed(a: Announcement, *, image: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=clip(a.title, TITLE_MAX), description=clip(a.description, DESCRIPTION_MAX),
                          colour=discord.Colour(COLOURS.get(a.kind, NEUTRAL)))
    for name, value in a.fields[:FIELDS_MAX]:
        embed.add_field(name=clip(name, FIELD_NAME_MAX), value=clip(value or EM_DASH, FIELD_VALUE_MAX),
                        inline=name in INLINE_FIELDS)
    embed.set_footer(text=clip(a.footer, FOOTER_MAX))
    if image:
        embed.set_image(url=f"attachment://{image}")
    return embed


def allowed_mentions_for(ping_role_id: int | None) -> discord.AllowedMentions:
    if ping_role_id is None:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                   roles=[discord.Object(id=int(ping_role_id))])


@dataclass(frozen=True)
class AnnouncementMessage:
    content: str | None
    embed: discord.Embed
    file: discord.File | None = field(default=None)
    allowed_mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.content, "embed": self.embed, "allowed_mentions": self.allowed_mentions}
        if self.file is not None:
            kwargs["file"] = self.file
        return kwargs


def announcement_message(delivery: Delivery, png: bytes | None = None, notice_url: str | None = None) -> AnnouncementMessage:
    """``delivery``: the queued event, its key and the role to ping; ``png``: the chart;
    ``notice_url``: the session's "crossing now" notice of it, linked under the description."""
    event = delivery.need_event()
    a = build_announcement(event, delivery.key, delivery.evidence, delivery.odds)
    if notice_url:
        a = replace(a, description=f"{a.description}\n{intraday_words.noticed_line(notice_url)}")
    name = chart_filename(event) if png else None
    role = delivery.ping_role_id
    return AnnouncementMessage(
        content=f"<@&{int(role)}>" if role else None,
        embed=announcement_embed(a, image=name),
        file=discord.File(io.BytesIO(png), filename=name) if png else None,
        allowed_mentions=allowed_mentions_for(role),
    )


FOLLOWUP_COLOURS = {"day1": NEUTRAL, "throwback": 0xF9A825, "extended": 0x2E7D32, "up10": 0x2E7D32,
                    "up20": 0x2E7D32, "failed": COLOURS["failed"], "faded": COLOURS["faded"],
                    "busted": COLOURS["busted"], "summary": NEUTRAL}


def followup_message(delivery: Delivery) -> AnnouncementMessage:
    """A follow-up in a breakout's thread: a small embed, its key in the footer, never a ping."""
    t = follow_up_text(delivery.need_followup())
    embed = discord.Embed(title=clip(t.title, TITLE_MAX), description=clip("\n".join(t.lines), DESCRIPTION_MAX),
                          colour=discord.Colour(FOLLOWUP_COLOURS.get(t.kind, NEUTRAL)))
    embed.set_footer(text=clip(f"{t.footer} · {delivery.key}", FOOTER_MAX))
    return AnnouncementMessage(content=None, embed=embed, allowed_mentions=discord.AllowedMentions.none())


def carries_key(message: discord.Message, key: str) -> bool:
    """Whether a posted message is the announcement with idempotency ``key`` (in its footer)."""
    return any(key and key in (e.footer.text or "") for e in message.embeds)


def digest_message(report, delivery: Delivery) -> AnnouncementMessage:
    """The daily digest (``report``: a :class:`bot.services.setups.DigestReport`): its sections,
    the grid, the outbox key in the footer; the server's role pinged like an announcement."""
    embed = discord.Embed(title=clip(report.title, TITLE_MAX), colour=discord.Colour(NEUTRAL))
    for name, value in report.fields[:FIELDS_MAX]:
        embed.add_field(name=clip(name, FIELD_NAME_MAX), value=clip(value or EM_DASH, FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=clip(report.footer(delivery.key), FOOTER_MAX))
    file = None
    if report.png:
        embed.set_image(url=f"attachment://{report.filename}")
        file = discord.File(io.BytesIO(report.png), filename=report.filename)
    role = delivery.ping_role_id
    return AnnouncementMessage(content=f"<@&{int(role)}>" if role else None, embed=embed, file=file,
                               allowed_mentions=allowed_mentions_for(role))


def firing_marker(delivery: Delivery) -> Marker:
    """The chart marker of a personal alert's firing: its event's, else its close."""
    if delivery.event is not None:
        return event_marker(delivery.event)
    f = delivery.need_firing()
    return Marker(date=date.fromisoformat(f["date"]), price=float(f["close"]), label=str(f["kind"]), kind="note")


def personal_message(delivery: Delivery, png: bytes | None = None) -> AnnouncementMessage:
    """A member's alert firing: the announcement's embed (an event alert) or the level's, with
    the chart, led by one line naming their alert. In a channel it mentions that member only."""
    p = delivery.need_personal()
    if delivery.event is not None:
        a = build_announcement(delivery.event, delivery.key, delivery.evidence)
        name = chart_filename(delivery.event) if png else None
    else:
        a = personal_words.build_firing(delivery.need_firing(), delivery.key, delivery.evidence)
        name = safe_filename(a.ticker, a.kind, a.data_date.isoformat()) if png else None
    lead = personal_words.firing_lead(p.text)
    mentions = discord.AllowedMentions.none()
    if p.in_channel:
        lead = f"<@{int(p.user_id)}> {lead}"
        if p.fallback:
            lead += " " + personal_words.dm_closed_note()
        mentions = discord.AllowedMentions(everyone=False, roles=False, replied_user=False,
                                           users=[discord.Object(id=int(p.user_id))])
    return AnnouncementMessage(content=lead, embed=announcement_embed(a, image=name),
                               file=discord.File(io.BytesIO(png), filename=name) if png else None,
                               allowed_mentions=mentions)
