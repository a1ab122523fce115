"""Settings: the schema, the config file, editing it, environment overrides, paths and people.

Owns what the user chose and where things live, and turns it into the frozen values the pure
core reads (`core_values`: the core never sees the schema). It may import the core (value types,
duration parsing), `nudger.adapters` (the calendar types installed adapters add, and their
tables' models) and the shared modules beside the layers (`nudger.errors`, `nudger.private_file`),
nothing above: it knows neither the log nor the daemon.
"""
