"""The questions the CLI, the daemon and the report ask of the log, answered as typed rows.

Agenda (which nudges are due), balance, plans, deliveries, waits, report data, and whom a query
is about (people) with their history. A view opens nothing itself: it receives a store and
settings, asks the log and hands the rows to the core's pure functions. It may import core,
config and log; never sync, the daemon, ops or the CLI.
"""
