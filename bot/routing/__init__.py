"""Routing: composable filters over activities and a declarative table of routes per feature."""
