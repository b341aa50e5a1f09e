"""Messages of the command parser (`bot.commands`): failures, clarifying questions, period labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # failures
    "parse.unknown_command": {
        "en": "I didn't understand “{text}”. Type **help** to see what I can do.",
        "de": "Ich habe „{text}“ nicht verstanden. Mit **help** siehst du, was ich kann.",
    },
    "parse.did_you_mean": {
        "en": "Did you mean **{suggestion}**?",
        "de": "Meintest du **{suggestion}**?",
    },
    "parse.subscribe_what": {
        "en": "Subscribe to what? **subscribe times**, **subscribe projects tasks**, **subscribe all** — optionally with **created**/**changed**/**deleted** and **@project**.",
        "de": "Was abonnieren? **subscribe times**, **subscribe projects tasks**, **subscribe all** — wahlweise mit **created**/**changed**/**deleted** und **@projekt**.",
    },
    "parse.unsubscribe_whole": {
        "en": "**unsubscribe** takes entities only (**unsubscribe times**); to change events or projects use **subscribe** again or the **subscriptions** card.",
        "de": "**unsubscribe** nimmt nur Entitäten (**unsubscribe times**); Ereignisse oder Projekte änderst du mit **subscribe** oder der Karte **subscriptions**.",
    },
    "parse.unsupported_command": {
        "en": "**{verb}** is not available yet.",
        "de": "**{verb}** gibt es noch nicht.",
    },
    "parse.internal_error": {
        "en": "Something went wrong while reading that command. Please try again or type **help**.",
        "de": "Beim Lesen des Befehls ging etwas schief. Bitte versuch es noch einmal oder tippe **help**.",
    },
    "parse.too_long": {
        "en": "That command is too long (at most {max} characters).",
        "de": "Der Befehl ist zu lang (höchstens {max} Zeichen).",
    },
    "parse.unexpected": {
        "en": "I don't know what to do with “{text}” here.",
        "de": "Mit „{text}“ kann ich hier nichts anfangen.",
    },
    "parse.log.missing_duration": {
        "en": "How long? Give a duration or a range, e.g. **log 1h30m @project** or **log 9-10:30 @project**.",
        "de": "Wie lange? Gib eine Dauer oder eine Zeitspanne an, z. B. **log 1h30m @projekt** oder "
        "**log 9-10:30 @projekt**.",
    },
    "parse.bad_duration": {
        "en": "“{text}” is not a duration I understand. Try **1h30m**, **90m** or **1:30**.",
        "de": "„{text}“ ist keine Dauer, die ich verstehe. Versuch **1h30m**, **90m** oder **1:30**.",
    },
    "parse.zero_duration": {
        "en": "The duration must be longer than zero (“{text}”).",
        "de": "Die Dauer muss länger als null sein („{text}“).",
    },
    "parse.hours.needs_time": {
        "en": "At what time on {text}? For example **come at 8:00 {text}**.",
        "de": "Um wie viel Uhr {text}? Zum Beispiel **kommen um 8:00 {text}**.",
    },
    "parse.clock.hour": {
        "en": "“{text}” is not a time of day: hours go from 0 to 23 (midnight is **0:00**).",
        "de": "„{text}“ ist keine Uhrzeit: Stunden gehen von 0 bis 23 (Mitternacht ist **0:00**).",
    },
    "parse.clock.minute": {
        "en": "“{text}” is not a time of day: minutes go from 00 to 59.",
        "de": "„{text}“ ist keine Uhrzeit: Minuten gehen von 00 bis 59.",
    },
    "parse.clock.ampm": {
        "en": "“{text}” is not a time of day: with am/pm the hour is 1 to 12 (or write **13:00**).",
        "de": "„{text}“ ist keine Uhrzeit: Mit am/pm geht die Stunde von 1 bis 12 (oder schreib **13:00**).",
    },
    "parse.bad_time": {
        "en": "“{text}” is not a time I understand. Try **9:15**, **2:30pm**, **now** or **30min ago**.",
        "de": "„{text}“ ist keine Uhrzeit, die ich verstehe. Versuch **9:15**, **14 Uhr** oder **now**.",
    },
    "parse.bad_date": {
        "en": "“{text}” is not a date I understand. Try **yesterday**, **friday** or **2026-11-20**.",
        "de": "„{text}“ ist kein Datum, das ich verstehe. Versuch **gestern**, **freitag** oder **20.11.**.",
    },
    "parse.bad_period": {
        "en": "“{text}” is not a period I understand. Try **week**, **last month**, **2026-11** or **2026-W47**.",
        "de": "„{text}“ ist kein Zeitraum, den ich verstehe. Versuch **woche**, **letzter monat**, **2026-11** "
        "oder **2026-W47**.",
    },
    "parse.bad_range": {
        "en": "The time range “{text}” ends before it starts.",
        "de": "Die Zeitspanne „{text}“ endet, bevor sie beginnt.",
    },
    "parse.empty_range": {
        "en": "The time range “{text}” starts and ends at the same time.",
        "de": "Die Zeitspanne „{text}“ beginnt und endet zur selben Zeit.",
    },
    "parse.bad_group": {
        "en": "I can group by project, client, task, tag or day, not by “{text}”.",
        "de": "Ich gruppiere nach Projekt, Kunde, Aufgabe, Tag oder Datum, nicht nach „{text}“.",
    },
    "parse.bad_timezone": {
        "en": "“{zone}” is not a time zone I know. Use a name like **Europe/Berlin** or **America/New_York**.",
        "de": "Die Zeitzone „{zone}“ kenne ich nicht. Nutze einen Namen wie **Europe/Berlin** oder "
        "**America/New_York**.",
    },
    "parse.bad_entry_ref": {
        "en": "“{text}” is not an entry I can point to. Use **last** or **@1**, **@2**, … (see **times**).",
        "de": "„{text}“ ist kein Eintrag, den ich finde. Nutze **last** oder **@1**, **@2**, … (siehe **times**).",
    },
    "parse.entry_ref_not_project": {
        "en": '“{text}” points to an entry, not a project. For a project with that name write **@"{text}"**.',
        "de": "„{text}“ verweist auf einen Eintrag, nicht auf ein Projekt. Für ein Projekt mit diesem Namen "
        'schreib **@"{text}"**.',
    },
    "parse.bad_project": {
        "en": "“{text}” is not a project. Use **@project**, **@project/task** or **@client/project/task**.",
        "de": "„{text}“ ist kein Projektverweis. Nutze **@projekt**, **@projekt/aufgabe** oder "
        "**@kunde/projekt/aufgabe**.",
    },
    "parse.two_projects": {
        "en": "Which project: {first} or {second}? Give only one.",
        "de": "Welches Projekt: {first} oder {second}? Gib nur eines an.",
    },
    "parse.edit.nothing": {
        "en": "What should I change? E.g. **edit last end 17:00** or **edit @2 @project #tag**.",
        "de": "Was soll ich ändern? Z. B. **edit last end 17:00** oder **edit @2 @projekt #tag**.",
    },
    "parse.edit.unknown_field": {
        "en": "I can't change “{text}”. Fields: start, end, duration, date, @project, #tag, -#tag, note, "
        "billable.",
        "de": "„{text}“ kann ich nicht ändern. Felder: start, end, duration, date, @projekt, #tag, -#tag, "
        "note, "
        "billable.",
    },
    "parse.edit.missing_value": {
        "en": "“{field}” needs a value.",
        "de": "„{field}“ braucht einen Wert.",
    },
    "parse.missing_name": {
        "en": "Please give a name: **{usage}**.",
        "de": "Bitte gib einen Namen an: **{usage}**.",
    },
    "parse.task_needs_project": {
        "en": "Which project is “{text}” for? Write **task add project/{text}**.",
        "de": "Zu welchem Projekt gehört „{text}“? Schreib **task add projekt/{text}**.",
    },
    "parse.task_path": {
        "en": "Name the task with its project: **task {verb} project/{text}**.",
        "de": "Nenne die Aufgabe mit ihrem Projekt: **task {verb} projekt/{text}**.",
    },
    "parse.rename_needs_new_name": {
        "en": "What should the new name be? Write **{usage}**.",
        "de": "Wie soll der neue Name lauten? Schreib **{usage}**.",
    },
    "parse.bad_color": {
        "en": "“{text}” is not a color. Use a hex color like **#1A73E8**.",
        "de": "„{text}“ ist keine Farbe. Nutze eine Hex-Farbe wie **#1A73E8**.",
    },
    # clarifying questions
    "parse.ambiguous_number": {
        "en": "Did you mean {number} minutes or {number} hours?",
        "de": "Meinst du {number} Minuten oder {number} Stunden?",
    },
    "parse.choice.minutes": {"en": "{number} minutes", "de": "{number} Minuten"},
    "parse.choice.hours": {"en": "{number} hours", "de": "{number} Stunden"},
    # period labels
    "parse.period.today": {"en": "Today", "de": "Heute"},
    "parse.period.yesterday": {"en": "Yesterday", "de": "Gestern"},
    "parse.period.week": {"en": "This week", "de": "Diese Woche"},
    "parse.period.last_week": {"en": "Last week", "de": "Letzte Woche"},
    "parse.period.month": {"en": "This month", "de": "Dieser Monat"},
    "parse.period.last_month": {"en": "Last month", "de": "Letzter Monat"},
    "parse.period.year": {"en": "This year", "de": "Dieses Jahr"},
    "parse.period.last_year": {"en": "Last year", "de": "Letztes Jahr"},
    "parse.period.all": {"en": "All time", "de": "Gesamter Zeitraum"},
    "parse.period.iso_week": {"en": "Week {week}", "de": "KW {week}"},
    "parse.period.iso_week_year": {"en": "Week {week}, {year}", "de": "KW {week}/{year}"},
    "parse.period.month_of": {"en": "{month} {year}", "de": "{month} {year}"},
    "parse.period.range": {"en": "{start} – {end}", "de": "{start} – {end}"},
    "parse.period.date": {"en": "{date}", "de": "{date}"},
    "parse.month.1": {"en": "January", "de": "Januar"},
    "parse.month.2": {"en": "February", "de": "Februar"},
    "parse.month.3": {"en": "March", "de": "März"},
    "parse.month.4": {"en": "April", "de": "April"},
    "parse.month.5": {"en": "May", "de": "Mai"},
    "parse.month.6": {"en": "June", "de": "Juni"},
    "parse.month.7": {"en": "July", "de": "Juli"},
    "parse.month.8": {"en": "August", "de": "August"},
    "parse.month.9": {"en": "September", "de": "September"},
    "parse.month.10": {"en": "October", "de": "Oktober"},
    "parse.month.11": {"en": "November", "de": "November"},
    "parse.month.12": {"en": "December", "de": "Dezember"},
}
