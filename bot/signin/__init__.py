"""Signing people in: Teams SSO with on-behalf-of, the bot-served link flow, awork OAuth, token lookup.

Below routing and above the adapters: nothing here imports botbuilder (only `bot/transport` does) or builds
cards; outcomes go back to `bot.features.signin`, which lays them out.
"""
