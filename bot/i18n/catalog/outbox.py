"""Strings for writes kept in the outbox while a remote backend is unreachable."""

MESSAGES: dict[str, dict[str, str]] = {
    "outbox.queued": {
        "en": "{backend} isn't reachable right now. I've kept what you asked at {time} and will save it as soon as it answers; I'll tell you here.",
        "de": "{backend} ist gerade nicht erreichbar. Ich habe deine Eingabe von {time} behalten und speichere sie, sobald es antwortet; ich melde mich hier.",
    },
    "outbox.delivered": {
        "en": "✅ {backend} is back: saved what you sent at {time}.",
        "de": "✅ {backend} ist wieder da: Deine Eingabe von {time} ist gespeichert.",
    },
    "outbox.still_trying": {
        "en": "{backend} is still unreachable. Your entry is safe with me and I keep trying.",
        "de": "{backend} ist weiterhin nicht erreichbar. Dein Eintrag ist bei mir sicher; ich versuche es weiter.",
    },
    "outbox.refused": {
        "en": "{backend} refused the entry I kept for you: {detail}. Please enter it again.",
        "de": "{backend} hat den aufbewahrten Eintrag abgelehnt: {detail}. Bitte gib ihn erneut ein.",
    },
    "outbox.unreadable": {
        "en": "I couldn't read back an entry I kept for you after an update. Please enter it again.",
        "de": "Einen aufbewahrten Eintrag konnte ich nach einem Update nicht mehr lesen. Bitte gib ihn erneut ein.",
    },
}
