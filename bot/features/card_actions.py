"""Card buttons: `Action.Submit` (a message with `value`) and `Action.Execute` (the `adaptiveCard/action`
invoke) carry the same `{verb, …data}`; both run through the verb table below.

Each verb's payload model is in the one table `bot.views.verbs` (inputs are validated here, not trusted);
`HANDLERS` says what it does and whether its result replaces the card the button was on (stop, undo, edit…)
or arrives as a new message (run a command).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.activity import InvokeResponse, OutgoingMessage, TurnResult
from bot.features import signin
from bot.features.account import ACCOUNT_HANDLERS
from bot.features.edit import EDIT_HANDLERS
from bot.features.feed import FEED_HANDLERS
from bot.features.forms import FORM_HANDLERS
from bot.features.notify_actions import NOTIFY_HANDLERS
from bot.features.reminders import REMINDER_HANDLERS
from bot.features.reports import deliver_report
from bot.features.respond import render, run_operation, run_text
from bot.features.workinghours import HOURS_HANDLERS
from bot.i18n import t
from bot.operations import (
    AddProject,
    Ambiguity,
    ClockIn,
    ClockOut,
    ContinueEntry,
    EditEntry,
    LogEntry,
    Operation,
    ParseFailure,
    StartTimer,
    Status,
    StopTimer,
    TakeBreak,
    Undo,
)
from bot.replies import summary_text
from bot.routing.filters import HasCardVerb, IsMessage, card_verb, invoke_named
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.outcomes import (
    Notice,
    Outcome,
    Problem,
    ProjectCreated,
    ReportReady,
    SignInPrompt,
)
from bot.service.picks import switch_choices, with_project
from bot.views import verbs
from bot.views.verbs import (
    CreateData,
    Empty,
    EntryData,
    PickData,
    RunData,
    TokenData,
    WriteData,
)

router = Router("card_actions")
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
_operation = TypeAdapter(Operation)

Result = Outcome | Ambiguity | ParseFailure


Action = Callable[[Turn, Any], Awaitable[Result]]


@dataclasses.dataclass(frozen=True)
class Verb:
    payload: type[BaseModel]
    run: Action
    replaces_card: bool


async def _undo(turn: Turn, data: TokenData) -> Result:
    return await run_operation(turn, Undo(token=data.token), None)


async def _stop(turn: Turn, data: Empty) -> Result:
    return await run_operation(turn, StopTimer(), None)


async def _status(turn: Turn, data: Empty) -> Result:
    return await run_operation(turn, Status(), None)


async def _continue(turn: Turn, data: EntryData) -> Result:
    return await run_operation(turn, ContinueEntry(entry_id=data.entry_id), None)


async def _run(turn: Turn, data: RunData) -> Result:
    return await run_text(turn, data.command)


async def _switch(turn: Turn, data: Empty) -> Result:
    """Offer the recently used projects (then the rest), but not the running one, to switch the timer to."""
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    return await switch_choices(ctx)


def _pending(op_json: dict[str, Any]) -> Any:
    """The operation a pick-a-project card carries, or None if it is not one that names a project."""
    try:
        op = _operation.validate_python(op_json)
    except ValidationError:
        return None
    return op if "project" in type(op).model_fields else None


async def _pick_project(turn: Turn, data: PickData) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    pending = _pending(data.op)
    if pending is None:
        return Problem("error.bad_card")
    op = await with_project(ctx, pending, data.project_id)
    return op if isinstance(op, Problem) else await run_operation(turn, op, None)


async def _create_project(turn: Turn, data: CreateData) -> Result:
    """Create the project the person named and carry on; `start @website/design` also gets its task."""
    pending = _pending(data.op)
    if pending is None:
        return Problem("error.bad_card")
    created = await run_operation(turn, AddProject(name=data.name), None)
    if not isinstance(created, ProjectCreated):
        return created
    ctx = await turn.user()
    assert ctx is not None
    op = await with_project(ctx, pending, created.project_id, created.project_name)
    return op if isinstance(op, Problem) else await run_operation(turn, op, None)


_WRITES = (LogEntry, StartTimer, ContinueEntry, StopTimer, EditEntry, ClockIn, ClockOut, TakeBreak)


async def _write(turn: Turn, data: WriteData) -> Result:
    """An option of a write question: the operation it carries, checked like a typed one (the data is the
    client's: only write operations, validated, and the checks it did not accept run again)."""
    try:
        op = _operation.validate_python(data.op)
    except ValidationError:
        return Problem("error.bad_card")
    if not isinstance(op, _WRITES):
        return Problem("error.bad_card")
    return await run_operation(turn, op, None)


async def _dismiss(turn: Turn, data: Empty) -> Result:
    return Notice("check.cancelled")


# verb → (handler, whether its answer replaces the card the button was on); the payload model is the verb's
# own, from the one table in `bot.views.verbs`.
HANDLERS: dict[str, tuple[Action, bool]] = {
    verbs.UNDO: (_undo, True),
    verbs.STOP: (_stop, True),
    verbs.SWITCH: (_switch, False),
    verbs.REFRESH_STATUS: (_status, True),
    verbs.CONTINUE: (_continue, False),
    verbs.PICK_PROJECT: (_pick_project, True),
    verbs.ON_PROJECT: (_pick_project, False),  # the project list stays as it was
    verbs.CREATE_PROJECT: (_create_project, True),
    verbs.RUN: (_run, False),
    verbs.WRITE: (_write, True),
    verbs.DISMISS: (_dismiss, True),
    **EDIT_HANDLERS,
    **HOURS_HANDLERS,
    **FORM_HANDLERS,
    **ACCOUNT_HANDLERS,
    **FEED_HANDLERS,
    **REMINDER_HANDLERS,
    **NOTIFY_HANDLERS,
}
VERBS: dict[str, Verb] = {
    name: Verb(verbs.ALL_VERBS[name], run, replaces_card=replaces)
    for name, (run, replaces) in HANDLERS.items()
}


def _card_data(turn: Turn) -> dict[str, Any]:
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    if turn.activity.type == "invoke":
        action = value.get("action")
        data = action.get("data") if isinstance(action, dict) else None
        return data if isinstance(data, dict) else {}
    return value


async def _perform(turn: Turn) -> tuple[Result, bool]:
    verb = VERBS.get(card_verb(turn.activity) or "")
    if verb is None:
        return Problem("error.bad_card"), False
    try:
        payload = verb.payload.model_validate(_card_data(turn))
    except ValidationError:
        return Problem("error.bad_card"), False
    return await verb.run(turn, payload), verb.replaces_card


async def card_submit(turn: Turn) -> TurnResult:
    """`Action.Submit`: update the card in place where the button acts on it, else answer below."""
    outcome, replaces = await _perform(turn)
    if isinstance(outcome, ReportReady):  # a report button or form: the file goes out as a file
        return await deliver_report(turn, outcome)
    if isinstance(outcome, SignInPrompt):  # the presser signs in (privately, if this chat is shared)
        return await signin.prompt(turn, outcome, None)
    replace_id = turn.activity.reply_to_id if replaces else None
    return TurnResult(messages=[OutgoingMessage(card=render(turn, outcome), replace_activity_id=replace_id)])


async def card_execute(turn: Turn) -> TurnResult:
    """`Action.Execute`: the updated card goes back in the invoke response (no extra message)."""
    await signin.exchange_from_action(turn)  # Teams re-sends the action with an SSO token after loginRequest
    outcome, replaces = await _perform(turn)
    if isinstance(outcome, SignInPrompt):
        login = await signin.login_request(turn, outcome)
        if login is not None:
            return TurnResult(invoke=InvokeResponse(body=login))
    if isinstance(outcome, ReportReady):
        delivered = await deliver_report(turn, outcome)
        done = t("reply.action_done", turn.locale)
        return TurnResult(
            messages=delivered.messages,
            invoke=InvokeResponse(body={"statusCode": 200, "type": MESSAGE_TYPE, "value": done}),
        )
    card = render(turn, outcome)
    if replaces:
        return TurnResult(invoke=InvokeResponse(body={"statusCode": 200, "type": CARD_TYPE, "value": card}))
    note = summary_text(outcome, turn.locale) or t("reply.action_done", turn.locale)
    return TurnResult(
        messages=[OutgoingMessage(card=card)],
        invoke=InvokeResponse(body={"statusCode": 200, "type": MESSAGE_TYPE, "value": note}),
    )


router.add(IsMessage & HasCardVerb, card_submit)
router.add(invoke_named("adaptiveCard/action"), card_execute)
