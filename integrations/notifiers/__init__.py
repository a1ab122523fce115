"""Notifiers (the `nudger.notifiers` entry-point group): desktop, console."""
