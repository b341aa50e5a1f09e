"""Tables of the bot's own state (SQLAlchemy Core, own `MetaData`, the shared naming convention)."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql import NAMING_CONVENTION, UtcDateTime

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

user_prefs = sa.Table(
    "bot_user_prefs",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    sa.Column("timezone", sa.String(64), nullable=True),
    sa.Column("locale", sa.String(35), nullable=True),
    sa.Column("backend", sa.String(32), nullable=True),  # NULL: the bot's configured default
    sa.Column("workspace_id", sa.String(128), nullable=True),
    # Reminders and the feed (NULL: the default, 18:00 and 10 hours)
    sa.Column("end_of_day", sa.String(5), nullable=True),
    sa.Column("long_timer_hours", sa.Integer(), nullable=True),
    sa.Column("remind_timer", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("remind_nudge", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("feed_push", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

undo_records = sa.Table(
    "bot_undo_records",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=False),
    sa.Column("token", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.String(128), nullable=False),
    sa.Column("before", sa.JSON(), nullable=True),
    sa.Column("after", sa.JSON(), nullable=True),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("conversation_id", sa.String(512), nullable=True),  # where it was asked (bot.notify)
    sa.UniqueConstraint("token"),
    sa.Index(None, "tenant_id", "aad_object_id", "id"),
)

conversation_refs = sa.Table(
    "bot_conversation_refs",
    metadata,
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("reference", sa.JSON(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("scope", sa.String(16), nullable=True),  # personal | groupChat | channel
    sa.Column("aad_object_id", sa.String(64), nullable=True),  # personal chats: whose chat it is
    sa.Index(None, "tenant_id"),
    sa.Index(None, "tenant_id", "aad_object_id"),
)

seen_activities = sa.Table(
    "bot_seen_activities",
    metadata,
    sa.Column("activity_id", sa.String(512), primary_key=True),
    sa.Column("seen_at", UtcDateTime(), nullable=False),
    sa.Index(None, "seen_at"),
)

connections = sa.Table(
    "bot_connections",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    sa.Column("backend", sa.String(32), primary_key=True),
    # AES-GCM (nonce ‖ ciphertext) of the secret, bound to tenant/user/backend as associated data.
    sa.Column("secret", sa.LargeBinary(), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=True),
    sa.Column("extra", sa.JSON(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

outbox = sa.Table(
    "bot_outbox",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("operation", sa.JSON(), nullable=False),
    sa.Column("reference", sa.JSON(), nullable=False),  # where to tell the person how it went
    sa.Column("locale", sa.String(35), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_bot_outbox_next_attempt_at", "next_attempt_at"),
)

# ---- outbound notifications (bot.notify) -----------------------------------------------------------------

notifications = sa.Table(
    "bot_notifications",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(512), nullable=False),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("reference", sa.JSON(), nullable=False),  # where to post (a stored conversation reference)
    sa.Column("kind", sa.String(32), nullable=False),  # which renderer turns `items` into a message
    sa.Column("payload", sa.JSON(), nullable=False),  # the newest items (coalesced ones are capped)
    sa.Column("item_count", sa.Integer(), nullable=False),  # all items ever merged into this message
    sa.Column("locale", sa.String(35), nullable=False),
    sa.Column("coalesce_key", sa.String(255), nullable=True),  # items with the same key merge while open
    sa.Column("open_until", UtcDateTime(), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # pending | sent | failed | dropped
    sa.Column("version", sa.Integer(), nullable=False),  # bumped whenever items change
    sa.Column("sent_version", sa.Integer(), nullable=False),  # the version the conversation shows
    sa.Column("activity_id", sa.String(512), nullable=True),  # the posted message, to update in place
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),  # also the lease while being sent
    sa.Column("leased_by", sa.String(64), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),  # give up (status failed) after this
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Index("ix_bot_notifications_due", "status", "next_attempt_at"),
    sa.Index("ix_bot_notifications_conversation", "conversation_id", "status", "id"),
    sa.Index("ix_bot_notifications_coalesce", "conversation_id", "coalesce_key", "open_until"),
)

notification_keys = sa.Table(
    "bot_notification_keys",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),  # one item's idempotency key: seen once, sent once
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index(None, "created_at"),
)

token_caches = sa.Table(
    "bot_token_caches",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    # "entra" (the person's MSAL cache) or "awork" (their OAuth tokens)
    sa.Column("provider", sa.String(32), primary_key=True),
    # AES-GCM (nonce ‖ ciphertext) of the serialized cache, bound to tenant/user/provider as associated data.
    sa.Column("blob", sa.LargeBinary(), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),  # compare-and-set: concurrent refreshes never mix
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

signin_states = sa.Table(
    "bot_signin_states",
    metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),  # SHA-256 of the state; the state is a secret
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=False),
    sa.Column("provider", sa.String(32), nullable=False),
    # AES-GCM of the pending flow (PKCE verifier, nonce, conversation reference, the command to run after).
    sa.Column("blob", sa.LargeBinary(), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Index(None, "expires_at"),
)

# ---- the feed (issue 10 §3): API keys, the bot's own copy of posted events, what people did with them ---

feed_keys = sa.Table(
    "bot_feed_keys",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),  # SHA-256 of the key: the key itself is not kept
    sa.Column("hint", sa.String(16), nullable=False),  # its last characters, so people can tell keys apart
    sa.Column(
        "created_by", sa.String(64), nullable=False
    ),  # the admin's Entra object id: the key acts as them
    sa.Column("created_by_name", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("key_hash"),
    sa.UniqueConstraint("tenant_id", "backend", "workspace_id", "name", name="uq_bot_feed_keys_name"),
)

feed_events = sa.Table(
    "bot_feed_events",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    # Whose it is: the Entra object id and/or the tracker's user id (what the poster's `user` resolved to).
    sa.Column("aad_object_id", sa.String(64), nullable=True),
    sa.Column("user_id", sa.String(128), nullable=True),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("start", UtcDateTime(), nullable=False),
    sa.Column("end", UtcDateTime(), nullable=False),
    sa.Column("icon_url", sa.Text(), nullable=True),
    sa.Column("url", sa.Text(), nullable=True),
    sa.Column("category", sa.String(256), nullable=True),
    sa.Column("external_id", sa.String(256), nullable=True),
    sa.Column("channel", sa.String(512), nullable=True),  # the conversation it was also posted into
    sa.Column("remote_id", sa.String(128), nullable=True),  # the tracker's id, where the tracker has a feed
    sa.Column("key_id", sa.Integer(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("modified_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint(
        "tenant_id", "backend", "workspace_id", "external_id", name="uq_bot_feed_events_external_id"
    ),
    sa.Index("ix_bot_feed_events_person", "tenant_id", "backend", "workspace_id", "aad_object_id", "start"),
    sa.Index("ix_bot_feed_events_user", "tenant_id", "backend", "workspace_id", "user_id", "start"),
    sa.Index(None, "expires_at"),
)

feed_marks = sa.Table(
    "bot_feed_marks",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(64), primary_key=True),  # which feed source the event came from
    sa.Column("event_id", sa.String(256), primary_key=True),
    sa.Column("booked_entry_id", sa.String(128), nullable=True),
    sa.Column("dismissed", sa.Boolean(), nullable=False),
    sa.Column("marked_at", UtcDateTime(), nullable=False),
    sa.Index(None, "marked_at"),
)

feed_mappings = sa.Table(
    "bot_feed_mappings",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=False),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # external | category | name
    sa.Column("key", sa.String(256), nullable=False),
    sa.Column("project_id", sa.String(128), nullable=False),
    sa.Column("task_id", sa.String(128), nullable=True),
    sa.Column("hits", sa.Integer(), nullable=False),
    sa.Column("last_used_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint(
        "tenant_id",
        "aad_object_id",
        "backend",
        "workspace_id",
        "kind",
        "key",
        "project_id",
        name="uq_bot_feed_mappings_key",
    ),
)

# ---- reminders (issue 10 §4): who has a personal chat with the bot, and what is scheduled for them ---------

people = sa.Table(
    "bot_people",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("reference", sa.JSON(), nullable=False),  # their personal chat with the bot
    sa.Column("locale", sa.String(35), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    # The tracker they work in, as of their last message (feed events may name them by tracker user id).
    sa.Column("backend", sa.String(32), nullable=True),
    sa.Column("workspace_id", sa.String(128), nullable=True),
    sa.Column("user_id", sa.String(128), nullable=True),
    sa.Column("last_active_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_bot_people_tracker_user", "tenant_id", "backend", "workspace_id", "user_id"),
)

reminders = sa.Table(
    "bot_reminders",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("aad_object_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # timer | nudge
    sa.Column("day", sa.Date(), nullable=False),  # the person's local day it is about
    sa.Column("due_at", UtcDateTime(), nullable=True),  # next check; NULL: nothing more to do that day
    sa.Column("leased_by", sa.String(32), nullable=True),  # the worker checking it (due_at is its lease)
    sa.Column("sent_at", UtcDateTime(), nullable=True),  # at most one per person, kind and day
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("tenant_id", "aad_object_id", "kind", "day", name="uq_bot_reminders_day"),
    sa.Index(None, "due_at"),
)

# ---- change notifications (bot.notify) --------------------------------------------------------------------

changes = sa.Table(
    "bot_changes",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(255), nullable=False),  # the same change from its source has the same key
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("change", sa.JSON(), nullable=False),  # bot.notify.changes.Change
    sa.Column("status", sa.String(16), nullable=False),  # pending | done
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("key"),
    sa.Index("ix_bot_changes_due", "status", "next_attempt_at"),
    sa.Index(None, "received_at"),
    sqlite_autoincrement=True,  # never reused after pruning: notification keys name the change id
)

entity_snapshots = sa.Table(
    "bot_entity_snapshots",
    metadata,
    # The last state seen of an entity, so a webhook that carries only the new state still shows old → new.
    sa.Column("backend", sa.String(32), primary_key=True),
    sa.Column("workspace_id", sa.String(128), primary_key=True),
    sa.Column("entity", sa.String(16), primary_key=True),
    sa.Column("entity_id", sa.String(128), primary_key=True),
    sa.Column("fields", sa.JSON(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

subscriptions = sa.Table(
    "bot_subscriptions",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(512), nullable=False),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("scope", sa.String(16), nullable=False),  # personal | groupChat | channel
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("events", sa.JSON(), nullable=False),
    sa.Column("projects", sa.JSON(), nullable=False),  # [{"id", "name"}]; empty: every project
    # Who subscribed: their credentials register the backend's webhooks (or poll), their zone shows times.
    sa.Column("owner_tenant_id", sa.String(64), nullable=False),
    sa.Column("owner_aad_object_id", sa.String(64), nullable=False),
    sa.Column("owner_user_id", sa.String(128), nullable=False),  # the owner's id in the tracker
    sa.Column("owner_name", sa.String(200), nullable=False),
    sa.Column("locale", sa.String(35), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("conversation_id", "backend", "workspace_id", "entity"),
    sa.Index(None, "backend", "workspace_id", "entity"),
)

webhook_endpoints = sa.Table(
    "bot_webhook_endpoints",
    metadata,
    # `token` is `{subscription}` in POST /api/webhooks/{backend}/{subscription}: one per tracker workspace.
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("backend", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("owner_tenant_id", sa.String(64), nullable=False),
    sa.Column("owner_aad_object_id", sa.String(64), nullable=False),
    sa.Column("secret", sa.LargeBinary(), nullable=False),  # AES-GCM, bound to the token
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("remote", sa.JSON(), nullable=False),  # what the backend knows it by (Toggl subscription id …)
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("validated_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("backend", "workspace_id"),
)

calendar_windows = sa.Table(
    "bot_calendar_windows",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("aad_object_id", sa.String(64), primary_key=True),
    sa.Column("window_start", UtcDateTime(), primary_key=True),  # the person's local day(s), as UTC
    sa.Column("window_end", UtcDateTime(), primary_key=True),
    sa.Column("delta_link", sa.Text(), nullable=True),  # Graph's calendarView delta state for the window
    sa.Column("events", sa.JSON(), nullable=False),  # id → the few fields of a meeting `feed` shows
    sa.Column("synced_at", UtcDateTime(), nullable=False),
    sa.Index(None, "synced_at"),
)
