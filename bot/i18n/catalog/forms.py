"""Strings of the card forms (`cards.forms`): log time, start a timer, settings. Keys start with `form.`."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "form.log.title": {"en": "Log time", "de": "Zeit erfassen"},
    "form.start.title": {"en": "Start a timer", "de": "Timer starten"},
    "form.settings.title": {"en": "Settings", "de": "Einstellungen"},
    "form.errors": {
        "en": "Please check the highlighted fields.",
        "de": "Bitte prüfe die markierten Felder.",
    },
    "form.project": {"en": "Project", "de": "Projekt"},
    "form.project.placeholder": {"en": "Choose a project", "de": "Projekt wählen"},
    "form.project.none": {"en": "No project", "de": "Kein Projekt"},
    "form.project.search": {"en": "Type to search projects", "de": "Tippen, um Projekte zu suchen"},
    "form.task": {"en": "Task (optional)", "de": "Aufgabe (optional)"},
    "form.task.placeholder": {"en": "Choose a task", "de": "Aufgabe wählen"},
    "form.task.search": {
        "en": "Type to search the project's tasks",
        "de": "Tippen, um Aufgaben des Projekts zu suchen",
    },
    "form.date": {"en": "Date", "de": "Datum"},
    "form.date.required": {"en": "Please pick a date.", "de": "Bitte ein Datum wählen."},
    "form.date.future": {
        "en": "That day is in the future; time can only be logged up to today.",
        "de": "Dieser Tag liegt in der Zukunft; Zeit lässt sich nur bis heute erfassen.",
    },
    "form.start": {"en": "From", "de": "Von"},
    "form.end": {"en": "To", "de": "Bis"},
    "form.duration": {"en": "Duration (or From and To)", "de": "Dauer (oder Von und Bis)"},
    "form.duration.placeholder": {"en": "e.g. 1h30m or 1.5h", "de": "z. B. 1,5 Std oder 90 Min"},
    "form.duration.invalid": {
        "en": "Use a duration like 1h30m, 90m or 1.5h.",
        "de": "Bitte eine Dauer wie 1,5 Std, 90 Min oder 1h30m angeben.",
    },
    "form.duration.unit": {
        "en": "Add a unit to {number}: {number}m or {number}h?",
        "de": "Bitte eine Einheit zu {number} angeben: {number} Min oder {number} Std?",
    },
    "form.duration.missing": {
        "en": "Enter a duration, or both From and To.",
        "de": "Bitte eine Dauer oder Von und Bis angeben.",
    },
    "form.end.missing": {
        "en": "With a start time, enter an end time or a duration.",
        "de": "Zur Startzeit bitte eine Endzeit oder eine Dauer angeben.",
    },
    "form.both": {
        "en": "Enter either a duration or From and To, not both.",
        "de": "Bitte entweder eine Dauer oder Von und Bis angeben, nicht beides.",
    },
    "form.tags": {"en": "Tags", "de": "Tags"},
    "form.tags.placeholder": {"en": "Choose tags", "de": "Tags wählen"},
    "form.tags.search": {"en": "Type to search tags", "de": "Tippen, um Tags zu suchen"},
    "form.billable": {
        "en": "Billable (unticked: as the project is set up)",
        "de": "Abrechenbar (ohne Haken: wie im Projekt eingestellt)",
    },
    "form.note": {"en": "Note", "de": "Notiz"},
    "form.note.placeholder": {"en": "What did you work on?", "de": "Woran hast du gearbeitet?"},
    "form.project.unknown": {
        "en": "That project is no longer available. Please choose another one.",
        "de": "Dieses Projekt gibt es nicht mehr. Bitte wähle ein anderes.",
    },
    "form.task.unknown": {
        "en": "That task does not belong to the chosen project.",
        "de": "Diese Aufgabe gehört nicht zum gewählten Projekt.",
    },
    "form.tags.unknown": {
        "en": "Some tags are no longer available. Please choose again.",
        "de": "Einige Tags gibt es nicht mehr. Bitte wähle erneut.",
    },
    "form.btn.log": {"en": "Log time", "de": "Erfassen"},
    "form.btn.start": {"en": "Start", "de": "Starten"},
    "form.btn.open_log": {"en": "Log time…", "de": "Zeit erfassen…"},
    "form.btn.open_start": {"en": "Start with details…", "de": "Mit Details starten…"},
    # --- settings ---
    "form.settings.personal": {"en": "For you", "de": "Für dich"},
    "form.settings.timezone": {"en": "Time zone", "de": "Zeitzone"},
    "form.settings.timezone_other": {
        "en": "Another time zone (e.g. America/Chicago)",
        "de": "Andere Zeitzone (z. B. America/Chicago)",
    },
    "form.settings.timezone_unknown": {
        "en": "I don't know the time zone “{zone}”. Did you mean {suggestion}?",
        "de": "Die Zeitzone „{zone}“ kenne ich nicht. Meintest du {suggestion}?",
    },
    "form.settings.language": {
        "en": "Language: English (follows your Teams language).",
        "de": "Sprache: Deutsch (folgt deiner Teams-Sprache).",
    },
    "form.settings.workspace": {"en": "Workspace (admins)", "de": "Arbeitsbereich (Admins)"},
    "form.settings.admin_only": {
        "en": "Only admins may create projects, clients, tasks and tags",
        "de": "Nur Admins dürfen Projekte, Kunden, Aufgaben und Tags anlegen",
    },
    "form.settings.weekly_target": {"en": "Weekly target (hours)", "de": "Wochensoll (Stunden)"},
    "form.settings.weekly_target_invalid": {
        "en": "Enter hours between 0 and 168.",
        "de": "Bitte Stunden zwischen 0 und 168 angeben.",
    },
    "form.settings.saved": {"en": "Settings saved.", "de": "Einstellungen gespeichert."},
    "form.settings.not_admin": {
        "en": "Only workspace admins can change the workspace settings.",
        "de": "Nur Admins des Arbeitsbereichs können dessen Einstellungen ändern.",
    },
}
