"""Adapters at the edges, found by name through the `nudger.calendars` and `nudger.notifiers`
entry points and imported only when configured. They import from `nudger`, never the reverse."""
