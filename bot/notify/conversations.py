"""A conversation the bot left (uninstalled, removed, or Teams answers 403/404): forget what was for it."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.notify.queue import NotificationQueue

log = logging.getLogger(__name__)


async def forget_conversation(
    queue: NotificationQueue, conversation_id: str, reason: str, now: datetime
) -> int:
    """Drop the conversation's queued sends (kept as `dropped` with the reason); returns how many."""
    async with queue.engine.begin() as conn:
        dropped = await queue.drop_conversation(conversation_id, reason, now, conn=conn)
    log.info("forgot a conversation (%s): %d queued sends dropped", reason, dropped)
    return dropped
