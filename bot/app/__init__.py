"""The Discord face of the bot: client factory, embeds, views. Only this package and cogs import discord."""
