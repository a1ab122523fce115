"""nudger: an event-driven habit nudger for relationships.

The package root stays import-light on purpose: every CLI start-up passes through it.
"""

__version__ = "0.1.0"
