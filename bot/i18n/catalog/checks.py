"""Strings of the write checks (`bot.service.checks`) and their question cards (`cards.questions`)."""

MESSAGES: dict[str, dict[str, str]] = {
    "check.starts_in_future": {
        "en": "{time} is still in the future (it's {now} now), so nothing was written.",
        "de": "{time} liegt noch in der Zukunft (jetzt ist es {now}), daher wurde nichts gespeichert.",
    },
    "check.ends_in_future": {
        "en": "That would end at {time}, which is still in the future (it's {now} now), so nothing was written.",
        "de": "Das würde um {time} enden, also in der Zukunft (jetzt ist es {now}); nichts wurde gespeichert.",
    },
    "check.ends_in_future_hint": {
        "en": "Log it once it's done, or start a timer now with **start**.",
        "de": "Trag es ein, wenn es vorbei ist, oder starte jetzt einen Timer mit **start**.",
    },
    "check.cancelled": {
        "en": "All right, nothing was written.",
        "de": "Gut, es wurde nichts gespeichert.",
    },
    "check.q.soon": {
        "en": "**{time}** is {duration} from now. Is one of our clocks off?",
        "de": "**{time}** ist erst in {duration}. Geht eine unserer Uhren falsch?",
    },
    "check.q.reversed": {
        "en": "**{swapped}**, or overnight until {until}?",
        "de": "**{swapped}** oder über Nacht bis {until}?",
    },
    "check.q.reversed_only": {
        "en": "Did you mean **{swapped}**?",
        "de": "Meintest du **{swapped}**?",
    },
    "check.detail.reversed": {
        "en": "As typed, {typed} ends before it starts, so it would run overnight: {duration}.",
        "de": "So wie getippt endet {typed}, bevor es beginnt, und liefe über Nacht: {duration}.",
    },
    "check.q.overlap": {
        "en": "**{span}** overlaps {count} of your entries:",
        "de": "**{span}** überschneidet sich mit {count} deiner Einträge:",
    },
    "check.q.overlap.one": {
        "en": "**{span}** overlaps one of your entries:",
        "de": "**{span}** überschneidet sich mit einem deiner Einträge:",
    },
    "check.q.long.span": {
        "en": "That's **{duration}** in one entry ({span}). Record all of it?",
        "de": "Das sind **{duration}** in einem Eintrag ({span}). Alles so speichern?",
    },
    "check.q.long.open": {
        "en": "That would already have run **{duration}** ({span}). Start it anyway?",
        "de": "Das liefe dann schon **{duration}** ({span}). Trotzdem starten?",
    },
    "check.q.long.stop": {
        "en": "Your timer has run **{duration}** ({span}). Stop it with all of that?",
        "de": "Dein Timer läuft seit **{duration}** ({span}). Mit der ganzen Zeit stoppen?",
    },
    "check.q.long.go": {
        "en": "You've been clocked in for **{duration}** ({span}). Clock out with all of that?",
        "de": "Du bist seit **{duration}** eingestempelt ({span}). Mit der ganzen Zeit ausstempeln?",
    },
    "check.detail.stop": {
        "en": "If you stopped working earlier, say **stop at 18:00** instead.",
        "de": "Hast du früher aufgehört, sag stattdessen **stop um 18:00**.",
    },
    "check.detail.go": {
        "en": "If you left earlier, say **go at 17:30** instead.",
        "de": "Bist du früher gegangen, sag stattdessen **gehen um 17:30**.",
    },
    "check.detail.long": {
        "en": "Entries over 12 hours are asked about once, since they are usually a typo.",
        "de": "Einträge über 12 Stunden frage ich einmal nach, meist sind sie ein Tippfehler.",
    },
    "check.opt.now": {"en": "Use now ({time})", "de": "Jetzt nehmen ({time})"},
    "check.opt.keep_time": {"en": "Keep {time}", "de": "{time} behalten"},
    "check.opt.keep_long": {"en": "Yes, {duration}", "de": "Ja, {duration}"},
    "check.opt.overnight": {"en": "Overnight until {until}", "de": "Über Nacht bis {until}"},
    "check.until.today": {"en": "{time} today", "de": "heute {time}"},
    "check.until.tomorrow": {"en": "{time} tomorrow", "de": "morgen {time}"},
    "check.opt.after": {
        "en": "Place after my last entry ({span})",
        "de": "Nach meinem letzten Eintrag ({span})",
    },
    "check.opt.both": {"en": "Keep both", "de": "Beide behalten"},
}
