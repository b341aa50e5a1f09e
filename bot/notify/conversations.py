"""A conversation the bot left (uninstalled, removed, or Teams answers 403/404): forget what was for it —
its subscriptions, its queued sends (kept as `dropped` with the reason) and its conversation reference."""

from __future__ import annotations

import logging
from datetime import datetime

from adapters.sql import write
from bot.notify.queue import NotificationQueue
from bot.notify.subscriptions import SubscriptionStore
from bot.store import tables as t

log = logging.getLogger(__name__)


async def forget_conversation(
    queue: NotificationQueue,
    conversation_id: str,
    reason: str,
    now: datetime,
    subscriptions: SubscriptionStore | None = None,
) -> int:
    """Returns how many queued sends were dropped. Webhook endpoints no conversation uses any more are
    forgotten too (their deliveries are then refused)."""
    async with write(queue.engine) as conn:
        dropped = await queue.drop_conversation(conversation_id, reason, now, conn=conn)
        removed = await subscriptions.remove(conversation_id, conn=conn) if subscriptions else []
        await conn.execute(t.conversation_refs.delete().where(t.conversation_refs.c.key == conversation_id))
    if subscriptions is not None:
        for backend, workspace_id in {(s.backend, s.workspace_id) for s in removed}:
            if not await subscriptions.workspace_in_use(backend, workspace_id) - {"feed"}:  # feed: no webhook
                endpoint = await subscriptions.endpoint_for(backend, workspace_id)
                if endpoint is not None:
                    await subscriptions.delete_endpoint(endpoint.token)
    log.info("forgot a conversation (%s): %d subscriptions, %d queued sends", reason, len(removed), dropped)
    return dropped
