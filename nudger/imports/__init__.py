"""Chat exports and call logs to the log: each file read through its format's reader (found by
name through `nudger.adapters`), its conversation starts and calls matched to tracked people and
written in one transaction per file; and the watched folder the daemon reads.

Beside `nudger.sync` in the layers: it may import core, config, adapters, log and views, never
the daemon, ops or the CLI. Only this layer imports `phonenumbers` (through
`nudger.config.phones`).
"""
