"""The only code in timebot that speaks Bot Framework: HTTP endpoint, JWT auth, outbound connector.

Everything else sees `bot.activity` types only, so replacing botbuilder (end of life since 2025-12-31)
with the Teams SDK for Python touches this package alone.
"""

from bot.transport.connector import ConnectorClient, ConnectorError, RetryPolicy
from bot.transport.ratelimit import RateLimits, Window
from bot.transport.server import create_web_app, serve

__all__ = [
    "ConnectorClient",
    "ConnectorError",
    "RateLimits",
    "RetryPolicy",
    "Window",
    "create_web_app",
    "serve",
]
