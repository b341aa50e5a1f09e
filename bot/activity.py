"""Framework-free Bot Framework activity models (the subset timebot reads) and what a turn sends back.

The transport converts HTTP + botbuilder into these and back; everything from routing onwards sees only
these types, so replacing botbuilder with the Teams SDK for Python touches `bot/transport` alone.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class Wire(BaseModel):
    """Bot Framework JSON is camelCase and grows new fields; keep unknown ones, never fail on them."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ChannelAccount(Wire):
    id: str = ""
    name: str | None = None
    aad_object_id: str | None = Field(default=None, alias="aadObjectId")
    role: str | None = None


class ConversationAccount(Wire):
    id: str = ""
    name: str | None = None
    conversation_type: str | None = Field(default=None, alias="conversationType")
    tenant_id: str | None = Field(default=None, alias="tenantId")
    is_group: bool | None = Field(default=None, alias="isGroup")


class Attachment(Wire):
    content_type: str = Field(alias="contentType")
    content: Any = None
    content_url: str | None = Field(default=None, alias="contentUrl")
    name: str | None = None


class Activity(Wire):
    """An inbound activity. Only `type` is required; everything else may be missing in malformed input."""

    type: str
    id: str | None = None
    name: str | None = None
    timestamp: str | None = None
    local_timestamp: str | None = Field(default=None, alias="localTimestamp")
    local_timezone: str | None = Field(default=None, alias="localTimezone")
    service_url: str | None = Field(default=None, alias="serviceUrl")
    channel_id: str | None = Field(default=None, alias="channelId")
    from_: ChannelAccount = Field(
        default_factory=ChannelAccount,
        validation_alias=AliasChoices("from", "from_"),
        serialization_alias="from",
    )
    conversation: ConversationAccount = Field(default_factory=ConversationAccount)
    recipient: ChannelAccount = Field(default_factory=ChannelAccount)
    text: str | None = None
    text_format: str | None = Field(default=None, alias="textFormat")
    locale: str | None = None
    value: Any = None
    reply_to_id: str | None = Field(default=None, alias="replyToId")
    entities: list[dict[str, Any]] = Field(default_factory=list)
    channel_data: dict[str, Any] = Field(default_factory=dict, alias="channelData")
    attachments: list[Attachment] = Field(default_factory=list)
    members_added: list[ChannelAccount] = Field(default_factory=list, alias="membersAdded")
    members_removed: list[ChannelAccount] = Field(default_factory=list, alias="membersRemoved")
    action: str | None = None  # installationUpdate: add / remove

    @property
    def scope(self) -> Literal["personal", "groupChat", "channel"]:
        """Where the activity happened; Teams marks it in `conversation.conversationType`."""
        kind = self.conversation.conversation_type
        if kind in ("groupChat", "channel"):
            return kind  # type: ignore[return-value]
        return "personal"

    @property
    def tenant_id(self) -> str | None:
        tenant = self.channel_data.get("tenant") if isinstance(self.channel_data, dict) else None
        if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
            return tenant["id"]
        return self.conversation.tenant_id

    def reference(self) -> dict[str, Any]:
        """Where this conversation is, to post into it later (a Bot Framework conversation reference)."""
        return {
            "serviceUrl": self.service_url,
            "channelId": self.channel_id,
            "conversation": self.conversation.model_dump(by_alias=True, exclude_none=True),
            "bot": self.recipient.model_dump(by_alias=True, exclude_none=True),
            "user": self.from_.model_dump(by_alias=True, exclude_none=True),
            "locale": self.locale,
        }

    @classmethod
    def from_reference(cls, reference: dict[str, Any]) -> Activity:
        """An activity to answer for a proactive message: no id, so the reply starts a new message."""
        return cls.model_validate(
            {
                "type": "message",
                "serviceUrl": reference.get("serviceUrl"),
                "channelId": reference.get("channelId"),
                "conversation": reference.get("conversation") or {},
                "recipient": reference.get("bot") or {},
                "from": reference.get("user") or {},
                "locale": reference.get("locale"),
            }
        )

    def client_timezone(self) -> str | None:
        """The IANA zone Teams reports for the sender's client (`localTimezone` or the clientInfo entity)."""
        if self.local_timezone:
            return self.local_timezone
        for entity in self.entities:
            if entity.get("type") == "clientInfo" and isinstance(entity.get("timezone"), str):
                return str(entity["timezone"])
        return None


# ---- what a turn produces -------------------------------------------------------------------------------


class OutgoingMessage(BaseModel):
    """A message the bot sends into the conversation of the inbound activity.

    `replace_activity_id` updates an existing message (the card a button was pressed on) instead of
    posting a new one; that is how `Action.Submit` cards update in place.
    """

    text: str | None = None
    card: dict[str, Any] | None = None
    # Other attachments as Bot Framework JSON (`{"contentType", "content", "name", "contentUrl"}`), e.g. a
    # Teams file consent card or file info card; sent after `card`.
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    replace_activity_id: str | None = None
    summary: str | None = None  # notification preview text for cards


class InvokeResponse(BaseModel):
    """The HTTP answer to an invoke activity (status + JSON body), e.g. an updated card for Action.Execute."""

    status: int = 200
    body: dict[str, Any] | None = None


class TurnResult(BaseModel):
    """Everything one inbound activity causes: messages to send and, for invokes, the HTTP answer."""

    messages: list[OutgoingMessage] = Field(default_factory=list)
    invoke: InvokeResponse | None = None
