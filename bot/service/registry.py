"""The declarative table from operation type to the handler that runs it.

Most handlers run for a person on their bound backend (`UserContext`). `connect` and `workspace` run on the
person's `Account` instead, before anything is bound: a broken or missing connection must not stop the
command that repairs it (`OnAccount`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import operations as ops
from bot.service import (
    account,
    calendarfeed,
    copyday,
    entries,
    feed,
    feedkeys,
    forms,
    masterdata,
    preferences,
    subscriptions,
    summaries,
    timer,
    workinghours,
)
from bot.service.account import Account
from bot.service.context import UserContext
from bot.service.masterdata_changes import change_item
from bot.service.outcomes import HelpShown, Outcome
from bot.service.reports import report


async def _help(ctx: UserContext, op: ops.Help) -> Outcome:
    return HelpShown(op.topic, op.words)


Handler = Callable[[UserContext, Any], Awaitable[Outcome]]
AccountHandler = Callable[[Account, Any], Awaitable[Outcome]]


@dataclass(frozen=True)
class OnAccount:
    """A handler that runs on the person's account, before (or without) binding their backend."""

    run: AccountHandler


HANDLERS: dict[type[ops.Op], Handler | OnAccount] = {
    ops.Help: _help,
    ops.StartTimer: timer.start,
    ops.StopTimer: timer.stop,
    ops.CancelTimer: timer.cancel,
    ops.ContinueEntry: timer.continue_entry,
    ops.Status: timer.status,
    ops.LogEntry: entries.log,
    ops.EditEntry: entries.edit,
    ops.DeleteEntry: entries.delete,
    ops.Undo: entries.undo,
    ops.ListTimes: entries.times,
    ops.Summary: summaries.summary,
    ops.ListProjects: masterdata.list_projects,
    ops.AddProject: masterdata.add_project,
    ops.ListClients: masterdata.list_clients,
    ops.AddClient: masterdata.add_client,
    ops.ListTasks: masterdata.list_tasks,
    ops.AddTask: masterdata.add_task,
    ops.ListTags: masterdata.list_tags,
    ops.ListGroups: masterdata.list_groups,
    ops.AddTag: masterdata.add_tag,
    ops.ChangeItem: change_item,
    ops.SetTimezone: preferences.set_timezone,
    ops.ShowSettings: forms.show_settings,
    ops.ShowForm: forms.show_form,
    ops.Report: report,
    ops.ClockIn: workinghours.clock_in,
    ops.ClockOut: workinghours.clock_out,
    ops.TakeBreak: workinghours.take_break,
    ops.Hours: workinghours.hours,
    ops.Connect: OnAccount(account.connect),
    ops.ChooseWorkspace: OnAccount(account.choose_workspace),
    ops.SignInTo: OnAccount(account.sign_in),
    ops.SignOut: OnAccount(account.sign_out),
    ops.ShowFeed: feed.show,
    ops.FeedCalendar: calendarfeed.feed_calendar,
    ops.BookFeed: feed.book,
    ops.DismissFeed: feed.dismiss,
    ops.UnbookFeed: feed.unbook,
    ops.AddFeedKey: feedkeys.add_key,
    ops.ListFeedKeys: feedkeys.list_keys,
    ops.RevokeFeedKey: feedkeys.revoke_key,
    ops.CopyDay: copyday.copy_day,
    ops.Subscribe: subscriptions.subscribe,
    ops.Unsubscribe: subscriptions.unsubscribe,
    ops.ListSubscriptions: subscriptions.list_subscriptions,
}


def on_account(op: ops.Op) -> AccountHandler | None:
    """The account handler of `op`, or None when it runs on a bound backend (`execute`)."""
    handler = HANDLERS[type(op)]
    return handler.run if isinstance(handler, OnAccount) else None


async def execute(ctx: UserContext, op: ops.Op) -> Outcome:
    handler = HANDLERS[type(op)]
    if isinstance(handler, OnAccount):
        raise TypeError(f"{type(op).__name__} runs on the account, before a backend is bound")
    return await handler(ctx, op)
