"""What the person is shown, as data: view models, backend display names and the card verbs.

Below the service and above nothing but `bot.i18n`: the service fills these, the card builders (`cards`) lay
them out, the card handlers (`bot.features`) validate what a button sends back against `bot.views.verbs`.
No I/O, no card JSON.
"""
