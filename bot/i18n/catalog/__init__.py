"""The string catalogue: one dict per area, merged in `bot.i18n`. Keys are dotted; values per language."""
