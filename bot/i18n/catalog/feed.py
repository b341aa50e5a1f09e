"""Strings of the feed (`feed`, its cards, its API keys) and of the reminders."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- the feed card ---
    "feed.title": {"en": "📥 Feed · {period}", "de": "📥 Feed · {period}"},
    "feed.empty": {
        "en": "Nothing left to book here: every feed event is booked or dismissed.",
        "de": "Hier gibt es nichts mehr zu buchen: Alle Feed-Einträge sind gebucht oder verworfen.",
    },
    "feed.new": {"en": "New in your feed", "de": "Neu in deinem Feed"},
    "feed.posted": {"en": "📥 Posted to the feed", "de": "📥 In den Feed gestellt"},
    "feed.project": {"en": "Project", "de": "Projekt"},
    "feed.no_project": {"en": "(no project)", "de": "(kein Projekt)"},
    "feed.suggested.external": {
        "en": "Suggested: you booked this event to {project} before.",
        "de": "Vorschlag: Diesen Termin hast du schon auf {project} gebucht.",
    },
    "feed.suggested.category": {
        "en": "Suggested: you book this category to {project}.",
        "de": "Vorschlag: Diese Kategorie buchst du auf {project}.",
    },
    "feed.suggested.name": {
        "en": "Suggested: similar events went to {project}.",
        "de": "Vorschlag: Ähnliche Termine gingen auf {project}.",
    },
    "feed.suggested.project": {
        "en": "Suggested: the name mentions {project}.",
        "de": "Vorschlag: Der Name nennt {project}.",
    },
    "feed.btn.book": {"en": "Book", "de": "Buchen"},
    "feed.btn.dismiss": {"en": "Dismiss", "de": "Verwerfen"},
    "feed.btn.open": {"en": "Open", "de": "Öffnen"},
    "feed.btn.book_all": {"en": "Book all {count}", "de": "Alle {count} buchen"},
    "feed.booked": {
        "en": "✅ Booked **{name}** to *{project}*.",
        "de": "✅ **{name}** auf *{project}* gebucht.",
    },
    "feed.booked_no_project": {
        "en": "✅ Booked **{name}** (no project).",
        "de": "✅ **{name}** gebucht (ohne Projekt).",
    },
    "feed.booked_many": {
        "en": "✅ Booked {count} events, **{duration}** in all.",
        "de": "✅ {count} Termine gebucht, insgesamt **{duration}**.",
    },
    "feed.booked_some": {
        "en": "✅ Booked {count} events (**{duration}**); {failed} could not be booked and are still here.",
        "de": "✅ {count} Termine gebucht (**{duration}**); {failed} ließen sich nicht buchen und stehen noch hier.",
    },
    "feed.not_booked": {
        "en": "**{name}** was not booked: {reason}",
        "de": "**{name}** wurde nicht gebucht: {reason}",
    },
    "feed.already_done": {
        "en": "That was booked or dismissed already.",
        "de": "Das ist schon gebucht oder verworfen.",
    },
    "feed.dismissed": {"en": "Dismissed: it won't come back.", "de": "Verworfen: Es kommt nicht wieder."},
    "feed.unbooked": {
        "en": "Undone: the entry is deleted and the event is back in your feed.",
        "de": "Rückgängig: Der Eintrag ist gelöscht und der Termin wieder im Feed.",
    },
    "feed.unavailable": {
        "en": "The feed is not set up on this bot.",
        "de": "Der Feed ist auf diesem Bot nicht eingerichtet.",
    },
    # --- API keys ---
    "feed.keys_personal_only": {
        "en": "Feed keys are only handled in our personal chat: a key must not be seen by others.",
        "de": "Feed-Schlüssel gibt es nur in unserem persönlichen Chat: Andere dürfen einen Schlüssel nicht sehen.",
    },
    "feed.keys_admin_only": {
        "en": "Only admins of the workspace **{workspace}** can manage its feed keys.",
        "de": "Nur Admins des Arbeitsbereichs **{workspace}** können seine Feed-Schlüssel verwalten.",
    },
    "feed.key_exists": {
        "en": "There already is a feed key called **{name}**. Revoke it first, or choose another name.",
        "de": "Es gibt schon einen Feed-Schlüssel namens **{name}**. Widerrufe ihn zuerst oder wähle einen anderen Namen.",
    },
    "feed.no_such_key": {
        "en": "There is no feed key called **{name}** (see **feed keys**).",
        "de": "Es gibt keinen Feed-Schlüssel namens **{name}** (siehe **feed keys**).",
    },
    "feed.key_revoked": {
        "en": "Revoked the feed key **{name}**: it no longer works.",
        "de": "Feed-Schlüssel **{name}** widerrufen: Er funktioniert nicht mehr.",
    },
    "feed.key.created": {"en": "Feed key “{name}”", "de": "Feed-Schlüssel „{name}“"},
    "feed.key.workspace": {
        "en": "For the workspace {workspace}.",
        "de": "Für den Arbeitsbereich {workspace}.",
    },
    "feed.key.once": {
        "en": "Copy it now: it is shown only this once (the bot keeps only a fingerprint of it).",
        "de": "Kopiere ihn jetzt: Er wird nur dieses eine Mal gezeigt (der Bot behält nur einen Fingerabdruck davon).",
    },
    "feed.key.usage": {
        "en": "Send it as **Authorization: Bearer <key>** to **POST /api/feed** (described at **/api/openapi.json**). It acts as you: it stops working if you are no longer an admin.",
        "de": "Sende ihn als **Authorization: Bearer <key>** an **POST /api/feed** (beschrieben unter **/api/openapi.json**). Er handelt in deinem Namen: Er funktioniert nicht mehr, wenn du kein Admin mehr bist.",
    },
    "feed.key.used": {"en": "last used {when}", "de": "zuletzt benutzt {when}"},
    "feed.key.never_used": {"en": "never used", "de": "nie benutzt"},
    "feed.key.made": {"en": "made by {who} on {when}", "de": "angelegt von {who} am {when}"},
    "feed.keys.title": {"en": "🔑 Feed keys of {workspace}", "de": "🔑 Feed-Schlüssel von {workspace}"},
    "feed.keys.none": {"en": "No feed keys yet.", "de": "Noch keine Feed-Schlüssel."},
    "feed.keys.hint": {
        "en": "**feed key add NAME** makes one, **feed key revoke NAME** ends one.",
        "de": "**feed key add NAME** legt einen an, **feed key revoke NAME** beendet einen.",
    },
    "parse.feed_key_name_too_long": {
        "en": "A feed key's name can have at most {max} characters.",
        "de": "Der Name eines Feed-Schlüssels darf höchstens {max} Zeichen haben.",
    },
    "feed.copy_nothing": {
        "en": "There is nothing on {date} to copy.",
        "de": "Am {date} gibt es nichts zu übernehmen.",
    },
}
