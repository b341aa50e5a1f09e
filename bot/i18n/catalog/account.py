"""Strings for connecting backends and choosing workspaces."""

MESSAGES: dict[str, dict[str, str]] = {
    "account.form.title": {"en": "Connect {backend}", "de": "{backend} verbinden"},
    "account.form.help.toggl": {
        "en": "Paste your API token from Toggl Track → Profile settings → API Token.",
        "de": "Füge dein API-Token aus Toggl Track → Profileinstellungen → API Token ein.",
    },
    "account.form.help.focus": {
        "en": "Paste a Toggl Focus API key (starts with toggl_sk_). Track tokens don't work on Focus.",
        "de": "Füge einen Toggl-Focus-API-Schlüssel ein (beginnt mit toggl_sk_). Track-Tokens gelten dort nicht.",
    },
    "account.form.help.awork": {
        "en": "Paste an awork API key (awork → Settings → Integrations → API).",
        "de": "Füge einen awork-API-Schlüssel ein (awork → Einstellungen → Integrationen → API).",
    },
    "account.form.help.timeghost": {
        "en": "Paste your timeghost API key (timeghost → Settings → API).",
        "de": "Füge deinen timeghost-API-Schlüssel ein (timeghost → Einstellungen → API).",
    },
    "account.form.token.toggl": {"en": "API token", "de": "API-Token"},
    "account.form.token.focus": {"en": "API key", "de": "API-Schlüssel"},
    "account.form.token.awork": {"en": "API key", "de": "API-Schlüssel"},
    "account.form.token.timeghost": {"en": "API key", "de": "API-Schlüssel"},
    "account.form.organization": {"en": "Organization id (optional)", "de": "Organisations-ID (optional)"},
    "account.form.save": {"en": "Connect", "de": "Verbinden"},
    "account.form.cancel": {"en": "Cancel", "de": "Abbrechen"},
    "account.form.privacy": {
        "en": "The token is stored encrypted, used only for you, and never shown again.",
        "de": "Das Token wird verschlüsselt gespeichert, nur für dich verwendet und nie wieder angezeigt.",
    },
    "account.token_missing": {"en": "Paste the token here.", "de": "Füge hier das Token ein."},
    "account.token_rejected": {
        "en": "That token was rejected. Check that you copied all of it.",
        "de": "Dieses Token wurde abgelehnt. Prüfe, ob du es vollständig kopiert hast.",
    },
    "account.connect_failed": {
        "en": "That didn't work: {detail}",
        "de": "Das hat nicht geklappt: {detail}",
    },
    "account.connected": {
        "en": "Connected to **{backend}** as {user}, workspace **{workspace}**. Your commands now go there.",
        "de": "Mit **{backend}** verbunden als {user}, Workspace **{workspace}**. Deine Befehle gehen jetzt dorthin.",
    },
    "account.saved_unverified": {
        "en": "Saved your {backend} token, but {backend} isn't answering right now, so I couldn't check it yet.",
        "de": "Dein {backend}-Token ist gespeichert, aber {backend} antwortet gerade nicht; geprüft ist es noch nicht.",
    },
    "account.switched": {
        "en": "Switched to **{backend}**. Your commands now go there.",
        "de": "Gewechselt zu **{backend}**. Deine Befehle gehen jetzt dorthin.",
    },
    "account.personal_only": {
        "en": "For your safety, connect {backend} in a personal chat with me: tokens never go into a shared chat.",
        "de": "Zu deiner Sicherheit: Verbinde {backend} im persönlichen Chat mit mir; Tokens gehören nie in einen geteilten Chat.",
    },
    "account.not_configured": {
        "en": "{backend} is not enabled on this bot. Ask whoever runs it.",
        "de": "{backend} ist für diesen Bot nicht aktiviert. Frag die Person, die ihn betreibt.",
    },
    "account.reconnect_hint": {
        "en": "Say **connect** to connect again, or **connect local** to use the built-in tracker.",
        "de": "Sag **connect**, um dich neu zu verbinden, oder **connect local** für die eingebaute Zeiterfassung.",
    },
    "account.unknown_workspace": {
        "en": "No workspace matches “{name}”. Yours: {choices}.",
        "de": "Kein Workspace passt zu „{name}“. Deine: {choices}.",
    },
    "account.workspace_set": {
        "en": "Now using workspace **{workspace}**.",
        "de": "Jetzt im Workspace **{workspace}**.",
    },
    "account.list.title": {"en": "Your time trackers", "de": "Deine Zeiterfassungen"},
    "account.list.current": {"en": "in use", "de": "in Verwendung"},
    "account.list.connected": {"en": "connected", "de": "verbunden"},
    "account.list.not_connected": {"en": "not connected", "de": "nicht verbunden"},
    "account.list.use": {"en": "Use {backend}", "de": "{backend} verwenden"},
    "account.workspaces.title": {"en": "Workspaces in {backend}", "de": "Workspaces in {backend}"},
    "account.workspaces.use": {"en": "Use {workspace}", "de": "{workspace} verwenden"},
    "parse.bad_backend": {
        "en": "I don't know the time tracker “{text}”. Try toggl, focus, awork, timeghost or local.",
        "de": "Die Zeiterfassung „{text}“ kenne ich nicht. Versuch toggl, focus, awork, timeghost oder local.",
    },
    "parse.connect_no_token": {
        "en": "Please don't type tokens into the chat: say **connect {backend}** and paste it into the card I send.",
        "de": "Bitte keine Tokens in den Chat tippen: Sag **connect {backend}** und füge es in die Karte ein, die ich schicke.",
    },
}
