"""Strings of working hours (come/go, breaks, `hours`): service answers `wh.*`, card texts `wh.card.*`.

Durations in `wh.*` fields are h:mm ("6:15"); minutes are plain numbers.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- refusals and problems (the fix comes as buttons) ---
    "wh.in_future": {
        "en": "You can't clock in in the future ({time}).",
        "de": "Einstempeln in der Zukunft ({time}) geht nicht.",
    },
    "wh.out_future": {
        "en": "You can't clock out in the future ({time}).",
        "de": "Ausstempeln in der Zukunft ({time}) geht nicht.",
    },
    "wh.break_future": {
        "en": "A break can't reach into the future ({time}).",
        "de": "Eine Pause kann nicht in der Zukunft liegen ({time}).",
    },
    "wh.already_in": {
        "en": "You're already clocked in since {since}.",
        "de": "Du bist schon seit {since} eingestempelt.",
    },
    "wh.still_in": {
        "en": "You're still clocked in since {day} {since}. Clock out for that day first?",
        "de": "Du bist noch seit {day} {since} eingestempelt. Erst für diesen Tag ausstempeln?",
    },
    "wh.overlap": {
        "en": "That overlaps your working time {start}–{end}.",
        "de": "Das überschneidet sich mit deiner Arbeitszeit {start}–{end}.",
    },
    "wh.not_in": {
        "en": "You didn't clock in today. Clock in and out now?",
        "de": "Du hast heute nicht eingestempelt. Jetzt nachtragen?",
    },
    "wh.already_out": {
        "en": "You already clocked out at {time}.",
        "de": "Du hast dich schon um {time} ausgestempelt.",
    },
    "wh.out_before_in": {
        "en": "Clock-out {time} would be before clock-in {since}.",
        "de": "Ausstempeln um {time} läge vor dem Einstempeln um {since}.",
    },
    "wh.out_during_break": {
        "en": "Your break started at {since}, after that time. End the break first.",
        "de": "Deine Pause begann um {since}, nach dieser Zeit. Beende erst die Pause.",
    },
    "wh.break_not_in": {
        "en": "You're not clocked in, so there is no working time to take a break from.",
        "de": "Du bist nicht eingestempelt – es gibt keine Arbeitszeit für eine Pause.",
    },
    "wh.break_before_in": {
        "en": "A break at {time} would be before your clock-in at {since}.",
        "de": "Eine Pause um {time} läge vor deinem Einstempeln um {since}.",
    },
    "wh.already_on_break": {
        "en": "You're already on a break since {since}.",
        "de": "Du bist schon seit {since} in der Pause.",
    },
    "wh.come_on_break": {
        "en": "You're on a break since {since}: end it to carry on working.",
        "de": "Du bist seit {since} in der Pause: beende sie, um weiterzuarbeiten.",
    },
    "wh.no_open_break": {
        "en": "You're not on a break.",
        "de": "Du bist gerade nicht in der Pause.",
    },
    "wh.break_end_before_start": {
        "en": "The break can't end at {time}: it started at {since}.",
        "de": "Die Pause kann nicht um {time} enden: sie begann um {since}.",
    },
    "wh.break_outside": {
        "en": "A break {start}–{end} lies outside your working time.",
        "de": "Eine Pause {start}–{end} liegt außerhalb deiner Arbeitszeit.",
    },
    "wh.break_overlap": {
        "en": "That overlaps your break {start}–{end}.",
        "de": "Das überschneidet sich mit deiner Pause {start}–{end}.",
    },
    "wh.break_needs_time": {
        "en": "How long was the break? For example: break 30m",
        "de": "Wie lange war die Pause? Zum Beispiel: Pause 30m",
    },
    "wh.break_no_room": {
        "en": "There is no stretch of working time long enough for a break of {length}.",
        "de": "Keine Arbeitszeit ist lang genug für eine Pause von {length}.",
    },
    "wh.break_added": {
        "en": "Break {start}–{end} added.",
        "de": "Pause {start}–{end} eingetragen.",
    },
    # --- rule warnings (ArbZG defaults; the workspace may change them) ---
    "wh.rule.break": {
        "en": "{worked} of work needs at least {required} of break; counted so far: {taken}.",
        "de": "{worked} Arbeit brauchen mindestens {required} Pause; bisher: {taken}.",
    },
    "wh.rule.max_daily": {
        "en": "{worked} of work is more than the daily maximum of {max}.",
        "de": "{worked} Arbeit sind mehr als die erlaubten {max} am Tag.",
    },
    "wh.rule.rest": {
        "en": "Only {rest} of rest since your last working day (at least {min}).",
        "de": "Nur {rest} Ruhezeit seit dem letzten Arbeitstag (mindestens {min}).",
    },
    "wh.rule.day.break": {
        "en": "{day}: {worked} of work needs at least {required} of break; counted: {taken}.",
        "de": "{day}: {worked} Arbeit brauchen mindestens {required} Pause; gezählt: {taken}.",
    },
    "wh.rule.day.max_daily": {
        "en": "{day}: {worked} of work is more than the daily maximum of {max}.",
        "de": "{day}: {worked} Arbeit sind mehr als die erlaubten {max} am Tag.",
    },
    "wh.rule.day.rest": {
        "en": "{day}: only {rest} of rest since the previous working day (at least {min}).",
        "de": "{day}: nur {rest} Ruhezeit seit dem vorigen Arbeitstag (mindestens {min}).",
    },
    # --- fix buttons ---
    "wh.fix.add_break": {"en": "Add a {length} break", "de": "{length} Pause eintragen"},
    "wh.fix.come": {"en": "Clock in now", "de": "Jetzt einstempeln"},
    "wh.fix.come_again": {"en": "Clock in again now", "de": "Jetzt wieder einstempeln"},
    "wh.fix.go": {"en": "Clock out now", "de": "Jetzt ausstempeln"},
    "wh.fix.go_at": {"en": "Clock out at {time}", "de": "Um {time} ausstempeln"},
    "wh.fix.in_and_out": {
        "en": "Clock in at {start} and out at {end}",
        "de": "Von {start} bis {end} eintragen",
    },
    "wh.fix.record_day": {"en": "Record {day} {start}–{end}", "de": "{day} {start}–{end} eintragen"},
    "wh.fix.break_start": {"en": "Start a break", "de": "Pause beginnen"},
    "wh.fix.break_end": {"en": "End the break", "de": "Pause beenden"},
    "wh.come_before_later": {
        "en": "Clocking in at {time} would stay open across the working time you already have on {day} "
        "({start}–{end}). Record it with its end instead:",
        "de": "Ein Einstempeln um {time} bliebe offen über deine Arbeitszeit am {day} ({start}–{end}). "
        "Trag es lieber mit Ende ein:",
    },
    # --- clock card ---
    "wh.card.title": {"en": "Working hours", "de": "Arbeitszeit"},
    "wh.card.came": {"en": "Clocked in.", "de": "Eingestempelt."},
    "wh.card.went": {"en": "Clocked out.", "de": "Ausgestempelt."},
    "wh.card.break_started": {"en": "Break started.", "de": "Pause begonnen."},
    "wh.card.break_ended": {"en": "Break ended.", "de": "Pause beendet."},
    "wh.card.break_added": {"en": "Break added.", "de": "Pause eingetragen."},
    "wh.card.restored": {"en": "Undone.", "de": "Rückgängig gemacht."},
    "wh.card.refused": {"en": "Nothing changed.", "de": "Nichts geändert."},
    "wh.card.state.in": {"en": "Clocked in since {since}", "de": "Eingestempelt seit {since}"},
    "wh.card.state.break": {"en": "On a break since {since}", "de": "In der Pause seit {since}"},
    "wh.card.state.out": {"en": "Clocked out", "de": "Ausgestempelt"},
    "wh.card.state.out_at": {"en": "Clocked out at {time}", "de": "Ausgestempelt um {time}"},
    "wh.card.worked_today": {"en": "Worked today", "de": "Heute gearbeitet"},
    "wh.card.worked_on": {"en": "Worked {day}", "de": "Gearbeitet {day}"},
    "wh.card.came_at": {"en": "Clocked in at {time}", "de": "Eingestempelt um {time}"},
    "wh.card.went_at": {"en": "Clocked out at {time}", "de": "Ausgestempelt um {time}"},
    "wh.card.break_ended_in": {
        "en": "Break over; clocked in since {since}",
        "de": "Pause vorbei; eingestempelt seit {since}",
    },
    "wh.card.now": {"en": "Now: {state}", "de": "Jetzt: {state}"},
    "wh.card.breaks_today": {"en": "Breaks", "de": "Pausen"},
    "wh.card.status_line": {
        "en": "Working hours: {state} · {worked} worked today",
        "de": "Arbeitszeit: {state} · heute {worked} gearbeitet",
    },
    "wh.card.btn.come": {"en": "Come", "de": "Kommen"},
    "wh.card.btn.go": {"en": "Go", "de": "Gehen"},
    "wh.card.btn.break_start": {"en": "Break start", "de": "Pause beginnen"},
    "wh.card.btn.break_end": {"en": "Break end", "de": "Pause beenden"},
    "wh.card.btn.hours": {"en": "Hours", "de": "Stunden"},
    # --- hours card ---
    "wh.card.hours_title": {"en": "Working hours · {period}", "de": "Arbeitszeit · {period}"},
    # table headers: one short word each, so a quarter of a 320 px card holds them
    "wh.card.col.worked": {"en": "Worked", "de": "Arbeit"},
    "wh.card.col.breaks": {"en": "Breaks", "de": "Pausen"},
    "wh.card.col.booked": {"en": "Booked", "de": "Gebucht"},
    "wh.card.col.unassigned": {"en": "Open", "de": "Offen"},
    "wh.card.worked": {"en": "Clocked (without breaks)", "de": "Gestempelt (ohne Pausen)"},
    "wh.card.breaks": {"en": "Breaks", "de": "Pausen"},
    "wh.card.booked": {"en": "Booked to projects", "de": "Auf Projekte gebucht"},
    "wh.card.unassigned": {"en": "Clocked but not booked", "de": "Gestempelt, nicht gebucht"},
    "wh.card.outside": {"en": "Booked outside working time", "de": "Außerhalb der Arbeitszeit gebucht"},
    "wh.card.target": {"en": "Target", "de": "Soll"},
    "wh.card.target_so_far": {"en": "Target so far", "de": "Soll bisher"},
    "wh.card.balance": {"en": "Balance", "de": "Saldo"},
    "wh.card.weeks": {"en": "Weeks", "de": "Wochen"},
    "wh.card.week_row": {
        "en": "{week}: {worked} of {target} ({balance})",
        "de": "{week}: {worked} von {target} ({balance})",
    },
    "wh.card.empty": {
        "en": "No working hours in this period. Clock in with: come",
        "de": "Keine Arbeitszeit in diesem Zeitraum. Einstempeln mit: kommen",
    },
    "wh.card.gaps": {
        "en": "Book the unassigned time to a project:",
        "de": "Offene Zeit auf ein Projekt buchen:",
    },
    "wh.card.book_gap": {"en": "Book {range}", "de": "{range} buchen"},
    "wh.card.warnings": {"en": "Working-time rules", "de": "Arbeitszeitregeln"},
    "wh.card.btn.today": {"en": "Today", "de": "Heute"},
    "wh.card.btn.week": {"en": "Week", "de": "Woche"},
    "wh.card.btn.month": {"en": "Month", "de": "Monat"},
}
