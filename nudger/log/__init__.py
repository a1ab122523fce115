"""The log: SQLite, its migrations, the queries that read entries, sync state, export and forget.

The only package that speaks SQL. It may import the core (entries are core values) and config,
nothing above: what a command does with the rows is the views' and the CLI's business.
"""
