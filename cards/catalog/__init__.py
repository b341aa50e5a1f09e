"""The string catalogue: one dict per area, merged in `cards.text`. Keys are dotted; values per language."""
