"""Strings of the reply cards (`cards.*`). Keys start with `card.`; every key has English and German.

Templates take already-formatted, already-escaped values (`{duration}`, `{path}`, `{range}` …), so a
language can order its words freely and markdown around a field stays balanced.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- units and formats (cards.format) ---
    "card.dur.h_min": {"en": "{h} h {m} min", "de": "{h} Std. {m} Min."},
    "card.dur.h": {"en": "{h} h", "de": "{h} Std."},
    "card.dur.min": {"en": "{m} min", "de": "{m} Min."},
    "card.dur.under_min": {"en": "less than 1 min", "de": "weniger als 1 Min."},
    "card.range.since": {"en": "since {time}", "de": "seit {time}"},
    "card.no_project": {"en": "No project", "de": "Kein Projekt"},
    "card.more": {"en": "…and {n} more", "de": "…und {n} weitere"},
    # --- buttons ---
    "card.btn.stop": {"en": "Stop", "de": "Stoppen"},
    "card.btn.switch": {"en": "Switch", "de": "Wechseln"},
    "card.btn.undo": {"en": "Undo", "de": "Rückgängig"},
    "card.btn.refresh": {"en": "Refresh", "de": "Aktualisieren"},
    "card.btn.edit": {"en": "Edit", "de": "Bearbeiten"},
    "card.btn.continue": {"en": "Continue", "de": "Fortsetzen"},
    "card.btn.delete": {"en": "Delete", "de": "Löschen"},
    "card.btn.keep": {"en": "Keep", "de": "Behalten"},
    "card.btn.save": {"en": "Save", "de": "Speichern"},
    "card.btn.cancel": {"en": "Cancel", "de": "Abbrechen"},
    "card.btn.start": {"en": "Start…", "de": "Starten…"},
    "card.btn.today": {"en": "Today", "de": "Heute"},
    "card.btn.retry": {"en": "Try again", "de": "Erneut versuchen"},
    "card.btn.run": {"en": "Run: {command}", "de": "Ausführen: {command}"},
    "card.btn.how": {"en": "How to write {verb}", "de": "So schreibt man {verb}"},
    "card.btn.start_form": {"en": "Start…", "de": "Starten…"},
    "card.btn.projects": {"en": "Show projects", "de": "Projekte anzeigen"},
    "card.btn.create_project": {"en": "Create project “{name}”", "de": "Projekt „{name}“ anlegen"},
    "card.btn.help": {"en": "All commands", "de": "Alle Befehle"},
    # --- timer / status ---
    "card.timer.title": {"en": "Timer running", "de": "Timer läuft"},
    "card.timer.elapsed": {"en": "Elapsed", "de": "Laufzeit"},
    "card.timer.today": {"en": "Today", "de": "Heute"},
    "card.timer.switched": {
        "en": "Stopped *{path}* after **{duration}** ({range}).",
        "de": "*{path}* nach **{duration}** gestoppt ({range}).",
    },
    "card.status.idle": {"en": "No timer running", "de": "Kein Timer läuft"},
    "card.status.today": {
        "en": "Today: **{duration}** in {count} entries.",
        "de": "Heute: **{duration}** in {count} Einträgen.",
    },
    "card.status.today.one": {
        "en": "Today: **{duration}** in {count} entry.",
        "de": "Heute: **{duration}** in {count} Eintrag.",
    },
    "card.status.today_one": {
        "en": "Today: **{duration}** in 1 entry.",
        "de": "Heute: **{duration}** in 1 Eintrag.",
    },
    "card.status.today_none": {"en": "Nothing tracked today yet.", "de": "Heute noch nichts erfasst."},
    # --- entry echo (one template per action) ---
    "card.you_typed": {"en": "{path} (you typed “{typed}”)", "de": "{path} (du hast „{typed}“ geschrieben)"},
    "card.entry.logged": {
        "en": "Logged **{duration}** to *{path}*, **{range}**.",
        "de": "**{duration}** auf *{path}* erfasst, **{range}**.",
    },
    "card.entry.stopped": {
        "en": "Stopped *{path}* after **{duration}**, **{range}**.",
        "de": "*{path}* nach **{duration}** gestoppt, **{range}**.",
    },
    "card.entry.edited": {
        "en": "Updated: **{duration}** on *{path}*, **{range}**.",
        "de": "Geändert: **{duration}** auf *{path}*, **{range}**.",
    },
    "card.entry.deleted": {
        "en": "Deleted **{duration}** on *{path}*, **{range}**.",
        "de": "**{duration}** auf *{path}* gelöscht, **{range}**.",
    },
    "card.entry.cancelled": {
        "en": "Discarded the timer on *{path}* (**{duration}**, {range}).",
        "de": "Timer auf *{path}* verworfen (**{duration}**, {range}).",
    },
    "card.entry.continued": {
        "en": "Continuing *{path}*, **{range}**.",
        "de": "*{path}* wird fortgesetzt, **{range}**.",
    },
    "card.entry.restored": {
        "en": "Restored **{duration}** on *{path}*, **{range}**.",
        "de": "**{duration}** auf *{path}* wiederhergestellt, **{range}**.",
    },
    "card.entry.started": {
        "en": "Started *{path}*, **{range}**.",
        "de": "*{path}* gestartet, **{range}**.",
    },
    "card.field.tags": {"en": "Tags", "de": "Tags"},
    "card.field.note": {"en": "Note", "de": "Notiz"},
    "card.field.billable": {"en": "Billable", "de": "Abrechenbar"},
    "card.field.yes": {"en": "yes", "de": "ja"},
    "card.field.no": {"en": "no", "de": "nein"},
    "card.field.running": {"en": "running", "de": "läuft"},
    # --- edit form ---
    "card.edit.title": {"en": "Edit entry", "de": "Eintrag bearbeiten"},
    "card.edit.date": {"en": "Date", "de": "Datum"},
    "card.edit.start": {"en": "Start", "de": "Beginn"},
    "card.edit.end": {"en": "End", "de": "Ende"},
    "card.edit.end_running": {"en": "End (empty: still running)", "de": "Ende (leer: läuft noch)"},
    "card.edit.note": {"en": "Note", "de": "Notiz"},
    "card.edit.note_placeholder": {"en": "What did you work on?", "de": "Woran hast du gearbeitet?"},
    "card.edit.date_required": {"en": "Please pick a date.", "de": "Bitte ein Datum wählen."},
    "card.edit.start_required": {"en": "Please enter a start time.", "de": "Bitte eine Startzeit eingeben."},
    "card.edit.end_required": {"en": "Please enter an end time.", "de": "Bitte eine Endzeit eingeben."},
    "card.edit.errors": {
        "en": "Please check the highlighted fields.",
        "de": "Bitte die markierten Felder prüfen.",
    },
    # --- delete ---
    "card.delete.title": {"en": "Delete this entry?", "de": "Diesen Eintrag löschen?"},
    "card.delete.what": {
        "en": "**{duration}** on *{path}*, **{range}**",
        "de": "**{duration}** auf *{path}*, **{range}**",
    },
    # --- summaries ---
    "card.summary.total": {"en": "Total: **{duration}**", "de": "Gesamt: **{duration}**"},
    "card.summary.billable": {
        "en": "{percent}% billable ({duration})",
        "de": "{percent} % abrechenbar ({duration})",
    },
    "card.summary.share": {"en": "{bar} {percent}%", "de": "{bar} {percent} %"},
    "card.summary.entries": {"en": "{count} entries", "de": "{count} Einträge"},
    "card.summary.entries.one": {"en": "{count} entry", "de": "{count} Eintrag"},
    "card.summary.by": {"en": "By {by}", "de": "Nach {by}"},
    "card.summary.by.project": {"en": "project", "de": "Projekt"},
    "card.summary.by.client": {"en": "client", "de": "Kunde"},
    "card.summary.by.task": {"en": "task", "de": "Aufgabe"},
    "card.summary.by.tag": {"en": "tag", "de": "Tag"},
    "card.summary.by.day": {"en": "day", "de": "Datum"},
    "card.summary.days": {"en": "Per day", "de": "Pro Tag"},
    "card.summary.entries_of_day": {"en": "Entries", "de": "Einträge"},
    "card.list.btn.start": {"en": "Start", "de": "Starten"},
    "card.list.btn.log": {"en": "Log…", "de": "Erfassen…"},
    "card.list.btn.tasks": {"en": "Tasks", "de": "Aufgaben"},
    "card.summary.all_entries": {"en": "All entries", "de": "Alle Einträge"},
    "card.summary.gaps": {
        "en": "Untracked gaps: **{duration}**",
        "de": "Nicht erfasste Lücken: **{duration}**",
    },
    "card.summary.running": {
        "en": "Includes the running timer on *{path}* ({range}).",
        "de": "Enthält den laufenden Timer auf *{path}* ({range}).",
    },
    "card.summary.empty": {
        "en": "Nothing tracked in this period.",
        "de": "In diesem Zeitraum nichts erfasst.",
    },
    "card.summary.empty_hint": {
        "en": "Start a timer with **start @project** or add time with **log 1h @project**.",
        "de": "Starte einen Timer mit **start @projekt** oder erfasse Zeit mit **log 1h @projekt**.",
    },
    # --- entry list ---
    "card.entries.title": {"en": "Times: {period}", "de": "Zeiten: {period}"},
    "card.entries.total": {
        "en": "**{count}** entries, total **{duration}**",
        "de": "**{count}** Einträge, gesamt **{duration}**",
    },
    "card.entries.total.one": {
        "en": "**{count}** entry, total **{duration}**",
        "de": "**{count}** Eintrag, gesamt **{duration}**",
    },
    "card.entries.empty": {"en": "No entries in this period.", "de": "Keine Einträge in diesem Zeitraum."},
    "card.entries.hint": {
        "en": "Tap an entry to edit it, or type **edit @2 end 17:00**.",
        "de": "Tippe auf einen Eintrag, um ihn zu bearbeiten, oder schreibe **edit @2 end 17:00**.",
    },
    # --- pickers ---
    "card.pick.title": {
        "en": "Which project did you mean by “{query}”?",
        "de": "Welches Projekt meinst du mit „{query}“?",
    },
    "card.pick.none": {
        "en": "No project matches “{query}”.",
        "de": "Kein Projekt passt zu „{query}“.",
    },
    "card.pick.more": {
        "en": "…and {n} more. Type a more exact name to narrow it down.",
        "de": "…und {n} weitere. Gib einen genaueren Namen ein, um die Auswahl einzugrenzen.",
    },
    "card.pick.choose": {"en": "Which project?", "de": "Welches Projekt?"},
    "card.pick.switch": {
        "en": "Switch the timer from *{path}* to:",
        "de": "Den Timer von *{path}* wechseln zu:",
    },
    "card.pick.switch_idle": {"en": "Start the timer on:", "de": "Den Timer starten für:"},
    "card.pick.book": {
        "en": "Book **{range}** ({duration}) to which project?",
        "de": "**{range}** ({duration}) auf welches Projekt buchen?",
    },
    "card.pick.no_other": {
        "en": "There is no other open project yet.",
        "de": "Es gibt noch kein anderes offenes Projekt.",
    },
    # --- messages ---
    "card.error.title": {"en": "That didn't work", "de": "Das hat nicht geklappt"},
    # --- lists ---
    "card.list.empty": {"en": "Nothing here yet.", "de": "Noch nichts vorhanden."},
    "card.list.billable": {"en": "billable", "de": "abrechenbar"},
    "card.list.done": {"en": "done", "de": "erledigt"},
    # --- help ---
    "card.help.title": {"en": "What I can do", "de": "Was ich kann"},
    "card.help.intro": {
        "en": "Type a command or tap an example. **help start** explains a command in detail.",
        "de": "Schreib einen Befehl oder tippe auf ein Beispiel. **help start** erklärt einen Befehl genauer.",
    },
    "card.help.group.timer": {"en": "Timer", "de": "Timer"},
    "card.help.group.entries": {"en": "Entries", "de": "Einträge"},
    "card.help.group.summaries": {"en": "Summaries", "de": "Auswertungen"},
    "card.help.group.projects": {"en": "Projects & co.", "de": "Projekte & Co."},
    "card.help.line.timer": {
        "en": "**start**, **stop**, **continue**, **status**, **cancel**",
        "de": "**start**, **stopp**, **weiter**, **jetzt**, **abbrechen**",
    },
    "card.help.line.entries": {
        "en": "**log**, **edit**, **delete**, **undo**, **times**",
        "de": "**buchen**, **ändern**, **löschen**, **rückgängig**, **zeiten**",
    },
    "card.help.line.summaries": {
        "en": "**today**, **yesterday**, **week**, **last week**, **month**, **summary**",
        "de": "**heute**, **gestern**, **woche**, **letzte woche**, **monat**, **zusammenfassung**",
    },
    "card.help.line.projects": {
        "en": "**projects**, **clients**, **tasks**, **tags**, **groups**",
        "de": "**projekte**, **kunden**, **aufgaben**, **tags**, **gruppen**",
    },
    "card.help.unknown": {
        "en": "There is no help for “{topic}”. Here is the overview.",
        "de": "Zu „{topic}“ gibt es keine Hilfe. Hier ist die Übersicht.",
    },
    "card.help.usage": {"en": "Usage", "de": "Aufbau"},
    "card.help.examples": {"en": "Try it", "de": "Ausprobieren"},
    "card.help.start": {
        "en": "Starts a timer. Without a project you get a list to pick from. "
        "Starting while another timer runs switches: the running one stops when the new one starts.",
        "de": "Startet einen Timer. Ohne Projekt bekommst du eine Auswahl. "
        "Läuft schon ein Timer, wird gewechselt: der laufende endet, wenn der neue beginnt.",
    },
    "card.help.stop": {
        "en": "Stops the running timer, now or at a given time. **cancel** discards it instead.",
        "de": "Stoppt den laufenden Timer, jetzt oder zu einer Uhrzeit. **cancel** verwirft ihn stattdessen.",
    },
    "card.help.log": {
        "en": "Adds a finished entry from a duration (**1h30m**, **90min**, **1:30**) or a range (**9-10:30**). "
        "A bare number like **90** gets a question: minutes or hours?",
        "de": "Erfasst einen abgeschlossenen Eintrag aus einer Dauer (**1h30m**, **90min**, **1:30**) oder einer "
        "Spanne (**9-10:30**). Bei einer bloßen Zahl wie **90** frage ich nach: Minuten oder Stunden?",
    },
    "card.help.edit": {
        "en": "Changes an entry: **last** or **@N** from **times**, then fields like **start 9:00**, **end 17:00**, "
        '**duration 2h**, **date yesterday**, **@project**, **#tag**, **-#tag**, **note "…"**, **billable**.',
        "de": "Ändert einen Eintrag: **last** oder **@N** aus **times**, dann Felder wie **start 9:00**, "
        '**end 17:00**, **duration 2h**, **date yesterday**, **@projekt**, **#tag**, **-#tag**, **note "…"**, **billable**.',
    },
    "card.help.delete": {
        "en": "Deletes an entry after asking you to confirm. You can undo it.",
        "de": "Löscht einen Eintrag nach einer Rückfrage. Du kannst es rückgängig machen.",
    },
    "card.help.undo": {
        "en": "Reverts your last change: a new entry is removed, an edit is restored, a deletion comes back.",
        "de": "Macht deine letzte Änderung rückgängig: ein neuer Eintrag verschwindet, eine Änderung wird "
        "zurückgesetzt, ein gelöschter Eintrag kommt zurück.",
    },
    "card.help.times": {
        "en": "Lists your entries with their **@N** handles, for a period, project or tag.",
        "de": "Listet deine Einträge mit ihren **@N**-Kürzeln, für einen Zeitraum, ein Projekt oder einen Tag.",
    },
    "card.help.summary": {
        "en": "Totals for a period with billable share and a breakdown by project, client, task, tag or day.",
        "de": "Summen für einen Zeitraum mit abrechenbarem Anteil und Aufteilung nach Projekt, Kunde, "
        "Aufgabe, Tag oder Datum.",
    },
    "card.help.projects": {
        "en": "Lists projects (optionally of one client) and adds or closes them, "
        "if your workspace allows it.",
        "de": "Listet Projekte (auch nur eines Kunden) und legt sie an oder schließt sie, "
        "sofern dein Workspace es erlaubt.",
    },
    "card.help.timezone": {
        "en": "Sets the time zone used for your times, e.g. **timezone Europe/Berlin**. "
        "Without a zone it shows the current one.",
        "de": "Legt die Zeitzone für deine Zeiten fest, z. B. **timezone Europe/Berlin**. "
        "Ohne Zone zeigt es die aktuelle.",
    },
    "card.help.feed": {
        "en": "Your feed: events other systems posted for you (meetings, tickets). **Book** turns one into an entry with its times and name, to the project the bot learned you book such events to; **Dismiss** hides it. Admins make the keys those systems post with, in our personal chat.",
        "de": "Dein Feed: Termine, die andere Systeme für dich eingestellt haben (Besprechungen, Tickets). **Buchen** macht daraus einen Eintrag mit Zeiten und Namen, auf das Projekt, auf das du solche Termine laut Bot buchst; **Verwerfen** blendet ihn aus. Admins legen in unserem persönlichen Chat die Schlüssel an, mit denen diese Systeme einstellen.",
    },
    "card.help.continue": {
        "en": "Starts a new timer like an earlier entry: same project, task, tags and note.",
        "de": "Startet einen neuen Timer wie ein früherer Eintrag: "
        "gleiches Projekt, Aufgabe, Tags und Notiz.",
    },
    "card.help.status": {
        "en": "Shows the running timer with elapsed time and today's total.",
        "de": "Zeigt den laufenden Timer mit Laufzeit und der Summe von heute.",
    },
}
