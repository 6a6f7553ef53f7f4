"""Discord adapters. Each module ends with async def setup(bot)."""
