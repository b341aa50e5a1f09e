"""Outbound messages the bot sends on its own: change cards, digests, feed posts, reminders.

The delivery API (everything that posts proactively goes through it, so nothing is lost or sent twice):

    queue = services.notifications          # a NotificationQueue (None when not wired)
    await queue.enqueue(
        reference,                          # a stored conversation reference (Activity.reference())
        "message",                          # the kind: which renderer makes the message at send time
        message_item(OutgoingMessage(card=…)),  # one JSON item for that renderer
        locale="de-DE", now=ctx.now,
        key="feed:tenant:ext-42:v3",        # idempotency: the same key is queued once, ever
        coalesce=Coalesce("changes", timedelta(seconds=30)),  # optional: one message, updated in place
        conn=conn,                          # optional: inside your own transaction
    )

The row is committed before `enqueue` returns (or with `conn`'s transaction), so enqueue before you
acknowledge whatever triggered the message. `DeliveryWorker` posts it through the transport's rate-limited
`ProactiveSender`, retries (Retry-After, backoff with jitter) until `expires_at`, keeps each conversation's
order, and drops a conversation the bot was removed from (`forget_conversation`). Kind `message` sends the
item as an `OutgoingMessage`; other kinds (e.g. `changes`, the digest) have a renderer registered in
`bot.features.notifications.RENDERERS` that gets all coalesced items and their count.
"""

from bot.notify.conversations import forget_conversation
from bot.notify.queue import Claimed, Coalesce, NotificationQueue
from bot.notify.worker import DeliveryWorker, Renderer, Rendering, message_item

__all__ = [
    "Claimed",
    "Coalesce",
    "DeliveryWorker",
    "NotificationQueue",
    "Renderer",
    "Rendering",
    "forget_conversation",
    "message_item",
]
