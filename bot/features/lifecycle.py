"""Install, welcome and removal: greet with the help card, remember the conversation for proactive
messages, and forget it (subscriptions, queued sends) when the bot is removed from it."""

from __future__ import annotations

import logging

from bot.activity import Activity, OutgoingMessage, TurnResult
from bot.features import signin
from bot.features.respond import render
from bot.notify import forget_conversation
from bot.routing.filters import AppInstalled, AppRemovedByPerson, AppUninstalled, BotWasAdded, BotWasRemoved
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.outcomes import HelpShown
from bot.service.welcome import welcome as first_steps

log = logging.getLogger(__name__)
router = Router("lifecycle")


async def remember(turn: Turn, *, force: bool = False) -> None:
    """Keep the conversation reference (every activity brings the freshest): notifications need it later."""
    activity = turn.activity
    if activity.service_url and activity.conversation.id:
        await turn.services.store.save_conversation_ref(
            activity.conversation.id,
            turn.state_key.tenant_id,
            activity.reference(),
            scope=activity.scope,
            aad_object_id=activity.from_.aad_object_id,
            force=force,
        )


async def installed(turn: Turn) -> TurnResult:
    await remember(turn, force=True)
    return TurnResult()


def added_name(activity: Activity) -> str | None:
    """The display name of the person added with the bot: the member matching the sender, else the only
    other member with a name. A conversationUpdate's `from` carries no name of the person (Teams and the
    Playground send an id only), so it is never used; no name is better than a wrong one."""
    people = [m for m in activity.members_added if m.id != activity.recipient.id and (m.name or "").strip()]
    sender = activity.from_
    for member in people:
        if member.id == sender.id or (member.aad_object_id and member.aad_object_id == sender.aad_object_id):
            return member.name
    return people[0].name if len(people) == 1 else None


async def welcome(turn: Turn) -> TurnResult:
    """Teams sends both `installationUpdate` and `conversationUpdate` on install: greet on the latter only,
    with the first steps for this person (their projects, time zone, tracker); the overview of commands if
    the sender cannot be told apart."""
    await remember(turn, force=True)
    ctx = await turn.user()
    outcome = await first_steps(ctx, added_name(turn.activity)) if ctx is not None else HelpShown()
    return TurnResult(messages=[OutgoingMessage(card=render(turn, outcome))])


async def removed(turn: Turn) -> TurnResult:
    """The app was uninstalled or the bot removed: nothing may be posted there any more."""
    conversation_id = turn.activity.conversation.id
    queue = turn.services.notifications
    if conversation_id and queue is not None:
        reason = "the bot was removed from the conversation"
        await forget_conversation(
            queue, conversation_id, reason, turn.services.clock(), turn.services.subscriptions
        )
    if conversation_id:
        await turn.services.store.delete_conversation_ref(conversation_id)
    if AppRemovedByPerson(turn.activity):
        return await signin.uninstalled(turn)  # their sign-ins go too
    return TurnResult()


router.add(BotWasAdded, welcome)
router.add(AppInstalled, installed)
router.add(BotWasRemoved | AppUninstalled, removed)
