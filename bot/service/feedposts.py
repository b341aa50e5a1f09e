"""Feed events another system posts (`POST /api/feed`, `PATCH /api/feed/{externalId}`), as the key's admin.

The body uses timeghost's field names. The bot keeps its own copy (what `feed` lists, for every backend) and
hands the event to the tracker too where it has a feed (the local backend, timeghost's custom feed events),
acting as the admin who made the key: nobody acts with someone else's token, and the key is only as strong
as its owner, who must still be an admin of its workspace.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from adapters.backend import Backend, Capability, ReportSource
from adapters.errors import BackendError, PermissionDenied, Unauthorized
from adapters.models import FeedEventDraft, FeedEventPatch, FeedLabel, FeedUrl, Name, User
from bot.notify.subscriptions import SubscriptionStore
from bot.service.backends import BackendRegistry
from bot.store.feed import EVENT_FIELDS, DuplicateExternalId, FeedState, Owner, StoredEvent
from bot.store.feedkeys import FeedKey
from bot.store.state import Store

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
USERS_TTL = 300.0  # seconds a workspace's people are remembered for resolving `user`
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UPN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# ---- the request body ------------------------------------------------------------------------------------


def _user_ref(value: Any) -> Any:
    """`"user": "id-or-upn"`, or timeghost's own shape `"user": {"id": …}`."""
    if isinstance(value, dict) and set(value) == {"id"}:
        return value["id"]
    return value


def _iso_text(value: Any) -> Any:
    """Times are ISO 8601 text with an offset; a number (epoch seconds?) is refused, not guessed at."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time with an offset, e.g. 2026-11-17T14:00:00+01:00")
    return value


UserRef = Annotated[str, BeforeValidator(_user_ref), Field(min_length=1, max_length=320)]
When = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_DOC = {
    "name": "What it was (the entry's description when booked).",
    "description": "More detail, shown under the name.",
    "user": 'Whose feed: an Entra object id (GUID) or a UPN; timeghost\'s {"id": …} works too.',
    "start": "ISO 8601 with an offset, e.g. 2026-11-17T14:00:00+01:00.",
    "end": "ISO 8601 with an offset; not before start.",
    "iconUrl": "An icon shown with the event (best 96×96 px, https); imageUrl is accepted too.",
    "url": "A link to the event in its own system.",
    "category": "A label to group by, e.g. Planner; events of one category learn their project together.",
    "externalId": "The event's id in its own system: PATCH /api/feed/{externalId} changes it.",
    "channel": "A channel or group chat (its conversation id) subscribed to feed: the event is posted there.",
}


class FeedEventIn(_Body):
    """`POST /api/feed`: a feed event, in timeghost's "Add Custom Feed Event" field names."""

    name: Name = Field(description=_DOC["name"])
    description: str = Field(default="", max_length=4000, description=_DOC["description"])
    user: UserRef = Field(description=_DOC["user"])
    start: When = Field(description=_DOC["start"])
    end: When = Field(description=_DOC["end"])
    icon_url: FeedUrl | None = Field(
        default=None, validation_alias=AliasChoices("iconUrl", "imageUrl"), description=_DOC["iconUrl"]
    )
    url: FeedUrl | None = Field(default=None, description=_DOC["url"])
    category: FeedLabel | None = Field(default=None, description=_DOC["category"])
    external_id: FeedLabel | None = Field(
        default=None, validation_alias="externalId", description=_DOC["externalId"]
    )
    channel: str | None = Field(default=None, min_length=1, max_length=512, description=_DOC["channel"])


class FeedEventPatchIn(_Body):
    """`PATCH /api/feed/{externalId}`: the fields to change (at least one)."""

    name: Name | None = None
    description: str | None = Field(default=None, max_length=4000)
    user: UserRef | None = None
    start: When | None = None
    end: When | None = None
    icon_url: FeedUrl | None = Field(default=None, validation_alias=AliasChoices("iconUrl", "imageUrl"))
    url: FeedUrl | None = None
    category: FeedLabel | None = None
    external_id: FeedLabel | None = Field(default=None, validation_alias="externalId")
    channel: str | None = Field(default=None, min_length=1, max_length=512)


WIRE_NAMES = {"icon_url": "iconUrl", "external_id": "externalId"}  # everything else is spelled the same


