"""Strings of the reminders (a timer left running, a workday with little booked) and their settings."""

MESSAGES: dict[str, dict[str, str]] = {
    "reminder.timer.title": {"en": "Your timer is still running", "de": "Dein Timer läuft noch"},
    "reminder.timer.end_of_day": {
        "en": "It is past your end of day ({time}).",
        "de": "Dein Feierabend ({time}) ist vorbei.",
    },
    "reminder.timer.long": {
        "en": "It has been running for more than {hours} hours.",
        "de": "Er läuft seit mehr als {hours} Stunden.",
    },
    "reminder.btn.stop_at": {"en": "Stop at {time}", "de": "Um {time} stoppen"},
    "reminder.btn.stop_now": {"en": "Stop now", "de": "Jetzt stoppen"},
    "reminder.btn.keep": {"en": "Keep running", "de": "Weiterlaufen lassen"},
    "reminder.kept": {
        "en": "OK, the timer keeps running. I won't remind you again today.",
        "de": "OK, der Timer läuft weiter. Heute erinnere ich dich nicht mehr.",
    },
    "reminder.settings_hint": {
        "en": "Reminders and your end of day are in **settings**.",
        "de": "Erinnerungen und deinen Feierabend stellst du unter **settings** ein.",
    },
    "reminder.nudge.title": {"en": "Anything to book for today?", "de": "Noch etwas für heute zu buchen?"},
    "reminder.nudge.nothing": {
        "en": "Nothing is booked for {day} yet.",
        "de": "Für {day} ist noch nichts gebucht.",
    },
    "reminder.nudge.little": {
        "en": "Only **{booked}** is booked for {day}.",
        "de": "Für {day} sind erst **{booked}** gebucht.",
    },
    "reminder.nudge.clocked": {
        "en": "You clocked {clocked} of working time and booked {booked}.",
        "de": "Du hast {clocked} Arbeitszeit erfasst und {booked} gebucht.",
    },
    "reminder.btn.feed": {"en": "Book from feed ({count})", "de": "Aus dem Feed buchen ({count})"},
    "reminder.btn.copy_yesterday": {"en": "Log like yesterday", "de": "Wie gestern buchen"},
    "reminder.btn.copy_day": {"en": "Log like {day}", "de": "Wie {day} buchen"},
    "reminder.btn.log_form": {"en": "Open log form", "de": "Formular öffnen"},
    "reminder.copied": {
        "en": "✅ Booked {count} entries like {source} on {target}: **{duration}**.",
        "de": "✅ {count} Einträge wie am {source} für {target} gebucht: **{duration}**.",
    },
    "reminder.copied.one": {
        "en": "✅ Booked 1 entry like {source} on {target}: **{duration}**.",
        "de": "✅ 1 Eintrag wie am {source} für {target} gebucht: **{duration}**.",
    },
    "reminder.copied_skipped": {
        "en": "{count} left out: they would overlap what is booked already, or lie in the future.",
        "de": "{count} ausgelassen: Sie würden sich mit schon Gebuchtem überschneiden oder liegen in der Zukunft.",
    },
    # --- settings card: reminders and the feed ---
    "form.settings.reminders": {"en": "Reminders and feed", "de": "Erinnerungen und Feed"},
    "form.settings.end_of_day": {"en": "My end of day", "de": "Mein Feierabend"},
    "form.settings.end_of_day_invalid": {
        "en": "Give the end of your day as a time, e.g. 18:00.",
        "de": "Gib deinen Feierabend als Uhrzeit an, z. B. 18:00.",
    },
    "form.settings.long_timer": {
        "en": "Remind me of a timer running longer than (hours)",
        "de": "Erinnere mich an einen Timer, der länger läuft als (Stunden)",
    },
    "form.settings.long_timer_invalid": {
        "en": "Give a whole number of hours from 1 to 24.",
        "de": "Gib eine ganze Zahl von Stunden zwischen 1 und 24 an.",
    },
    "form.settings.remind_timer": {
        "en": "Remind me of a timer left running",
        "de": "An einen vergessenen Timer erinnern",
    },
    "form.settings.remind_nudge": {
        "en": "Remind me when a workday ends with little booked",
        "de": "Erinnern, wenn ein Arbeitstag mit wenig Gebuchtem endet",
    },
    "form.settings.feed_push": {
        "en": "Post new feed events into this chat",
        "de": "Neue Feed-Einträge in diesen Chat schicken",
    },
}
