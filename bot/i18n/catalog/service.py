"""Strings for what the service answers: problems, confirmations, list titles, backend errors."""

MESSAGES: dict[str, dict[str, str]] = {
    "service.start_in_future": {
        "en": "I can't start a timer in the future ({time}). Start it now, or log the time when it's done.",
        "de": "Ich kann keinen Timer in der Zukunft starten ({time}). Starte ihn jetzt oder erfasse die Zeit danach.",
    },
    "service.before_running_start": {
        "en": "Your running timer started at {start}, so I can't switch at {time}. Pick a time after {start}.",
        "de": "Dein laufender Timer begann um {start}, ein Wechsel um {time} geht nicht. Wähle eine Zeit nach {start}.",
    },
    "service.no_timer": {"en": "No timer is running.", "de": "Es läuft kein Timer."},
    "service.no_timer_hint": {
        "en": "Start one with **start @project**.",
        "de": "Starte einen mit **start @projekt**.",
    },
    "service.stop_before_start": {
        "en": "The timer started at {start}; it can't stop at {time}.",
        "de": "Der Timer lief ab {start}; er kann nicht um {time} enden.",
    },
    "service.stop_in_future": {
        "en": "{time} is still in the future. Say **stop** to stop now.",
        "de": "{time} liegt noch in der Zukunft. Sag **stop**, um jetzt zu stoppen.",
    },
    "service.entry_gone": {
        "en": "That entry no longer exists (it was deleted or changed elsewhere).",
        "de": "Diesen Eintrag gibt es nicht mehr (er wurde anderswo gelöscht oder geändert).",
    },
    "service.no_entries": {"en": "You have no time entries yet.", "de": "Du hast noch keine Zeiteinträge."},
    "service.no_entries_hint": {
        "en": "Try **log 1h @project** or **start @project**.",
        "de": "Versuch **log 1h @projekt** oder **start @projekt**.",
    },
    "service.no_such_entry": {
        "en": "There is no entry {handle}: I found only {count} recent entries. **times** lists them.",
        "de": "Es gibt keinen Eintrag {handle}: Ich habe nur {count} neuere Einträge gefunden. **times** listet sie auf.",
    },
    "service.end_before_start": {
        "en": "The end ({end}) must come after the start ({start}).",
        "de": "Das Ende ({end}) muss nach dem Beginn ({start}) liegen.",
    },
    "service.too_long": {
        "en": "One entry can't be longer than {hours} hours. Split it into several entries.",
        "de": "Ein Eintrag darf nicht länger als {hours} Stunden sein. Teile ihn in mehrere auf.",
    },
    "service.log_needs_time": {
        "en": "How long? Give a duration or a time range.",
        "de": "Wie lange? Gib eine Dauer oder einen Zeitraum an.",
    },
    "service.log_hint": {
        "en": "For example **log 1h30m @website** or **log 9-10:30 @website**.",
        "de": "Zum Beispiel **log 1h30m @website** oder **log 9-10:30 @website**.",
    },
    "service.future_day": {
        "en": "{date} is in the future; I only log time that has happened.",
        "de": "{date} liegt in der Zukunft; ich erfasse nur vergangene Zeit.",
    },
    "service.nothing_to_undo": {
        "en": "There is nothing to undo.",
        "de": "Es gibt nichts rückgängig zu machen.",
    },
    "service.undo_expired": {
        "en": "That change was already undone or is too old to undo.",
        "de": "Diese Änderung wurde schon rückgängig gemacht oder ist zu alt.",
    },
    "service.undo_conflict": {
        "en": "I can't undo that: it would leave two timers running.",
        "de": "Das kann ich nicht rückgängig machen: Dann liefen zwei Timer.",
    },
    "service.undo_conflict_hint": {
        "en": "Stop the running timer first, then undo.",
        "de": "Stoppe zuerst den laufenden Timer und mach es dann rückgängig.",
    },
    "service.unknown_client": {
        "en": "I don't know a client “{name}”.",
        "de": "Ich kenne keinen Kunden „{name}“.",
    },
    "service.client_add_hint": {
        "en": "Create it with **client add {name}**, or see **clients**.",
        "de": "Lege ihn mit **client add {name}** an oder sieh dir **clients** an.",
    },
    "service.project_created": {"en": "Created project **{name}**.", "de": "Projekt **{name}** angelegt."},
    "service.project_add_undone": {
        "en": "Undone: project **{name}** is archived (it no longer appears in the lists).",
        "de": "Rückgängig gemacht: Projekt **{name}** ist archiviert (es erscheint nicht mehr in den Listen).",
    },
    "service.project_unarchived": {
        "en": "Project **{name}** was archived: it is back in the lists, with what was logged to it.",
        "de": "Projekt **{name}** war archiviert: es ist wieder in den Listen, mit dem, was darauf erfasst wurde.",
    },
    "service.project_restored": {
        "en": "Project **{name}** is back.",
        "de": "Projekt **{name}** ist wieder da.",
    },
    "service.client_created": {"en": "Created client **{name}**.", "de": "Kunde **{name}** angelegt."},
    "service.task_created": {
        "en": "Created task **{name}** in *{project}*.",
        "de": "Aufgabe **{name}** in *{project}* angelegt.",
    },
    "service.tag_created": {"en": "Created tag **#{name}**.", "de": "Tag **#{name}** angelegt."},
    "service.renamed": {"en": "Renamed {old} to **{new}**.", "de": "{old} heißt jetzt **{new}**."},
    "service.client_archived": {
        "en": "Archived client **{name}**: it's no longer listed.",
        "de": "Kunde **{name}** archiviert: Er wird nicht mehr aufgeführt.",
    },
    "service.project_archived": {
        "en": "Archived project **{name}**: it's no longer offered; its entries stay.",
        "de": "Projekt **{name}** archiviert: Es wird nicht mehr angeboten; seine Einträge bleiben.",
    },
    "service.task_done": {
        "en": "Marked task **{name}** in *{project}* done: it's no longer offered.",
        "de": "Aufgabe **{name}** in *{project}* erledigt: Sie wird nicht mehr angeboten.",
    },
    "service.tag_deleted": {
        "en": "Deleted tag **#{name}**; the entries that had it keep their time.",
        "de": "Tag **#{name}** gelöscht; die Einträge damit behalten ihre Zeit.",
    },
    "service.unknown_task": {
        "en": "I don't know a task “{name}”. See **tasks**.",
        "de": "Ich kenne keine Aufgabe „{name}“. Sieh dir **tasks** an.",
    },
    "service.unknown_tag": {
        "en": "I don't know a tag “{name}”. See **tags**.",
        "de": "Ich kenne keinen Tag „{name}“. Sieh dir **tags** an.",
    },
    "service.timezone_is": {
        "en": "Your time zone is **{zone}**. Change it with **timezone Europe/Berlin**.",
        "de": "Deine Zeitzone ist **{zone}**. Ändern mit **timezone Europe/Berlin**.",
    },
    "service.timezone_set": {
        "en": "Time zone set to **{zone}**. It now wins over the zone Teams reports for your device; "
        "times are shown with the zone name when the two differ.",
        "de": "Zeitzone auf **{zone}** gesetzt. Sie gilt jetzt statt der Zone, die Teams für dein Gerät meldet; "
        "weichen beide ab, steht der Zonenname bei den Zeiten.",
    },
    "service.unknown_timezone": {
        "en": "“{zone}” is not a time zone I know. Did you mean **timezone {suggestion}**?",
        "de": "„{zone}“ kenne ich nicht als Zeitzone. Meintest du **timezone {suggestion}**?",
    },
    "service.overlaps": {"en": "Overlaps with: {spans}", "de": "Überschneidet sich mit: {spans}"},
    "summary.none": {"en": "(no project)", "de": "(kein Projekt)"},
    "list.billable": {"en": "billable", "de": "abrechenbar"},
    "list.projects": {"en": "Projects", "de": "Projekte"},
    "list.projects_empty": {
        "en": "No projects yet. Create one with **project add Website client:Acme**.",
        "de": "Noch keine Projekte. Lege eins an mit **project add Website client:Acme**.",
    },
    "list.project_count": {"en": "{count} projects", "de": "{count} Projekte"},
    "list.project_count.one": {"en": "{count} project", "de": "{count} Projekt"},
    "list.clients": {"en": "Clients", "de": "Kunden"},
    "list.clients_empty": {
        "en": "No clients yet. Create one with **client add Acme**.",
        "de": "Noch keine Kunden. Lege einen an mit **client add Acme**.",
    },
    "list.tasks": {"en": "Tasks", "de": "Aufgaben"},
    "list.tasks_empty": {
        "en": "No tasks yet. Create one with **task add website/Design**.",
        "de": "Noch keine Aufgaben. Lege eine an mit **task add website/Design**.",
    },
    "list.tags": {"en": "Tags", "de": "Tags"},
    "list.groups": {"en": "Groups", "de": "Gruppen"},
    "list.groups_empty": {
        "en": "This workspace has no groups yet; they are made in your time tracker's own app.",
        "de": "Dieser Arbeitsbereich hat noch keine Gruppen; sie werden in der App deiner Zeiterfassung angelegt.",
    },
    "list.member_count": {"en": "{count} members", "de": "{count} Mitglieder"},
    "list.member_count.one": {"en": "{count} member", "de": "{count} Mitglied"},
    "list.you_are_member": {"en": "you are a member", "de": "du bist Mitglied"},
    "list.tags_empty": {
        "en": "No tags yet. Add one with **tag add meeting**, or just use **#meeting** when you log time.",
        "de": "Noch keine Tags. Lege einen an mit **tag add meeting** oder nutze einfach **#meeting** beim Erfassen.",
    },
    "list.tag_time": {"en": "time tag", "de": "Zeit-Tag"},
    "list.tag_project": {"en": "project tag", "de": "Projekt-Tag"},
    "error.not_found": {
        "en": "I couldn't find that: {detail}",
        "de": "Das habe ich nicht gefunden: {detail}",
    },
    "error.conflict": {
        "en": "That clashes with existing data: {detail}",
        "de": "Das kollidiert mit vorhandenen Daten: {detail}",
    },
    "error.permission": {
        "en": "You're not allowed to do that here: {detail}",
        "de": "Das darfst du hier nicht: {detail}",
    },
    "error.permission_hint": {
        "en": "Ask a workspace admin, or an admin can allow everyone to create projects, clients and tags.",
        "de": "Frag eine Workspace-Administration; sie kann allen das Anlegen von Projekten, Kunden und Tags erlauben.",
    },
    "error.unauthorized": {
        "en": "Your connection to the time tracker has expired. Please connect again.",
        "de": "Deine Verbindung zur Zeiterfassung ist abgelaufen. Bitte verbinde dich erneut.",
    },
    "error.validation": {"en": "That doesn't work: {detail}", "de": "Das geht so nicht: {detail}"},
    "error.unsupported": {
        "en": "{backend} doesn't support {capability}, so I can't do that there.",
        "de": "{backend} unterstützt {capability} nicht, daher geht das dort nicht.",
    },
    "error.refused": {
        "en": "{backend} refused {capability} for your connection, so I've turned them off for you. "
        "Everything else keeps working.",
        "de": "{backend} hat {capability} für deine Verbindung abgelehnt, daher habe ich sie für dich "
        "abgeschaltet. Alles andere funktioniert weiter.",
    },
    # What a backend lacks (`Unsupported.capability`), in the person's language; unknown ones stay as given.
    "capability.an Excel report of its own": {
        "en": "an Excel report of its own",
        "de": "einen eigenen Excel-Bericht",
    },
    "capability.clients": {"en": "clients", "de": "Kunden"},
    "capability.renaming clients": {"en": "renaming clients", "de": "das Umbenennen von Kunden"},
    "capability.archiving clients": {"en": "archiving clients", "de": "das Archivieren von Kunden"},
    "capability.renaming projects": {"en": "renaming projects", "de": "das Umbenennen von Projekten"},
    "capability.archiving projects": {"en": "archiving projects", "de": "das Archivieren von Projekten"},
    "capability.removing the project from a time entry": {
        "en": "removing the project from a time entry",
        "de": "das Entfernen des Projekts aus einem Zeiteintrag",
    },
    "capability.renaming tasks": {"en": "renaming tasks", "de": "das Umbenennen von Aufgaben"},
    "capability.finishing tasks": {"en": "finishing tasks", "de": "das Erledigen von Aufgaben"},
    "capability.renaming tags": {"en": "renaming tags", "de": "das Umbenennen von Tags"},
    "capability.deleting tags": {"en": "deleting tags", "de": "das Löschen von Tags"},
    "capability.feed": {"en": "the feed", "de": "den Feed"},
    "capability.groups": {"en": "groups", "de": "Gruppen"},
    "capability.project tags": {"en": "project tags", "de": "Projekt-Tags"},
    "capability.projects": {"en": "projects", "de": "Projekte"},
    "capability.reports": {"en": "reports", "de": "Berichte"},
    "capability.reports on other people's time": {
        "en": "reports on other people's time",
        "de": "Berichte über die Zeit anderer",
    },
    "capability.tags": {"en": "tags", "de": "Tags"},
    "capability.tags on time entries": {"en": "tags on time entries", "de": "Tags an Zeiteinträgen"},
    "capability.tasks": {"en": "tasks", "de": "Aufgaben"},
    "capability.tasks on projects without a client": {
        "en": "tasks on projects without a client",
        "de": "Aufgaben in Projekten ohne Kunden",
    },
    "capability.working hours": {"en": "working hours", "de": "Arbeitszeiten"},
    "capability.workspace settings": {"en": "workspace settings", "de": "Arbeitsbereich-Einstellungen"},
    "error.unsupported_generic": {
        "en": "Your time tracker doesn't support {capability}, so I can't do that there.",
        "de": "Deine Zeiterfassung unterstützt {capability} nicht, daher geht das dort nicht.",
    },
    "error.unavailable": {
        "en": "The time tracker isn't answering right now. Nothing you typed is lost: try again in a moment.",
        "de": "Die Zeiterfassung antwortet gerade nicht. Nichts ist verloren: Versuch es gleich noch einmal.",
    },
    "error.rate_limited": {
        "en": "{backend} allows no more requests for now (its API limit). Nothing you typed is lost: "
        "try again in {minutes} min.",
        "de": "{backend} nimmt gerade keine Anfragen mehr an (sein API-Limit). Nichts ist verloren: "
        "Versuch es in {minutes} Min. noch einmal.",
    },
    "error.internal": {
        "en": "Something went wrong on my side. Nothing you typed is lost: you can retry it.",
        "de": "Bei mir ist etwas schiefgegangen. Nichts ist verloren: Du kannst es erneut versuchen.",
    },
    "error.no_identity": {
        "en": "I can't tell who you are (Teams sent no user id), so I can't track time for you here.",
        "de": "Ich kann dich nicht erkennen (Teams hat keine Benutzer-ID gesendet), daher kann ich hier keine Zeit erfassen.",
    },
    "error.bad_card": {
        "en": "That button's data didn't make sense to me. Please try the command again.",
        "de": "Die Daten dieses Buttons ergeben für mich keinen Sinn. Bitte versuch den Befehl erneut.",
    },
    "error.bad_input": {"en": "Please check: {detail}", "de": "Bitte prüfen: {detail}"},
    "form.bad_date": {"en": "Use a date like 2026-11-17.", "de": "Bitte ein Datum wie 2026-11-17 angeben."},
    "form.bad_time": {"en": "Use a time like 14:30.", "de": "Bitte eine Uhrzeit wie 14:30 angeben."},
    "reply.action_done": {"en": "Done — see my reply below.", "de": "Erledigt – siehe meine Antwort unten."},
    "reply.help_hint": {
        "en": "**help {verb}** shows how to write it.",
        "de": "**help {verb}** zeigt, wie man es schreibt.",
    },
}
