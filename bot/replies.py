"""Lay out outcomes as cards: the last step of the one-way flow (operation → service → outcome → card)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from bot.i18n import Message, render, t
from bot.operations import Ambiguity, ParseFailure
from bot.service.outcomes import (
    ClockShown,
    ConnectForm,
    ConnectionsShown,
    DayCopied,
    DayNudge,
    DeleteConfirm,
    EditForm,
    EntriesShown,
    EntryChanged,
    FeedKeyCreated,
    FeedKeysShown,
    FeedShown,
    FormShown,
    HelpShown,
    HoursShown,
    ListShown,
    NothingRunning,
    Notice,
    Outcome,
    Problem,
    ProjectCreated,
    ProjectPick,
    Refusal,
    ReportReady,
    SettingsShown,
    SignInPrompt,
    StatusShown,
    SubscriptionsShown,
    SummaryShown,
    TimerReminder,
    WelcomeShown,
    WorkspacesShown,
)
from bot.views.backends import backend_name
from bot.views.entries import Choice
from bot.views.questions import WriteQuestion
from bot.views.workinghours import ClockView
from cards import (
    account,
    feed,
    forms,
    lists,
    messages,
    pickers,
    questions,
    reminders,
    reports,
    summary,
    timer,
)
from cards import changes as change_cards
from cards import entry as entry_cards
from cards import help as help_cards
from cards import workinghours as working_hours
from cards.elements import text
from cards.format import duration, escape

Card = dict[str, Any]


def say(key: str, locale: str, params: Mapping[str, str | Message]) -> str:
    """A catalogue sentence with its fields escaped: they carry names and text people typed. A missing
    capability is named in the person's language where the catalogue knows it."""
    fields = {name: escape(_text(value, locale)) for name, value in params.items()}
    if "capability" in params:
        fields["capability"] = escape(_capability(_text(params["capability"], locale), locale))
    return t(key, locale, **fields)


def refused_params(backend: str, capability: str) -> dict[str, str]:
    """The fields of "error.refused": the backend's display name and the capability it refused."""
    return {"backend": backend_name(backend), "capability": capability}


def _text(value: object, locale: str) -> str:
    return render(value, locale) if isinstance(value, Message) else str(value)


def form_problem(key: str, locale: str, params: Mapping[str, Any]) -> str:
    """A problem said on a form (which escapes its messages whole): the fields as they are, a capability the
    tracker lacks in the person's language, as `say` names it."""
    fields = dict(params)
    if "capability" in fields:
        fields["capability"] = _capability(_text(fields["capability"], locale), locale)
    return t(key, locale, **fields)


def _capability(name: str, locale: str) -> str:
    key = f"capability.{name}"
    translated = t(key, locale)
    return name if translated == key else translated


def _failure_hint(failure: ParseFailure, locale: str) -> tuple[str | None, str | None]:
    """(hint, corrected command) for a parse failure: "Did you mean start?" with a button that runs it."""
    suggestion = failure.params.get("suggestion")
    if suggestion:
        text = failure.params.get("text", "")
        rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
        return say("parse.did_you_mean", locale, {"suggestion": suggestion}), f"{suggestion} {rest}".strip()
    if failure.verb:
        return say("reply.help_hint", locale, {"verb": failure.verb}), None
    return None, None


