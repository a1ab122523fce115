"""Sources to the log: each calendar read through its adapter, detected and written in one
transaction per source, in this process or in a child (`python -m nudger.sync.worker`).

It sees adapters only through `nudger.ports` and finds them through `nudger.adapters`; it may
import core, config, log and views, never the daemon, ops or the CLI.
"""
