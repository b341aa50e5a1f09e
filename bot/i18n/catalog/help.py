"""Strings of the help card for the commands beyond the timer and entries (`cards.help`), and the welcome."""

MESSAGES: dict[str, dict[str, str]] = {
    "card.help.also": {"en": "Also: {words}", "de": "Auch: {words}"},
    "card.help.group.hours": {"en": "Working hours", "de": "Arbeitszeit"},
    "card.help.group.reports": {"en": "Reports", "de": "Berichte"},
    "card.help.group.account": {"en": "Tracker & settings", "de": "Tracker & Einstellungen"},
    "card.help.group.feed": {"en": "Feed & notifications", "de": "Feed & Benachrichtigungen"},
    "card.help.line.hours": {
        "en": "**come**, **break**, **go**, **hours**: when you came, paused and left",
        "de": "**kommen**, **pause**, **gehen**, **stunden**: wann du kamst, Pause machtest und gingst",
    },
    "card.help.line.reports": {
        "en": "**report**: your times as an Excel file",
        "de": "**bericht**: deine Zeiten als Excel-Datei",
    },
    "card.help.line.account": {
        "en": "**settings**, **timezone**, **connect**, **workspace**, **signin**",
        "de": "**einstellungen**, **zeitzone**, **verbinden**, **arbeitsbereich**, **anmelden**",
    },
    "card.help.line.feed": {
        "en": "**feed**: meetings and tickets posted for you, booked with one tap; **subscribe**: changes as cards",
        "de": "**feed**: für dich eingestellte Termine und Tickets, mit einem Tipp gebucht; **abonnieren**: "
        "Änderungen als Karten",
    },
    "card.help.help": {
        "en": "The overview of all commands, or the details of one: **help log**, **help come**. "
        "German words work too: **hilfe kommen**.",
        "de": "Die Übersicht aller Befehle oder die Einzelheiten zu einem: **hilfe log**, **hilfe kommen**. "
        "Englische Wörter gehen genauso: **help come**.",
    },
    "card.help.come": {
        "en": "Clocks you in, now or at a time, today or on the date given (to fix a forgotten clock-in).",
        "de": "Stempelt dich ein, jetzt oder zu einer Uhrzeit, heute oder am angegebenen Tag (um ein "
        "vergessenes Einstempeln nachzutragen).",
    },
    "card.help.go": {
        "en": "Clocks you out and closes an open break. Without a **come** first it offers to record both.",
        "de": "Stempelt dich aus und beendet eine offene Pause. Ohne vorheriges **kommen** bietet es an, "
        "beides einzutragen.",
    },
    "card.help.break": {
        "en": "Starts or ends a break, or records one that is over: a length ending now, a length from a "
        "time, or a range, on today or another day.",
        "de": "Beginnt oder beendet eine Pause oder trägt eine vergangene ein: eine Dauer bis jetzt, eine "
        "Dauer ab einer Uhrzeit oder eine Spanne, heute oder an einem anderen Tag.",
    },
    "card.help.hours": {
        "en": "Per day: clocked time without breaks, breaks, time booked to projects and what is left "
        "unassigned, with your balance against the weekly target and the working-time rules.",
        "de": "Pro Tag: gestempelte Zeit ohne Pausen, Pausen, auf Projekte gebuchte und noch offene Zeit, "
        "mit deinem Saldo gegenüber dem Wochensoll und den Arbeitszeitregeln.",
    },
    "card.help.groups": {
        "en": "The workspace's groups (teams), with their members where your tracker shows them.",
        "de": "Die Gruppen (Teams) des Arbeitsbereichs, mit Mitgliedern, wo dein Tracker sie zeigt.",
    },
    "card.help.report": {
        "en": "Your times as an Excel file for a period (default this month), filtered by project, client "
        "or billable, grouped by project, rounded if you like. Admins may ask for **all** or **user:NAME**.",
        "de": "Deine Zeiten als Excel-Datei für einen Zeitraum (Standard: dieser Monat), gefiltert nach "
        "Projekt, Kunde oder abrechenbar, nach Projekt gruppiert, auf Wunsch gerundet. Admins dürfen **all** "
        "oder **user:NAME** verlangen.",
    },
    "card.help.connect": {
        "en": "Which time tracker your entries go to: the built-in one, or your own Toggl Track, Toggl "
        "Focus, awork or timeghost (the token goes into a card in our personal chat, never the chat).",
        "de": "In welchen Zeittracker deine Einträge gehen: den eingebauten oder dein eigenes Toggl Track, "
        "Toggl Focus, awork oder timeghost (das Token kommt in eine Karte im persönlichen Chat, nie in den "
        "Chat).",
    },
    "card.help.workspace": {
        "en": "Lists your workspaces in the connected tracker, or switches to the one named.",
        "de": "Listet deine Arbeitsbereiche im verbundenen Tracker oder wechselt zum genannten.",
    },
    "card.help.settings": {
        "en": "A card with your time zone and, for workspace admins, who may create projects and the "
        "weekly target.",
        "de": "Eine Karte mit deiner Zeitzone und, für Admins des Arbeitsbereichs, wer Projekte anlegen "
        "darf und das Wochensoll.",
    },
    "card.help.signin": {
        "en": "Signs you in with Microsoft (for your calendar and trackers that use it); **signout** forgets "
        "the sign-in.",
        "de": "Meldet dich bei Microsoft an (für deinen Kalender und Tracker, die das nutzen); **abmelden** "
        "vergisst die Anmeldung.",
    },
    "card.help.subscriptions": {
        "en": "A card in this chat or channel whenever clients, projects, tasks, tags or time entries change "
        "in the tracker, wherever they were changed; in the personal chat, **subscribe times** tells you about "
        "your own entries changed elsewhere.",
        "de": "Eine Karte in diesem Chat oder Kanal, sobald sich Kunden, Projekte, Aufgaben, Tags oder "
        "Zeiteinträge im Tracker ändern, egal wo; im persönlichen Chat meldet **subscribe times** deine eigenen "
        "Einträge, die anderswo geändert wurden.",
    },
    # --- the welcome on first contact ---
    "card.welcome.title": {
        "en": "👋 Hi {name}, I track your time here in Teams",
        "de": "👋 Hallo {name}, ich erfasse deine Zeiten hier in Teams",
    },
    "card.welcome.title_anon": {
        "en": "👋 Hi, I track your time here in Teams",
        "de": "👋 Hallo, ich erfasse deine Zeiten hier in Teams",
    },
    "card.welcome.intro": {
        "en": "Three things to do first:",
        "de": "Drei Dinge zuerst:",
    },
    "card.welcome.projects": {
        "en": "**1. Pick or create a project.** **projects** lists them; **project add Website** makes one.",
        "de": "**1. Projekt wählen oder anlegen.** **projekte** listet sie; **project add Website** legt eins an.",
    },
    "card.welcome.projects_some": {
        "en": "**1. Pick a project.** There are {count} already: **projects** lists them.",
        "de": "**1. Projekt wählen.** Es gibt schon {count}: **projekte** listet sie.",
    },
    "card.welcome.zone": {
        "en": "**2. Check your time zone:** {zone}. Wrong? **timezone Europe/Berlin**.",
        "de": "**2. Zeitzone prüfen:** {zone}. Falsch? **zeitzone Europe/Berlin**.",
    },
    "card.welcome.tracker": {
        "en": "**3. Choose your tracker:** you're on {backend}. **connect** links Toggl, Focus, awork or "
        "timeghost.",
        "de": "**3. Tracker wählen:** du nutzt {backend}. **verbinden** verknüpft Toggl, Focus, awork oder "
        "timeghost.",
    },
    "card.welcome.then": {
        "en": "Then: **start @website**, later **stop**. **help** shows everything.",
        "de": "Dann: **start @website**, später **stopp**. **hilfe** zeigt alles.",
    },
    "card.welcome.btn.projects": {"en": "Projects", "de": "Projekte"},
    "card.welcome.btn.settings": {"en": "Time zone & settings", "de": "Zeitzone & Einstellungen"},
    "card.welcome.btn.connect": {"en": "Trackers", "de": "Tracker"},
}
