"""The long-running process: the scheduler's jobs, the wake socket, the heartbeat and systemd.

It may import every layer below it (core, config, log, views, sync) and the notifier port; the
CLI and ops may import it (to start it, to read its heartbeat), it never imports them.
"""
