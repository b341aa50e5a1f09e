"""Cards and Teams file attachments for delivering the times report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.i18n import NAMED_PERIODS, Message, in_sentence, render, t
from bot.views.backends import backend_name
from cards.elements import action_set, card, text
from cards.format import date_span, escape

FILE_CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"


# Periods whose name does not say its dates: the sentence adds them ("for this month (1–31 Dec)").
_DATED = {f"parse.period.{kind}" for kind in NAMED_PERIODS if kind != "all"} | {
    "parse.period.iso_week",
    "parse.period.iso_week_year",
}


def period_phrase(name: str | Message, start: date | None, end: date | None, locale: str) -> str:
    """The report's period inside a sentence: "this month (1–31 Dec)", "diesen Monat (1.–31. Dez.)",
    "Week 47 (16–22 Nov)"; a date or a range as it is. `end` is the day after the last."""
    phrase = render(in_sentence(name), locale)
    if isinstance(name, Message) and name.key in _DATED and start is not None and end is not None:
        dates = date_span(start, end - timedelta(days=1), locale)
        return t("period.with_dates", locale, name=phrase, dates=dates)
    return phrase


def ready_text(
    period: str, count: int | None, total: str | None, locale: str, *, made_by: str | None = None
) -> str:
    """ "Your times report … is ready: N entries, T in total", or, for a tracker's own file (`made_by`, which
    timebot did not count), "timeghost's own report … is ready"."""
    if made_by is not None or count is None or total is None:
        backend = escape(backend_name(made_by or ""))
        return t("report.ready_native", locale, backend=backend, period=escape(period))
    return t("report.ready", locale, period=escape(period), count=count, total=total)


def consent_description(
    period: str, count: int | None, total: str | None, locale: str, *, made_by: str | None = None
) -> str:
    if made_by is not None or count is None or total is None:
        return t(
            "report.consent_description_native", locale, backend=backend_name(made_by or ""), period=period
        )
    return t("report.consent_description", locale, period=period, count=count, total=total)


def report_link_card(
    period: str,
    count: int | None,
    total: str | None,
    url: str,
    *,
    owner_name: str | None,
    expires: str,
    locale: str,
    made_by: str | None = None,
) -> dict[str, Any]:
    """A one-time download link for the person who asked: in group chats and channels (named, since others
    read along), and in personal chats whose client cannot take a file (`owner_name` None)."""
    message = ready_text(period, count, total, locale, made_by=made_by)
    note = (
        t("report.link_note", locale, name=escape(owner_name), time=expires)
        if owner_name is not None
        else t("report.link_note_personal", locale, time=expires)
    )
    body = [
        text(message),
        text(note, subtle=True, size="Small"),
        action_set([{"type": "Action.OpenUrl", "title": t("report.btn.download", locale), "url": url}]),
    ]
    return card(body, locale, fallback_text=message)


def file_consent_attachment(filename: str, description: str, size: int, token: str) -> dict[str, Any]:
    """Teams asks the person to allow the upload to their OneDrive; the contexts come back in the invoke."""
    return {
        "contentType": FILE_CONSENT_TYPE,
        "name": filename,
        "content": {
            "description": description,
            "sizeInBytes": size,
            "acceptContext": {"token": token},
            "declineContext": {"token": token},
        },
    }


def file_info_attachment(content_url: str, name: str, unique_id: str, file_type: str) -> dict[str, Any]:
    """The uploaded file, shown in the chat as a file card that opens it."""
    return {
        "contentType": FILE_INFO_TYPE,
        "contentUrl": content_url,
        "name": name,
        "content": {"uniqueId": unique_id, "fileType": file_type},
    }
