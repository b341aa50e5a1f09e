"""Strings for signing in (Teams SSO, the sign-in link, awork), signing out, and the sign-in pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "parse.bad_signin_backend": {
        "en": "I can't sign you in to “{text}”. Try **signin timeghost**, **signin awork** or **signin calendar**.",
        "de": "Bei „{text}“ kann ich dich nicht anmelden. Versuch **signin timeghost**, **signin awork** oder **signin calendar**.",
    },
    "signin.prompt.title": {"en": "Sign in to {backend}", "de": "Bei {backend} anmelden"},
    "signin.prompt.text.entra": {
        "en": "Sign in once with your Microsoft account: no API key needed, and only you can use it.",
        "de": "Melde dich einmal mit deinem Microsoft-Konto an: kein API-Schlüssel nötig, und nur du kannst es nutzen.",
    },
    "signin.prompt.text.awork": {
        "en": "Sign in with your awork account and pick your workspace; the bot then acts as you in awork.",
        "de": "Melde dich mit deinem awork-Konto an und wähle deinen Workspace; der Bot handelt dann in awork als du.",
    },
    "signin.prompt.reason.invalid_grant": {
        "en": "Your sign-in has expired or was revoked, so please sign in again.",
        "de": "Deine Anmeldung ist abgelaufen oder wurde widerrufen; bitte melde dich neu an.",
    },
    "signin.prompt.reason.interaction_required": {
        "en": "Your organisation wants you to confirm your sign-in (for example with a second factor).",
        "de": "Deine Organisation möchte, dass du die Anmeldung bestätigst (zum Beispiel mit einem zweiten Faktor).",
    },
    "signin.prompt.reason.consent_required": {
        "en": "{backend} needs your consent first: sign in and accept the permissions.",
        "de": "{backend} braucht zuerst deine Zustimmung: Melde dich an und bestätige die Berechtigungen.",
    },
    "signin.say_signin": {
        "en": "Sign in to **{backend}** first: say **signin {command}** in a personal chat with me.",
        "de": "Melde dich zuerst bei **{backend}** an: Sag **signin {command}** im persönlichen Chat mit mir.",
    },
    "signin.prompt.button": {"en": "Sign in", "de": "Anmelden"},
    "signin.prompt.link_note": {
        "en": "The link works once, only for you, for 10 minutes.",
        "de": "Der Link funktioniert einmal, nur für dich, 10 Minuten lang.",
    },
    "signin.private_sent": {
        "en": "{name}, I've sent you a private message to sign in to {backend}.",
        "de": "{name}, ich habe dir eine private Nachricht geschickt, um dich bei {backend} anzumelden.",
    },
    "signin.private_failed": {
        "en": "{name}, I couldn't message you privately. Open a chat with me and say **signin {backend}**.",
        "de": "{name}, ich konnte dir nicht privat schreiben. Öffne einen Chat mit mir und sag **signin {backend}**.",
    },
    "signin.done": {
        "en": "Signed in to **{backend}** as {account}. Your commands now go there.",
        "de": "Bei **{backend}** angemeldet als {account}. Deine Befehle gehen jetzt dorthin.",
    },
    "signin.done_other": {
        "en": "Signed in to **{backend}** as {account}.",
        "de": "Bei **{backend}** angemeldet als {account}.",
    },
    "signin.done_unnamed": {
        "en": "Signed in to **{backend}**. Your commands now go there.",
        "de": "Bei **{backend}** angemeldet. Deine Befehle gehen jetzt dorthin.",
    },
    "signin.already": {
        "en": "You're signed in to **{backend}** as {account}. Say **signout {command}** to sign out.",
        "de": "Du bist bei **{backend}** angemeldet als {account}. Sag **signout {command}**, um dich abzumelden.",
    },
    "signin.wrong_account_alert": {
        "en": "Your sign-in link was used with an account that isn't yours, so nothing was saved. If that was you, sign in with your own Microsoft account.",
        "de": "Dein Anmeldelink wurde mit einem Konto verwendet, das nicht deins ist; es wurde nichts gespeichert. Falls du das warst, melde dich mit deinem eigenen Microsoft-Konto an.",
    },
    "signin.signed_out": {
        "en": "Signed out of **{backend}**: your account and tokens are deleted from this bot.",
        "de": "Von **{backend}** abgemeldet: dein Konto und deine Tokens sind aus diesem Bot gelöscht.",
    },
    "signin.not_signed_in": {
        "en": "You're not signed in to {backend}.",
        "de": "Du bist bei {backend} nicht angemeldet.",
    },
    "signin.not_offered": {
        "en": "Signing in to {backend} is not set up on this bot. Use **connect {command}** with an API key, or ask whoever runs the bot.",
        "de": "Die Anmeldung bei {backend} ist für diesen Bot nicht eingerichtet. Verbinde dich mit **connect {command}** und einem API-Schlüssel, oder frag die Person, die ihn betreibt.",
    },
    "signin.none_offered": {
        "en": "Signing in is not set up on this bot. Ask whoever runs it, or use **connect** with an API key.",
        "de": "Die Anmeldung ist für diesen Bot nicht eingerichtet. Frag die Person, die ihn betreibt, oder nutze **connect** mit einem API-Schlüssel.",
    },
    "signin.unavailable": {
        "en": "The sign-in service isn't answering right now. Please try again in a moment.",
        "de": "Der Anmeldedienst antwortet gerade nicht. Bitte versuch es gleich noch einmal.",
    },
    "signin.misconfigured": {
        "en": "Sign-in isn't set up correctly on this bot. Please tell whoever runs it.",
        "de": "Die Anmeldung ist für diesen Bot nicht richtig eingerichtet. Bitte sag der Person Bescheid, die ihn betreibt.",
    },
    "signin.failure.resourcematchfailed": {
        "en": "Teams couldn't sign you in by itself: the app's single sign-on resource doesn't match its registration. Use the sign-in button instead.",
        "de": "Teams konnte dich nicht selbst anmelden: Die Single-Sign-On-Ressource der App passt nicht zu ihrer Registrierung. Nutze stattdessen den Anmelde-Button.",
    },
    "signin.failure.installedappnotfound": {
        "en": "Teams couldn't sign you in by itself because the app isn't installed for you. Use the sign-in button instead.",
        "de": "Teams konnte dich nicht selbst anmelden, weil die App für dich nicht installiert ist. Nutze stattdessen den Anmelde-Button.",
    },
    "signin.failure.other": {
        "en": "Teams couldn't sign you in by itself ({code}). Use the sign-in button instead.",
        "de": "Teams konnte dich nicht selbst anmelden ({code}). Nutze stattdessen den Anmelde-Button.",
    },
    "signin.verify_failed": {
        "en": "That sign-in didn't complete. Say **signin** to try again.",
        "de": "Diese Anmeldung wurde nicht abgeschlossen. Sag **signin**, um es noch einmal zu versuchen.",
    },
    "signin.page.title": {"en": "timebot sign-in", "de": "timebot-Anmeldung"},
    "signin.page.done": {
        "en": "You're signed in to {backend}{as_account}. You can close this window and go back to Teams.",
        "de": "Du bist bei {backend} angemeldet{as_account}. Du kannst dieses Fenster schließen und zu Teams zurückkehren.",
    },
    "signin.page.as_account": {"en": " as {account}", "de": " als {account}"},
    "signin.page.unknown": {
        "en": "This sign-in link is not valid or was already used. Say **signin** to the bot in Teams for a new one.",
        "de": "Dieser Anmeldelink ist ungültig oder wurde schon benutzt. Sag in Teams **signin** zum Bot, um einen neuen zu bekommen.",
    },
    "signin.page.expired": {
        "en": "This sign-in link has expired (links work for 10 minutes). Say **signin** to the bot in Teams for a new one.",
        "de": "Dieser Anmeldelink ist abgelaufen (Links gelten 10 Minuten). Sag in Teams **signin** zum Bot, um einen neuen zu bekommen.",
    },
    "signin.page.cancelled": {
        "en": "Sign-in was cancelled: {detail}",
        "de": "Die Anmeldung wurde abgebrochen: {detail}",
    },
    "signin.page.wrong_account": {
        "en": "You signed in with a different account than the person who asked for this link, so nothing was saved. Sign in with your own account, or ask the bot for your own link.",
        "de": "Du hast dich mit einem anderen Konto angemeldet als die Person, die diesen Link angefordert hat; es wurde nichts gespeichert. Melde dich mit deinem eigenen Konto an oder hol dir beim Bot deinen eigenen Link.",
    },
    "signin.page.failed": {
        "en": "Sign-in didn't complete. Please ask the bot for a new link (**signin**).",
        "de": "Die Anmeldung wurde nicht abgeschlossen. Bitte hol dir beim Bot einen neuen Link (**signin**).",
    },
    "signin.page.unavailable": {
        "en": "The sign-in service isn't reachable right now. Please try again in a moment.",
        "de": "Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuch es gleich noch einmal.",
    },
    "signin.page.misconfigured": {
        "en": "Sign-in isn't set up correctly on this bot. Please tell whoever runs it.",
        "de": "Die Anmeldung ist für diesen Bot nicht richtig eingerichtet. Bitte sag der Person Bescheid, die ihn betreibt.",
    },
    "feed.calendar_on": {
        "en": "Your Outlook meetings now show in your feed (declined, free and all-day ones are left out).",
        "de": "Deine Outlook-Termine stehen jetzt in deinem Feed (abgesagte, freie und ganztägige nicht).",
    },
    "feed.calendar_off": {
        "en": "Your calendar is no longer read for the feed; what was synced is deleted.",
        "de": "Dein Kalender wird für den Feed nicht mehr gelesen; was synchronisiert war, ist gelöscht.",
    },
    "feed.calendar_unavailable": {
        "en": "The calendar feed is not set up on this bot (it needs sign-in with Microsoft).",
        "de": "Der Kalender-Feed ist für diesen Bot nicht eingerichtet (er braucht die Anmeldung mit Microsoft).",
    },
    "account.form.sign_in_instead": {
        "en": "No key needed: sign in to {backend} with your account instead.",
        "de": "Kein Schlüssel nötig: Melde dich stattdessen mit deinem Konto bei {backend} an.",
    },
    "account.list.signed_in": {"en": "signed in as {account}", "de": "angemeldet als {account}"},
    "account.list.signed_in_unnamed": {"en": "signed in", "de": "angemeldet"},
    "account.list.api_key": {"en": "API key", "de": "API-Schlüssel"},
    "account.list.sign_in": {"en": "Sign in to {backend}", "de": "Bei {backend} anmelden"},
}
