"""Strings of the times Excel report: sheet and column names, its delivery (file consent, download link)."""

MESSAGES: dict[str, dict[str, str]] = {
    "report.sheet": {"en": "Times", "de": "Zeiten"},
    "report.col.date": {"en": "Date", "de": "Datum"},
    "report.col.start": {"en": "Start", "de": "Beginn"},
    "report.col.end": {"en": "End", "de": "Ende"},
    "report.col.duration": {"en": "Duration", "de": "Dauer"},
    "report.col.client": {"en": "Client", "de": "Kunde"},
    "report.col.project": {"en": "Project", "de": "Projekt"},
    "report.col.project_description": {"en": "Project description", "de": "Projektbeschreibung"},
    "report.col.task": {"en": "Task", "de": "Aufgabe"},
    "report.col.description": {"en": "Description", "de": "Beschreibung"},
    "report.col.author": {"en": "Author", "de": "Person"},
    "report.total": {"en": "Total", "de": "Gesamt"},
    "report.total_group": {"en": "Total {group}", "de": "Summe {group}"},
    "report.no_project": {"en": "(no project)", "de": "(kein Projekt)"},
    "report.empty": {
        "en": "No finished time entries for {period} match this report, so there is no file to send.",
        "de": "Keine abgeschlossenen Zeiteinträge für {period} passen zu diesem Bericht, es gibt also keine Datei.",
    },
    # a period inside a sentence ("for this month (1–31 Dec)", "für diesen Monat (1.–31. Dez.)")
    "period.in_sentence.today": {"en": "today", "de": "heute"},
    "period.in_sentence.yesterday": {"en": "yesterday", "de": "gestern"},
    "period.in_sentence.week": {"en": "this week", "de": "diese Woche"},
    "period.in_sentence.last_week": {"en": "last week", "de": "letzte Woche"},
    "period.in_sentence.month": {"en": "this month", "de": "diesen Monat"},
    "period.in_sentence.last_month": {"en": "last month", "de": "letzten Monat"},
    "period.in_sentence.year": {"en": "this year", "de": "dieses Jahr"},
    "period.in_sentence.last_year": {"en": "last year", "de": "letztes Jahr"},
    "period.in_sentence.all": {"en": "all time", "de": "den gesamten Zeitraum"},
    "period.with_dates": {"en": "{name} ({dates})", "de": "{name} ({dates})"},
    "report.ready": {
        "en": "Your times report for {period} is ready: {count} entries, {total} in total.",
        "de": "Dein Zeitbericht für {period} ist fertig: {count} Einträge, insgesamt {total}.",
    },
    "report.ready.one": {
        "en": "Your times report for {period} is ready: 1 entry, {total} in total.",
        "de": "Dein Zeitbericht für {period} ist fertig: 1 Eintrag, insgesamt {total}.",
    },
    "report.ready_native": {
        "en": "{backend}'s own Excel report for {period} is ready.",
        "de": "Der eigene Excel-Bericht von {backend} für {period} ist fertig.",
    },
    "report.consent_description_native": {
        "en": "{backend} Excel report {period}",
        "de": "{backend}-Excel-Bericht {period}",
    },
    "report.native_options": {
        "en": "{backend}'s own report has no project, client or billable filter, no rounding and no column "
        "choice.",
        "de": "Der eigene Bericht von {backend} kennt keinen Projekt-, Kunden- oder Abrechenbar-Filter, kein "
        "Runden und keine Spaltenwahl.",
    },
    "report.native_options_hint": {
        "en": "Leave those out for its own file, or leave out **timeghost** for timebot's report, which has them.",
        "de": "Lass sie für die eigene Datei weg, oder lass **timeghost** weg für den timebot-Bericht, der sie hat.",
    },
    "report.native_one_person": {
        "en": "{backend}'s own report covers one person or everyone (**all**), not a list of people.",
        "de": "Der eigene Bericht von {backend} umfasst eine Person oder alle (**alle**), keine Liste von Personen.",
    },
    "report.consent_hint": {
        "en": "Allow me to save it to your OneDrive, and it opens right here in the chat.",
        "de": "Erlaube mir, ihn in deinem OneDrive zu speichern, dann öffnet er sich direkt hier im Chat.",
    },
    "report.consent_description": {
        "en": "Times report {period} ({count} entries, {total})",
        "de": "Zeitbericht {period} ({count} Einträge, {total})",
    },
    "report.link_note": {
        "en": "The link is for {name} only: it works once and expires at {time}.",
        "de": "Der Link ist nur für {name}: Er funktioniert einmal und läuft um {time} ab.",
    },
    "report.link_note_personal": {
        "en": "The link works once, for you only, and expires at {time}.",
        "de": "Der Link funktioniert einmal, nur für dich, und läuft um {time} ab.",
    },
    "report.btn.download": {"en": "Download the report", "de": "Bericht herunterladen"},
    "report.saved": {
        "en": "Saved {name} to your OneDrive.",
        "de": "{name} wurde in deinem OneDrive gespeichert.",
    },
    "report.declined": {
        "en": "All right, I didn't save the report. Say **report** again whenever you need it.",
        "de": "Gut, ich habe den Bericht nicht gespeichert. Sag einfach wieder **report**, wenn du ihn brauchst.",
    },
    "report.gone": {
        "en": "That report is no longer available (it expired or was already saved). Say **report** to make a new one.",
        "de": "Dieser Bericht ist nicht mehr verfügbar (abgelaufen oder schon gespeichert). Sag **report** für einen neuen.",
    },
    "report.upload_failed": {
        "en": "I couldn't save the report to your OneDrive. Please try again.",
        "de": "Ich konnte den Bericht nicht in deinem OneDrive speichern. Bitte versuch es noch einmal.",
    },
    "report.unknown_user": {
        "en": "There is nobody called {name} in this workspace.",
        "de": "In diesem Arbeitsbereich gibt es niemanden namens {name}.",
    },
    "report.unknown_client": {
        "en": "There is no client called {name}.",
        "de": "Es gibt keinen Kunden namens {name}.",
    },
    "report.unknown_project": {
        "en": "I couldn't find exactly one project called {name}.",
        "de": "Ich habe nicht genau ein Projekt namens {name} gefunden.",
    },
    "report.unknown_project_hint": {
        "en": "Write it as it appears in **projects**, e.g. **@acme/website**.",
        "de": "Schreib ihn wie in **projects**, z. B. **@acme/website**.",
    },
}
