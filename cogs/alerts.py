"""``alerts channel/off/status/role/digest/followups/market``: where this server's announcements go and whom they ping.

Changing anything needs Manage Server (checked on both paths; the slash group is also hidden
from members without it by default). Guild-only.
"""

from __future__ import annotations

from typing import Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import BreakoutBot
from bot.app.error_handler import permission_names
from bot.app.guild import guild_of
from bot.app.hybrid import hybrid_group
from bot.app.replies import command_prefix, send_reply
from bot.errors import BadArgument, echo
from bot.services.composition import Services
from bot.services.market_index import INDEXES
from bot.services.watchlist import DEFAULT_WATCHLIST
from bot.words import alerts as alerts_words
from bot.words import market as market_words
from bot.words import watchlist as watchlist_words
from bot.words.alerts import status_lines

# What the bot needs in the alerts channel to post an announcement with its chart.
NEEDED = ("view_channel", "send_messages", "embed_links", "attach_files")
CLEAR_WORDS = ("none", "off", "clear", "nobody", "no")


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member | None) -> list[str]:
    if me is None:
        return []
    perms = channel.permissions_for(me)
    return [p for p in NEEDED if not getattr(perms, p)]


class Alerts(commands.Cog):
    """Announcement settings of this server."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    @hybrid_group(name="alerts", invoke_without_command=True,
                           description="Breakout announcements: where they go and whom they ping",
                           extras={"examples": ["alerts status", "alerts channel #breakouts", "alerts off"]})
    @commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def alerts(self, ctx: commands.Context) -> None:
        await self._status(ctx)

    @alerts.command(name="status", description="Are alerts on, where do they go, when is the next scan",
                    extras={"examples": ["alerts status"]})
    async def alerts_status(self, ctx: commands.Context) -> None:
        await self._status(ctx)

    @alerts.command(name="channel", description="Post breakout announcements in this channel (Manage Server)",
                    extras={"examples": ["alerts channel #breakouts"]})
    @app_commands.describe(channel="The text channel for announcements")
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_channel(self, ctx: commands.Context, channel: discord.TextChannel) -> None:
        missing = missing_permissions(channel, guild_of(ctx).me)
        if missing:
            raise BadArgument(f"I can't post announcements in {channel.mention}: I need the "
                              f"{permission_names(missing)} permission there. Nothing was changed.")
        result = await self.services.alerts.set_channel(guild_of(ctx).id, channel.id)
        text = alerts_words.channel_set_headline(channel.mention)
        text += watchlist_words.channel_set(added=result.defaults_added, skipped_defaults=result.defaults_skipped,
                                            tracked=result.tracked, prefix=command_prefix(ctx),
                                            defaults=DEFAULT_WATCHLIST)
        await send_reply(ctx, content=text)

    @alerts.command(name="off", description="Stop posting announcements in this server (Manage Server)",
                    extras={"examples": ["alerts off"]})
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_off(self, ctx: commands.Context) -> None:
        was_on = await self.services.alerts.turn_off(guild_of(ctx).id)
        await send_reply(ctx, content=alerts_words.turned_off(was_on))

    @alerts.command(name="digest", description="A daily summary of the watchlist after each scan: on or off (Manage Server)",
                    extras={"examples": ["alerts digest on", "alerts digest off"]})
    @app_commands.describe(switch="on or off")
    @app_commands.choices(switch=[app_commands.Choice(name="On", value="on"),
                                  app_commands.Choice(name="Off", value="off")])
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_digest(self, ctx: commands.Context, switch: str) -> None:
        word = switch.strip().lower()
        if word not in ("on", "off"):
            raise BadArgument(alerts_words.digest_switch_unknown(switch))
        settings = await self.services.alerts.set_digest(guild_of(ctx).id, word == "on")
        await send_reply(ctx, content=alerts_words.digest_set(settings.digest_enabled,
                                                              alerts_on=settings.alerts_enabled))

    @alerts.command(name="intraday",
                    description="\"Crossing now\" during the session, settled at the close: on or off (Manage Server)",
                    extras={"examples": ["alerts intraday on", "alerts intraday off"]})
    @app_commands.describe(switch="on or off")
    @app_commands.choices(switch=[app_commands.Choice(name="On", value="on"),
                                  app_commands.Choice(name="Off", value="off")])
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_intraday(self, ctx: commands.Context, switch: str) -> None:
        word = switch.strip().lower()
        if word not in ("on", "off"):
            raise BadArgument(alerts_words.digest_switch_unknown(switch))
        settings = await self.services.alerts.set_intraday(guild_of(ctx).id, word == "on")
        await send_reply(ctx, content=alerts_words.intraday_set(settings.intraday_enabled,
                                                                alerts_on=settings.alerts_enabled))

    @alerts.command(name="followups",
                    description="A thread of follow-ups under each breakout announcement: on or off (Manage Server)",
                    extras={"examples": ["alerts followups off", "alerts followups on"]})
    @app_commands.describe(switch="on or off")
    @app_commands.choices(switch=[app_commands.Choice(name="On", value="on"),
                                  app_commands.Choice(name="Off", value="off")])
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_followups(self, ctx: commands.Context, switch: str) -> None:
        word = switch.strip().lower()
        if word not in ("on", "off"):
            raise BadArgument(alerts_words.digest_switch_unknown(switch))
        settings = await self.services.alerts.set_followups(guild_of(ctx).id, word == "on")
        await send_reply(ctx, content=alerts_words.followups_set(settings.followups_enabled,
                                                                 alerts_on=settings.alerts_enabled))

    @alerts.command(name="market", description="The market index this server follows: SPY, QQQ or IWM (Manage Server)",
                    extras={"examples": ["alerts market QQQ", "alerts market SPY"]})
    @app_commands.describe(index="SPY (default), QQQ or IWM")
    @app_commands.choices(index=[app_commands.Choice(name=i, value=i) for i in INDEXES])
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_market(self, ctx: commands.Context, index: str) -> None:
        settings = await self.services.alerts.set_market_index(guild_of(ctx).id, index)
        await send_reply(ctx, content=market_words.index_set(settings.market_index))

    @alerts.command(name="role", description="Role to ping with each announcement; leave empty for none (Manage Server)",
                    extras={"examples": ["alerts role @Traders", "alerts role none"]})
    @app_commands.describe(role="Role to mention (leave empty to ping nobody)")
    @commands.has_guild_permissions(manage_guild=True)
    async def alerts_role(self, ctx: commands.Context, role: Optional[discord.Role] = None) -> None:
        if role is None and ctx.interaction is None:
            rest = (ctx.view.read_rest() or "").strip()
            if rest and rest.lower() not in CLEAR_WORDS:
                raise BadArgument(f"`{echo(rest, 30)}` is not a role in this server. Mention one (@Traders), "
                                  "give its name, or say `none`.")
        if role is not None and role.is_default():
            raise BadArgument("I won't ping @everyone. Pick a role, or `none`.")
        await self.services.alerts.set_ping_role(guild_of(ctx).id, role.id if role else None)
        silent = role is not None and not role.mentionable and not guild_of(ctx).me.guild_permissions.mention_everyone
        await send_reply(ctx, content=alerts_words.ping_role_set(role.mention if role else None, silent=silent))

    async def _status(self, ctx: commands.Context) -> None:
        status = await self.services.alerts.status(guild_of(ctx).id, now=discord.utils.utcnow())
        settings = status.settings
        channel = guild_of(ctx).get_channel(settings.alerts_channel_id) if settings.alerts_channel_id else None
        role = guild_of(ctx).get_role(settings.ping_role_id) if settings.ping_role_id else None
        lines = status_lines(
            settings,
            tracked=status.tracked,
            pending=status.pending,
            last_scan=status.last_scan,
            next_run=status.next_run,
            unconfirmed=status.unconfirmed,
            channel_text=channel.mention if channel else (f"<#{settings.alerts_channel_id}>" if settings.alerts_channel_id else None),
            role_text=role.mention if role else (f"role {settings.ping_role_id} (deleted?)" if settings.ping_role_id else None),
        )
        personal = await self.services.personal.status_line(guild_of(ctx).id)  # counts only
        if personal:
            lines.append(personal)
        await send_reply(ctx, content="\n".join(lines))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Alerts(bot))
