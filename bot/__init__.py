"""timebot: the Teams-facing application. Only `bot.transport` imports botbuilder."""
