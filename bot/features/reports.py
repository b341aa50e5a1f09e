"""Delivering files (the times report) into Teams.

- Personal chat: the Teams file consent flow. We send a `FileConsentCard`; the person's click arrives as the
  `fileConsent/invoke` invoke. On accept we PUT the bytes to the `uploadInfo.uploadUrl` Teams gives
  (their OneDrive) and post a file info card that opens the file; on decline we drop the file. The card's
  contexts carry only the store token, and the invoke must come from the person the file was made for.
- Group chats and channels (where the bot file API does not work), and personal chats in clients without file
  consent cards (the Agents Playground shows "File Consent Card is not supported yet"): a short-lived, signed,
  single-use download link bound to the person who asked, served by the bot itself (`GET /files/{token}`).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot import i18n
from bot.activity import Activity, InvokeResponse, OutgoingMessage, TurnResult
from bot.features.respond import render
from bot.i18n import t
from bot.reports.files import LinkRefused
from bot.routing.filters import invoke_named
from bot.routing.router import Router
from bot.routing.turn import Turn, identity_of
from bot.service.outcomes import Notice, Problem, ReportReady
from cards.format import duration, escape, time_of_day
from cards.reports import (
    consent_description,
    file_consent_attachment,
    file_info_attachment,
    period_phrase,
    ready_text,
    report_link_card,
)

log = logging.getLogger(__name__)
router = Router("files")

UPLOAD_CHUNK = 256 * 1024
UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)


# ---- sending a report --------------------------------------------------------------------------------------


async def deliver_report(turn: Turn, outcome: ReportReady) -> TurnResult:
    """The message(s) that hand a finished report to the person who asked for it."""
    identity = identity_of(turn.activity)
    files = turn.services.files
    locale = turn.locale
    if identity is None:  # cannot bind the file to anyone: never hand it out
        outcome.path.unlink(missing_ok=True)
        return TurnResult(messages=[OutgoingMessage(card=render(turn, Problem("error.no_identity")))])
    total = duration(outcome.total_seconds, locale) if outcome.total_seconds is not None else None
    period = i18n.render(outcome.period_label, locale)  # the consent card's file description
    phrase = period_phrase(outcome.period_label, outcome.period_start, outcome.period_end, locale)
    made_by = outcome.made_by
    if turn.activity.scope == "personal" and file_consent_available(turn.activity):
        stored = files.publish(
            outcome.path,
            owner=identity.aad_object_id,
            filename=outcome.filename,
            seconds=files.consent_seconds,
        )
        description = consent_description(period, outcome.entries, total, locale, made_by=made_by)
        ready = ready_text(phrase, outcome.entries, total, locale, made_by=made_by)
        message = OutgoingMessage(
            text=f"{escape(ready)} {t('report.consent_hint', locale)}",
            attachments=[file_consent_attachment(outcome.filename, description, stored.size, stored.token)],
        )
        return TurnResult(messages=[message])
    stored = files.publish(outcome.path, owner=identity.aad_object_id, filename=outcome.filename)
    ctx = await turn.user()
    tz = ctx.tz if ctx is not None else None
    expires = time_of_day(datetime.fromtimestamp(stored.expires, tz))
    card = report_link_card(
        phrase,
        outcome.entries,
        total,
        files.link(stored),
        owner_name=identity.name if turn.activity.scope != "personal" else None,
        expires=expires,
        locale=locale,
        made_by=made_by,
    )
    return TurnResult(messages=[OutgoingMessage(card=card)])


def file_consent_available(activity: Activity) -> bool:
    """Only Teams itself renders file consent cards. The Agents Playground (whose mocked Bot Connector lives
    at `…/_connector`, the address its CLI documents) and other channels (the Emulator) do not: there the
    person would see a card they cannot use, so they get the download link instead."""
    if activity.channel_id != "msteams":
        return False
    path = urlsplit(activity.service_url or "").path.rstrip("/")
    return not path.endswith("/_connector")


# ---- the file consent invoke -------------------------------------------------------------------------------


class UploadInfo(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    upload_url: str = Field(alias="uploadUrl", min_length=1, max_length=8000)
    content_url: str = Field(alias="contentUrl", min_length=1, max_length=8000)
    name: str = Field(min_length=1, max_length=400)
    unique_id: str = Field(default="", alias="uniqueId", max_length=400)
    file_type: str = Field(default="xlsx", alias="fileType", max_length=40)


class ConsentValue(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    action: str
    context: dict[str, Any] = Field(default_factory=dict)
    upload_info: UploadInfo | None = Field(default=None, alias="uploadInfo")


def _acceptable_upload_url(url: str) -> bool:
    """Teams gives an https OneDrive URL; plain http only to loopback (tests, local development)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(UPLOAD_CHUNK):
            yield chunk


async def upload(path: Path, size: int, url: str) -> None:
    """PUT the file in one request with `Content-Range`, streamed from disk (never read whole)."""
    headers = {"Content-Range": f"bytes 0-{size - 1}/{size}", "Content-Length": str(size)}
    async with httpx.AsyncClient(timeout=UPLOAD_TIMEOUT, follow_redirects=False) as client:
        response = await client.put(url, content=_chunks(path), headers=headers)
    response.raise_for_status()


async def file_consent(turn: Turn) -> TurnResult:
    ok = InvokeResponse(status=200)
    try:
        value = ConsentValue.model_validate(turn.activity.value)
    except ValidationError:
        return TurnResult(invoke=InvokeResponse(status=400))
    token = value.context.get("token")
    identity = identity_of(turn.activity)
    files = turn.services.files
    if not isinstance(token, str) or identity is None:
        return TurnResult(invoke=InvokeResponse(status=400))
    owner = identity.aad_object_id

    def say(outcome: Notice | Problem) -> OutgoingMessage:
        return OutgoingMessage(card=render(turn, outcome))

    if value.action != "accept":
        stored = files.lookup(token)
        if stored is not None and stored.owner == owner:
            files.discard(token)
        return TurnResult(messages=[say(Notice("report.declined"))], invoke=ok)
    info = value.upload_info
    if info is None or not _acceptable_upload_url(info.upload_url):
        return TurnResult(invoke=InvokeResponse(status=400))
    try:
        claimed = files.claim(token, owner=owner)
    except LinkRefused as refused:
        log.info("file consent for an unavailable report: %s", refused.reason)
        return TurnResult(messages=[say(Problem("report.gone"))], invoke=ok)
    try:
        await upload(claimed.path, claimed.stored.size, info.upload_url)
    except (httpx.HTTPError, OSError) as exc:
        log.warning("report upload to OneDrive failed: %s", type(exc).__name__)
        files.release(claimed, delivered=False)
        return TurnResult(messages=[say(Problem("report.upload_failed"))], invoke=ok)
    files.release(claimed, delivered=True)
    attachment = file_info_attachment(info.content_url, info.name, info.unique_id, info.file_type)
    message = OutgoingMessage(
        attachments=[attachment], summary=t("report.saved", turn.locale, name=info.name)
    )
    return TurnResult(messages=[message], invoke=ok)


router.add(invoke_named("fileConsent/invoke"), file_consent)
