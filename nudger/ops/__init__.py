"""Looking after the installation: `doctor`'s checks and installing the systemd user service.

It may import every layer below (it probes calendars and notifiers, reads the daemon's
heartbeat); only the CLI imports it.
"""
