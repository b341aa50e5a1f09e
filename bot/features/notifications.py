"""Renderers for the notification queue's kinds (cards are built here, at send time, in the conversation's
language). Kind `message` (a ready `OutgoingMessage`) is built into the worker; features add their kinds."""

from __future__ import annotations

from bot.notify import Renderer

RENDERERS: dict[str, Renderer] = {}
