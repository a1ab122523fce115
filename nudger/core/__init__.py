"""The pure core: the log's vocabulary and every decision made from it.

Owns the model (entries, kinds, sides), calendar instances as values, detection (who initiated,
who cancelled, what was missed), the balance, nudge planning, deliveries and answers, and the
date and duration maths they share. Everything here is a function of values and an injected
`now`: it opens no file, socket or clock, and imports nothing from the other layers, nor sqlite3,
typer, pydantic, APScheduler or `integrations` (the import contracts in pyproject.toml say so).
"""
