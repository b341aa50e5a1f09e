"""A write held back to ask first: a reversed range, a long span, a time a few minutes ahead, an overlap.

One button per option (verb `write`, carrying the complete operation it runs) and Cancel (verb `dismiss`);
every answer replaces the question card.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.i18n import t
from bot.views.entries import EntryView
from bot.views.questions import WriteOption, WriteQuestion
from cards import actions as act
from cards import format as fmt
from cards.common import entry_path
from cards.elements import action_set, card, container, more_line, text

_OPEN = ("start", "continue", "come")  # writes that open something: their length runs up to now
_CLOSE = ("stop", "go")  # writes that close something open


def _moment(moment: datetime, today: date, locale: str) -> str:
    """ "09:00" today, "Wed 2 Dec 09:00" on another day."""
    clock = fmt.time_of_day(moment)
    return clock if moment.date() == today else f"{fmt.day_label(moment, locale)} {clock}"


def span_text(start: datetime, end: datetime | None, today: date, locale: str) -> str:
    """ "09:00–10:00" today; the day in front otherwise; "since 09:00" when open."""
    if end is None:
        return t("card.range.since", locale, time=_moment(start, today, locale))
    if start.date() == end.date() and start.date() == today:
        return f"{fmt.time_of_day(start)}–{fmt.time_of_day(end)}"
    return fmt.time_range(start, end, locale)


def _until(question: WriteQuestion, locale: str) -> str:
    """Where an overnight reading ends: "09:00 today", "09:00 tomorrow", else with its day."""
    end = question.end or question.start
    clock = fmt.time_of_day(end)
    if end.date() == question.today:
        return t("check.until.today", locale, time=clock)
    if (end.date() - question.today).days == 1:
        return t("check.until.tomorrow", locale, time=clock)
    return f"{fmt.day_label(end, locale)} {clock}"


def _seconds(question: WriteQuestion) -> int:
    end = question.end or question.now or question.start
    return max(0, int((end - question.start).total_seconds()))


def _label(option: WriteOption, question: WriteQuestion, locale: str) -> str:
    today = question.today
    match option.kind:
        case "now":
            moment = question.now or option.end or option.start
            return t("check.opt.now", locale, time=fmt.time_of_day(moment) if moment else "")
        case "keep" if question.reason == "soon":
            ahead = question.end or question.start
            return t("check.opt.keep_time", locale, time=fmt.time_of_day(ahead))
        case "keep":
            return t("check.opt.keep_long", locale, duration=fmt.duration(_seconds(question), locale))
        case "swap" if option.start is not None:
            return span_text(option.start, option.end, today, locale)
        case "overnight":
            return t("check.opt.overnight", locale, until=_until(question, locale))
        case "after" if option.start is not None:
            return t("check.opt.after", locale, span=span_text(option.start, option.end, today, locale))
        case _:
            return t("check.opt.both", locale)


def _question_text(question: WriteQuestion, locale: str) -> str:
    today = question.today
    span = span_text(question.start, question.end, today, locale)
    if question.reason == "soon":
        ahead = question.end or question.start
        now = question.now or ahead
        minutes = max(1, -(-int((ahead - now).total_seconds()) // 60))
        return t(
            "check.q.soon", locale, time=fmt.time_of_day(ahead), duration=fmt.duration(minutes * 60, locale)
        )
    if question.reason == "reversed":
        swap = next((o for o in question.options if o.kind == "swap"), None)
        swapped = span_text(swap.start, swap.end, today, locale) if swap and swap.start else span
        overnight = any(o.kind == "overnight" for o in question.options)
        key = "check.q.reversed" if overnight else "check.q.reversed_only"
        return t(key, locale, swapped=swapped, until=_until(question, locale))
    if question.reason == "overlap":
        count = len(question.overlaps) + question.more_overlaps
        return t("check.q.overlap", locale, span=span, count=count)
    kind = "open" if question.action in _OPEN else question.action if question.action in _CLOSE else "span"
    return t(f"check.q.long.{kind}", locale, duration=fmt.duration(_seconds(question), locale), span=span)


def _entry_line(entry: EntryView, today: date, locale: str) -> str:
    end = entry.end
    if end is None:
        span = t("card.range.since", locale, time=_moment(entry.start, today, locale))
    else:
        span = span_text(entry.start, end, today, locale)
    return f"{span} · {entry_path(entry, locale)}"


def _detail(question: WriteQuestion, locale: str) -> str | None:
    if question.reason == "reversed" and question.end is not None:
        typed = f"{fmt.time_of_day(question.start)}–{fmt.time_of_day(question.end)}"
        length = fmt.duration(int((question.end - question.start).total_seconds()), locale)
        return t("check.detail.reversed", locale, typed=typed, duration=length)
    if question.reason == "long" and question.action in _CLOSE:
        return t(f"check.detail.{question.action}", locale)
    if question.reason == "long" and question.action in ("log", "edit"):
        return t("check.detail.long", locale)
    return None


def write_question_card(question: WriteQuestion, locale: str) -> dict[str, Any]:
    message = _question_text(question, locale)
    body: list[dict[str, Any]] = [text("🤔 " + message, size="Medium", weight="Bolder")]
    if question.overlaps:
        lines = [
            text(_entry_line(entry, question.today, locale), spacing="None", size="Small")
            for entry in question.overlaps
        ]
        more = more_line(question.more_overlaps, locale)
        body.append(container([*lines, *([more] if more else [])], style="emphasis", spacing="Small"))
    detail = _detail(question, locale)
    if detail:
        body.append(text(detail, subtle=True, size="Small", spacing="Small"))
    buttons = [
        act.execute(
            fmt.shorten(_label(option, question, locale), 60),
            act.WRITE,
            {"op": option.op},
            style="positive" if i == 0 else None,
            inputs=False,
        )
        for i, option in enumerate(question.options)
        if option.op is not None
    ]
    buttons.append(act.execute(t("card.btn.cancel", locale), act.DISMISS, inputs=False))
    body.append(action_set(buttons))
    return card(body, locale, fallback_text=message.replace("**", ""))
