"""`subscribe`, `unsubscribe`, `subscriptions`: which changes this conversation is told about.

A subscription belongs to the conversation and the subscriber's tracker workspace; the subscriber's own
credentials register the backend's webhook (once per workspace, `bot.notify.registration`). In a channel
or group chat the workspace's "only admins may create projects" switch decides who may subscribe; in a
personal chat a person subscribes to changes of their own entries made elsewhere.
"""

from __future__ import annotations

import logging

from adapters.errors import BackendError
from bot.i18n import Message
from bot.notify.registration import SUPPORTED, register, unregister
from bot.notify.sources.awork import HEADER
from bot.notify.subscriptions import Subscription, SubscriptionStore
from bot.operations import ListSubscriptions, ProjectRef, Subscribe, Unsubscribe
from bot.service.common import can_create_master_data
from bot.service.context import Conversation, UserContext
from bot.service.outcomes import Outcome, Problem, SubscriptionsShown
from bot.service.resolve import ResolvedProject, resolve_project
from bot.views.backends import backend_name
from bot.views.changes import ENTITY_ORDER, EVENT_ORDER, SubscriptionRow, SubscriptionsView

log = logging.getLogger(__name__)
FEED = "feed"  # a channel hears of events posted to `POST /api/feed` for it; every backend has that


def _where(ctx: UserContext) -> tuple[Conversation, SubscriptionStore] | Problem:
    if ctx.conversation is None:
        return Problem("error.no_identity")
    if ctx.services.subscriptions is None:
        return Problem("subscribe.not_configured")
    return ctx.conversation, ctx.services.subscriptions


async def _view(ctx: UserContext, conversation: Conversation, store: SubscriptionStore) -> SubscriptionsView:
    mine = [
        s
        for s in await store.of_conversation(conversation.id)
        if s.backend == ctx.backend.kind and s.workspace_id == ctx.backend.workspace.id
    ]
    rows = sorted(
        (
            SubscriptionRow(entity=s.entity, events=s.events, projects=[p["name"] for p in s.projects])
            for s in mine
        ),
        key=lambda r: ENTITY_ORDER.index(r.entity) if r.entity in ENTITY_ORDER else 99,
    )
    may = conversation.scope == "personal" or await can_create_master_data(ctx)
    setup = None
    if ctx.backend.kind == "awork" and conversation.scope == "personal":
        endpoint = await store.endpoint_for("awork", ctx.backend.workspace.id)
        if endpoint is not None and endpoint.owner_aad_object_id == ctx.identity.aad_object_id:
            url = str(endpoint.remote.get("url") or "")
            setup = {"url": url, "header": HEADER, "value": endpoint.secret}
    return SubscriptionsView(
        backend=ctx.backend.kind,
        workspace=ctx.backend.workspace.name,
        scope=conversation.scope,
        rows=rows,
        may_change=may,
        setup=setup,
    )


async def _projects(ctx: UserContext, refs: list[ProjectRef]) -> list[dict[str, str]] | Problem:
    if not refs:
        return []
    data = await ctx.refdata()
    found: list[dict[str, str]] = []
    for ref in refs:
        resolved = resolve_project(ref, data)
        if not isinstance(resolved, ResolvedProject):
            return Problem("error.not_found", {"detail": f"@{ref.text}"})
        found.append({"id": resolved.project.id, "name": resolved.project.name})
    return found