def card_for(outcome: Outcome | Ambiguity | ParseFailure, locale: str, *, viewer: str | None = None) -> Card:
    """`viewer`: the sender's id when the card goes to a group chat or channel, so cards with personal data
    refresh for that person only (`refresh.userIds`); None in personal chat."""
    match outcome:
        case EntryChanged(action="started" | "continued"):
            card = timer.timer_card(
                outcome.entry,
                locale,
                switched_from=outcome.switched_from,
                undo_token=outcome.undo_token,
                viewer=viewer,
                typed=outcome.typed,
            )
        case EntryChanged():
            card = entry_cards.entry_card(
                outcome.action,
                outcome.entry,
                locale,
                undo_token=outcome.undo_token,
                switched_from=outcome.switched_from,
                typed=outcome.typed,
            )
        case StatusShown(degraded=Refusal() as refusal):  # said once, under the status heading
            card = card_for(dataclasses.replace(outcome, degraded=None), locale, viewer=viewer)
            note = say("error.refused", locale, refused_params(refusal.backend, refusal.capability))
            body = list(card.get("body", []))
            body.insert(min(1, len(body)), text(note, color="Warning", spacing="Small"))
            return {**card, "body": body}
        case StatusShown(clock=ClockView() as clock):  # the working-hours line under the timer/idle status
            card = card_for(dataclasses.replace(outcome, clock=None), locale, viewer=viewer)
            return working_hours.with_status_line(
                card, clock, locale, timer_running=outcome.running is not None
            )
        case ClockShown():
            return working_hours.clock_card(
                outcome.action, outcome.clock, locale, undo_token=outcome.undo_token, notes=outcome.notes
            )
        case HoursShown():
            return working_hours.hours_card(
                outcome.view, locale, notice=outcome.notice, undo_token=outcome.undo_token
            )
        case StatusShown():
            return timer.status_card(
                outcome.running,
                locale,
                today_seconds=outcome.today_seconds,
                today_entries=outcome.today_entries,
                viewer=viewer,
            )
        case SummaryShown():
            return summary.summary_card(outcome.view, locale)
        case EntriesShown():
            changed = outcome.changed
            notice = (
                [
                    entry_cards.echo_notice(
                        changed.action, changed.entry, locale, undo_token=changed.undo_token
                    )
                ]
                if changed is not None
                else []
            )
            return lists.entries_card(
                outcome.period_label,
                outcome.entries,
                locale,
                total_seconds=outcome.total_seconds,
                truncated=outcome.truncated,
                source=outcome.source,
                notice=notice,
            )
        case ListShown():
            return lists.list_card(
                outcome.heading, outcome.items, locale, empty_hint=outcome.empty_hint, actions=outcome.actions
            )
        case ProjectPick():
            return pickers.pick_project_card(
                outcome.query,
                outcome.candidates,
                locale,
                op=outcome.op,
                can_create=outcome.can_create,
                purpose=outcome.purpose,
                current=outcome.current,
                span=outcome.span,
            )
        case EditForm(around=EntriesShown() as listed):  # the form inside the list it was opened from
            form = entry_cards.edit_form_body(
                outcome.entry,
                locale,
                errors=outcome.errors,
                options=outcome.options,
                origin=outcome.origin,
                values=outcome.values,
            )
            return lists.entries_card(
                listed.period_label,
                listed.entries,
                locale,
                total_seconds=listed.total_seconds,
                truncated=listed.truncated,
                source=listed.source,
                editing=(outcome.entry.id, form),
            )
        case EditForm():
            return entry_cards.edit_form_card(
                outcome.entry,
                locale,
                errors=outcome.errors or None,
                options=outcome.options,
                origin=outcome.origin,
                values=outcome.values,
            )
        case DeleteConfirm():
            return entry_cards.delete_confirm_card(outcome.entry, locale, origin=outcome.origin)
        case ProjectCreated(undo_token=str() as token):
            return messages.notice_card(say(outcome.key, locale, outcome.params), locale, undo_token=token)
        case Notice():
            return messages.notice_card(
                say(outcome.key, locale, outcome.params), locale, facts=outcome.facts or None
            )
        case NothingRunning():
            return timer.nothing_running_card(locale)
        case Problem():
            return messages.error_card(
                say(outcome.key, locale, outcome.params),
                locale,
                hint=say(outcome.hint_key, locale, outcome.params) if outcome.hint_key else None,
                retry_command=outcome.retry_command,
            )
        case WelcomeShown():
            return help_cards.welcome_card(outcome.view, locale)
        case HelpShown():
            return help_cards.help_card(locale, outcome.topic, outcome.words)
        case ReportReady():  # delivered as a file by `bot.features.reports`; this is only the summary
            total = duration(outcome.total_seconds, locale) if outcome.total_seconds is not None else None
            period = reports.period_phrase(
                outcome.period_label, outcome.period_start, outcome.period_end, locale
            )
            ready = reports.ready_text(period, outcome.entries, total, locale, made_by=outcome.made_by)
            return messages.notice_card(ready, locale)
        case SubscriptionsShown():
            return change_cards.subscriptions_card(
                outcome.view,
                locale,
                notice=_subscriptions_notice(outcome, locale),
                hints=[render(hint, locale) for hint in outcome.hints],
            )
        case FormShown():
            return forms.form_card(outcome.view, locale)
        case SettingsShown():
            return forms.settings_card(outcome.view, locale)
        case ConnectForm():
            error = say(outcome.error_key, locale, outcome.error_params) if outcome.error_key else None
            return account.connect_form_card(
                outcome.backend, locale, error=error, can_sign_in=outcome.can_sign_in
            )
        case SignInPrompt():  # where no link can be made: say how to get one
            params = {"backend": backend_name(outcome.backend), "command": outcome.backend}
            return messages.notice_card(say("signin.say_signin", locale, params), locale)
        case ConnectionsShown():
            return account.connections_card(outcome.current, outcome.backends, locale)
        case WorkspacesShown():
            return account.workspaces_card(outcome.backend, outcome.current, outcome.workspaces, locale)
        case FeedShown():
            return feed.feed_card(outcome.view, locale)
        case FeedKeyCreated():
            return feed.key_created_card(outcome.name, outcome.secret, outcome.workspace, locale)
        case FeedKeysShown():
            return feed.keys_card(outcome.workspace, outcome.keys, locale)
        case TimerReminder():
            return reminders.timer_reminder_card(outcome.view, locale)
        case DayNudge():
            return reminders.nudge_card(outcome.view, locale)
        case DayCopied():
            return reminders.day_copied_card(
                outcome.entries, outcome.skipped, outcome.source, outcome.target, locale
            )
        case WriteQuestion():
            return questions.write_question_card(outcome, locale)
        case Ambiguity():
            choices = [Choice(label=render(c.text, locale), command=c.command) for c in outcome.choices]
            return messages.choice_card(say(outcome.message_key, locale, outcome.params), choices, locale)
        case ParseFailure():
            hint, corrected = _failure_hint(outcome, locale)
            message = say(outcome.message_key, locale, outcome.params)
            if corrected and hint:
                return messages.suggestion_card(message, hint, corrected, locale)
            return messages.error_card(message, locale, hint=hint, help_verb=outcome.verb)
        case _:
            raise TypeError(f"no card for {type(outcome).__name__}")
    return card


def _subscriptions_notice(outcome: SubscriptionsShown, locale: str) -> str | None:
    entities = ", ".join(t(f"subscribe.entity.{e}", locale) for e in outcome.entities)
    events = ", ".join(t(f"subscribe.event.{e}", locale) for e in outcome.events)
    match outcome.done:
        case "subscribed":
            return t("subscribe.done", locale, entities=entities, events=events)
        case "subscribed_personal":
            return t("subscribe.personal_done", locale)
        case "removed":
            return t("subscribe.removed", locale, entities=entities)
        case "nothing_removed":
            return t("subscribe.nothing_removed", locale)
    return None


def summary_text(outcome: Outcome | Ambiguity | ParseFailure, locale: str) -> str | None:
    """A one-line preview for notifications (Teams shows it in the activity feed and on lock screens)."""
    if isinstance(outcome, Problem | Notice):
        return t(outcome.key, locale, **outcome.params)
    return None