class FieldError(Exception):
    """The request is refused because of one field (400, or 404/409 with `status`)."""

    def __init__(self, field: str | None, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status


class KeyRefused(Exception):
    """The key exists but can no longer act (its owner lost admin rights or their connection)."""


def validated(model: type[_Body], body: Any) -> Any:
    """The body as `model`, or the `FieldError` naming the first field at fault (in the API's spelling)."""
    if not isinstance(body, dict):
        raise FieldError(None, "the body must be a JSON object")
    try:
        value = model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = first["loc"][0] if first["loc"] else None
        field = WIRE_NAMES.get(str(where), str(where)) if where is not None else None
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "is required"
        elif first["type"] == "extra_forbidden":
            message = "is not a field of a feed event"
        elif first["type"] == "timezone_aware":
            message = "needs a UTC offset (e.g. 2026-11-17T14:00:00+01:00 or …Z)"
        raise FieldError(field, f"{field}: {message}" if field else message) from None
    if isinstance(value, FeedEventPatchIn) and not value.model_fields_set:
        raise FieldError(None, "nothing to change: send at least one field")
    return value


# ---- storing it --------------------------------------------------------------------------------------------

Status = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Posted:
    event: StoredEvent
    status: Status


class ChannelCheck:
    """Where a `channel` named in a post is: a conversation that subscribed to `feed` in the key's tracker
    workspace (`subscribe feed`), else None. This base knows no subscriptions."""

    async def reference(self, key: FeedKey, conversation_id: str) -> dict[str, Any] | None:
        return None


class SubscribedChannels(ChannelCheck):
    """The subscriptions of `bot.notify` (entity `feed`) and the conversation references the bot keeps."""

    def __init__(self, subscriptions: SubscriptionStore, store: Store) -> None:
        self.subscriptions = subscriptions
        self.store = store

    async def reference(self, key: FeedKey, conversation_id: str) -> dict[str, Any] | None:
        subscribed = any(
            s.entity == "feed"
            and (s.tenant_id, s.backend, s.workspace_id) == (key.tenant_id, key.backend, key.workspace_id)
            for s in await self.subscriptions.of_conversation(conversation_id)
        )
        return await self.store.get_conversation_ref(conversation_id) if subscribed else None


class FeedPosts:
    """Adds and updates posted feed events for the workspace of an authenticated key."""

    def __init__(
        self, feed: FeedState, registry: BackendRegistry, channels: ChannelCheck | None = None
    ) -> None:
        self.feed = feed
        self.registry = registry
        self.channels = channels or ChannelCheck()
        self._users: dict[tuple[str, str], tuple[float, list[User]]] = {}

    async def add(self, key: FeedKey, data: FeedEventIn, now: datetime) -> Posted:
        if data.end < data.start:
            raise FieldError("end", "end: is before start")
        tracker = await self._tracker(key)
        owner = await self._owner(key, tracker, data.user)
        await self._check_channel(key, data.channel)
        fields = data.model_dump(include=set(EVENT_FIELDS))
        if data.external_id:
            existing = await self.feed.events.by_external_id(
                key.tenant_id, key.backend, key.workspace_id, data.external_id, now
            )
            if existing is not None:
                if _same(existing, owner, fields, data.channel):
                    return Posted(existing, "unchanged")  # a retried POST
                raise FieldError(
                    "externalId",
                    f"externalId: {data.external_id!r} exists; PATCH /api/feed/{{externalId}} changes it",
                    409,
                )
        try:
            stored = await self.feed.events.add(owner, fields, now=now, channel=data.channel, key_id=key.id)
        except DuplicateExternalId:
            raise FieldError("externalId", "externalId: an event with it was posted just now", 409) from None
        remote = await self._mirror_add(tracker, stored)
        if remote is not None:
            await self.feed.events.set_remote_id(stored.id, remote)
            stored = await self.feed.events.get(stored.id, now) or stored
        return Posted(stored, "created")

    async def update(self, key: FeedKey, external_id: str, data: FeedEventPatchIn, now: datetime) -> Posted:
        existing = await self.feed.events.by_external_id(
            key.tenant_id, key.backend, key.workspace_id, external_id, now
        )
        if existing is None:
            raise FieldError("externalId", f"no event with externalId {external_id!r}", 404)
        changes = {name: getattr(data, name) for name in data.model_fields_set if name in EVENT_FIELDS}
        start, end = changes.get("start", existing.start), changes.get("end", existing.end)
        if end < start:
            raise FieldError("end", "end: is before start")
        tracker = await self._tracker(key)
        if "user" in data.model_fields_set and data.user is not None:
            owner = await self._owner(key, tracker, data.user)
            changes |= {"aad_object_id": owner.aad_object_id, "user_id": owner.user_id}
        if "channel" in data.model_fields_set:
            await self._check_channel(key, data.channel)
            changes["channel"] = data.channel
        try:
            stored = await self.feed.events.update(existing.id, changes, now)
        except DuplicateExternalId:
            raise FieldError("externalId", "externalId: another event already has it", 409) from None
        await self._mirror_update(tracker, stored, changes)
        return Posted(stored, "updated")

    # ---- the tracker, acting as the key's owner ----------------------------------------------------------

    async def _tracker(self, key: FeedKey) -> Backend | None:
        """The owner's backend in the key's workspace; None when it cannot be reached (the copy still counts).
        An owner who is no longer an admin there, or whose connection is gone, makes the key refused."""
        try:
            backend = await self.registry.bind(key.owner, key.backend)
        except (Unauthorized, PermissionDenied) as exc:
            raise KeyRefused(type(exc).__name__) from exc
        except BackendError as exc:
            log.info("feed: the %s tracker is not available (%s)", key.backend, type(exc).__name__)
            return None
        if backend.workspace.id != key.workspace_id:
            return None  # the owner works in another workspace now: keep the copy only
        if not backend.user.is_admin:
            raise KeyRefused("the key's owner is no longer a workspace admin")
        return backend

    async def _people(self, tracker: Backend) -> list[User]:
        if not isinstance(tracker, ReportSource):
            return []
        cache_key = (tracker.kind, tracker.workspace.id)
        hit = self._users.get(cache_key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        try:
            users = await tracker.list_workspace_users()
        except BackendError as exc:
            log.info("feed: could not list the workspace's people (%s)", type(exc).__name__)
            return []
        self._users[cache_key] = (time.monotonic() + USERS_TTL, users)
        return users

    async def _owner(self, key: FeedKey, tracker: Backend | None, user: str) -> Owner:
        """`user` (an Entra object id or a UPN) as the person in the key's workspace."""
        people = await self._people(tracker) if tracker is not None else []
        if _GUID.fullmatch(user):
            oid = user.lower()
            found = next(
                (p for p in people if (p.aad_object_id or "").lower() == oid or p.id.lower() == oid), None
            )
            return Owner(key.tenant_id, key.backend, key.workspace_id, oid, found.id if found else None)
        if _UPN.fullmatch(user):
            if tracker is None:
                raise FieldError(
                    "user", "user: a UPN cannot be looked up right now; send the Entra object id"
                )
            upn = user.casefold()
            found = next((p for p in people if (p.email or "").casefold() == upn), None)
            if found is None:
                raise FieldError("user", f"user: nobody with the sign-in name {user!r} in this workspace")
            return Owner(key.tenant_id, key.backend, key.workspace_id, found.aad_object_id, found.id)
        raise FieldError("user", "user: must be an Entra object id (a GUID) or a UPN (name@example.com)")

    async def _check_channel(self, key: FeedKey, channel: str | None) -> None:
        if channel is not None and await self.channels.reference(key, channel) is None:
            raise FieldError("channel", "channel: that conversation has not subscribed to feed")

    async def _mirror_add(self, tracker: Backend | None, stored: StoredEvent) -> str | None:
        if tracker is None or Capability.FEED_WRITE not in tracker.capabilities or stored.user_id is None:
            return None
        draft = FeedEventDraft(
            **{name: getattr(stored, name) for name in EVENT_FIELDS}, user_id=stored.user_id
        )
        try:
            return (await tracker.create_feed_event(draft)).id
        except BackendError as exc:  # the bot's copy stands; the tracker's own feed just lacks it
            log.warning("feed: %s did not take the event (%s)", tracker.kind, type(exc).__name__)
            return None

    async def _mirror_update(
        self, tracker: Backend | None, stored: StoredEvent, changes: dict[str, Any]
    ) -> None:
        fields = {name: value for name, value in changes.items() if name in EVENT_FIELDS}
        if tracker is None or stored.remote_id is None or not fields:
            return
        try:
            await tracker.update_feed_event(stored.remote_id, FeedEventPatch(**fields))
        except BackendError as exc:
            log.warning("feed: %s did not take the change (%s)", tracker.kind, type(exc).__name__)


def _same(existing: StoredEvent, owner: Owner, fields: dict[str, Any], channel: str | None) -> bool:
    same_fields = all(
        getattr(existing, k) == (v if k != "description" else v or "") for k, v in fields.items()
    )
    same_owner = (existing.aad_object_id, existing.user_id) == (owner.aad_object_id, owner.user_id)
    return same_fields and same_owner and existing.channel == channel


def wire(posted: Posted) -> dict[str, Any]:
    """The stored event as the API answers it: timeghost's names, times in UTC with an offset."""
    e = posted.event
    return {
        "id": e.id,
        "name": e.name,
        "description": e.description,
        "user": e.aad_object_id or e.user_id,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "iconUrl": e.icon_url,
        "url": e.url,
        "category": e.category,
        "externalId": e.external_id,
        "channel": e.channel,
        "created": e.created_at.isoformat(),
        "modified": e.modified_at.isoformat(),
        "expires": e.expires_at.isoformat(),
        "status": posted.status,
        "tracker": {"backend": e.backend, "id": e.remote_id},
    }
