"""Telling a running daemon that something changed, and knowing whether one runs.

The daemon binds a Linux abstract datagram socket named after its data folder. A command that
changes what the daemon should do (a config edit, a logged fact, an answer) sends it one empty
datagram after committing, and the daemon re-reads and replans at once, instead of polling the
files every few seconds (which would wake the machine all day). The bound name doubles as the
"one daemon per data folder" lock and, listed in /proc/net/unix, as the "is it running?" probe:
the kernel frees it when the process dies, even by SIGKILL, so there is no stale pid file.

A datagram carries no data the daemon trusts: it only triggers a re-read of files the daemon
reads anyway, so another local user poking it can cause nothing but a replan.
"""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path


def address(data_dir: Path) -> bytes:
    """The abstract socket name for the daemon using `data_dir` (a leading NUL: abstract)."""
    digest = hashlib.sha256(str(data_dir.expanduser().resolve()).encode()).hexdigest()[:24]
    return b"\0nudger-" + digest.encode()


def listen(data_dir: Path) -> socket.socket | None:
    """The daemon's socket, non-blocking; None when another daemon already holds it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
    try:
        sock.bind(address(data_dir))
    except OSError:
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def running(data_dir: Path) -> bool:
    """Whether a daemon for `data_dir` is running (the kernel lists its bound name).

    Read from /proc/net/unix rather than by trying to bind the name: a probe that held the name
    even for an instant could make a daemon starting at that moment think another one runs.
    """
    name = "@" + address(data_dir)[1:].decode()
    try:
        with Path("/proc/net/unix").open(encoding="utf-8", errors="replace") as table:
            return any(line.rstrip("\n").endswith(" " + name) for line in table)
    except OSError:
        return poke(data_dir)  # no /proc: a listener accepting a datagram is a running daemon


def poke(data_dir: Path) -> bool:
    """Tell the daemon for `data_dir` to re-read and replan; False when none is listening."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        try:
            sock.sendto(b"", address(data_dir))
        except OSError:
            return False
    return True