async def subscribe(ctx: UserContext, op: Subscribe) -> Outcome:
    where = _where(ctx)
    if isinstance(where, Problem):
        return where
    conversation, store = where
    kind = ctx.backend.kind
    if conversation.scope == "personal" and set(op.entities) != {"times"}:
        return Problem("subscribe.personal_times_only")
    if conversation.scope != "personal" and not await can_create_master_data(ctx):
        return Problem("subscribe.admins_only")
    for entity in op.entities:
        if entity != FEED and entity not in SUPPORTED.get(kind, ()):
            return Problem("subscribe.unsupported", {"backend": backend_name(kind), "entity": entity})
    projects = await _projects(ctx, op.projects)
    if isinstance(projects, Problem):
        return projects
    try:
        # Feed events come through our own API: there is nothing to register for them.
        changes = {str(entity) for entity in op.entities} - {FEED}
        if changes:
            await register(ctx.backend, store, ctx.identity, changes, ctx.services.public_url, ctx.now)
    except BackendError as exc:
        log.info("webhook registration with %s failed: %s", kind, type(exc).__name__)
        return Problem(
            "subscribe.registration_failed", {"backend": backend_name(kind), "detail": exc.message}
        )
    events: list[str] = [e for e in EVENT_ORDER if e in op.events]
    existing = {s.entity: s for s in await store.of_conversation(conversation.id) if s.backend == kind}
    for entity in op.entities:
        kept = existing[entity].projects if op.keep_projects and entity in existing else projects
        await store.put(
            Subscription(
                conversation_id=conversation.id,
                tenant_id=conversation.tenant_id,
                scope=conversation.scope,
                backend=kind,
                workspace_id=ctx.backend.workspace.id,
                entity=entity,
                events=events,
                projects=kept,
                owner_tenant_id=ctx.identity.tenant_id,
                owner_aad_object_id=ctx.identity.aad_object_id,
                owner_user_id=ctx.backend.user.id,
                owner_name=ctx.identity.name,
                locale=ctx.locale,
                timezone=str(ctx.tz),
            ),
            ctx.now,
        )
    hints: list[Message] = []
    if kind == "awork":
        hints.append(
            Message(
                "subscribe.setup_in_personal" if conversation.scope != "personal" else "subscribe.setup_awork"
            )
        )
    if kind == "focus":
        minutes = max(1, round(ctx.services.poll_seconds / 60))
        hints.append(Message("subscribe.polled", {"backend": backend_name(kind), "count": minutes}))
    done = "subscribed_personal" if conversation.scope == "personal" else "subscribed"
    return SubscriptionsShown(
        await _view(ctx, conversation, store),
        done=done,
        entities=list(op.entities),
        events=events,
        hints=hints,
    )


async def unsubscribe(ctx: UserContext, op: Unsubscribe) -> Outcome:
    where = _where(ctx)
    if isinstance(where, Problem):
        return where
    conversation, store = where
    if conversation.scope != "personal" and not await can_create_master_data(ctx):
        return Problem("subscribe.admins_only")
    removed = await store.remove(conversation.id, list(op.entities) if op.entities else None)
    await release_unused(ctx, store, {(s.backend, s.workspace_id) for s in removed})
    entities = sorted({s.entity for s in removed}, key=ENTITY_ORDER.index)
    return SubscriptionsShown(
        await _view(ctx, conversation, store),
        done="removed" if removed else "nothing_removed",
        entities=entities,
    )


async def release_unused(
    ctx: UserContext, store: SubscriptionStore, workspaces: set[tuple[str, str]]
) -> None:
    """Remove the webhooks of workspaces nobody subscribes to any more (with the caller's credentials)."""
    for backend_kind, workspace_id in workspaces:
        if await store.workspace_in_use(backend_kind, workspace_id) - {FEED}:
            continue
        endpoint = await store.endpoint_for(backend_kind, workspace_id)
        if endpoint is None:
            continue
        if ctx.backend.kind == backend_kind and ctx.backend.workspace.id == workspace_id:
            await unregister(ctx.backend, store, endpoint)
        else:
            await store.delete_endpoint(endpoint.token)


async def list_subscriptions(ctx: UserContext, op: ListSubscriptions) -> Outcome:
    where = _where(ctx)
    if isinstance(where, Problem):
        return where
    conversation, store = where
    return SubscriptionsShown(await _view(ctx, conversation, store))
