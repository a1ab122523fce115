"""Going through the plans whose initiator is unknown, one at a time (`nudger plans review`).

Which plans those are is `nudger.views.plans`' question (`review`, the very set `nudger plans
--unclassified` lists); this module holds what an answer means (`parse`) and reading answers
(`answers`): single keys from a terminal in cbreak mode, or whole lines when stdin is a pipe or
a file. The terminal's mode is put back on every
way out: an answer, q, Ctrl-C, Ctrl-Z (and back again on `fg`), SIGTERM, SIGHUP, an exception.

The log is the command's business: this module neither reads nor writes it. No curses: termios
is enough for one key at a time, and works the same in a local terminal and over SSH.
"""

from __future__ import annotations

import codecs
import os
import signal
import termios
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Literal, TextIO

Answer = Literal["me", "them", "neither", "skip", "quit"]
Echo = Callable[[str], None]

_WORDS: dict[str, Answer] = {
    "m": "me",
    "me": "me",
    "t": "them",
    "them": "them",
    "n": "neither",
    "neither": "neither",
    "s": "skip",
    "skip": "skip",
    "q": "quit",
    "quit": "quit",
}
_KEYS = frozenset(word for word in _WORDS if len(word) == 1)
_END_OF_INPUT = "\x04"  # Ctrl-D: in cbreak mode it arrives as a character
_ERASE = ("\x7f", "\b")
_ESCAPE = "\x1b"  # arrow and function keys send sequences starting with it


def parse(text: str) -> Answer | None:
    """The answer a key or a word means (m/me, t/them, n/neither, s/skip, q/quit), or None."""
    return _WORDS.get(text.strip().casefold())


class KeyAnswers:
    """Answers from a terminal in cbreak mode, where each key arrives as it is pressed.

    A lone m, t, n, s or q answers at once. Anything else is a word, shown as it is typed and read
    when Enter comes: so a terminal (or a user) sending `them⏎` gets `them`, and the keys after a
    wrong first one can never answer the next plan by accident.
    """

    def __init__(self, read: Callable[[], str], echo: Echo) -> None:
        self._read = read  # the next chunk the terminal sent; "" at the end of input
        self._echo = echo
        self._typed = ""  # a word being typed
        self._pending = ""  # what followed an Enter in the same chunk (a terminal sending lines)

    def next(self) -> Answer | None:
        """The next answer; None for a word that is not one (the caller asks again)."""
        while True:
            fresh = not self._pending
            chunk = (self._pending or self._read()).replace("\r\n", "\n")
            self._pending = ""
            if not chunk:
                return "quit"
            if fresh and not self._typed and chunk.casefold() in _KEYS:
                answer = _WORDS[chunk.casefold()]
                self._echo(f"{answer}\n")
                return answer
            for index, char in enumerate(chunk):
                if char in "\r\n":
                    self._pending = chunk[index + 1 :]
                    word, self._typed = self._typed, ""
                    self._echo("\n")
                    return parse(word)
                if char == _END_OF_INPUT and not self._typed:
                    self._echo("\n")
                    return "quit"
                if char == _ESCAPE:
                    break  # the rest of the chunk is the sequence's tail
                if char in _ERASE:
                    if self._typed:
                        self._typed = self._typed[:-1]
                        self._echo("\b \b")
                elif char.isprintable():
                    self._typed += char
                    self._echo(char)


class LineAnswers:
    """Answers from a pipe or a file, one a line; the end of input quits."""

    def __init__(self, stream: TextIO, echo: Echo) -> None:
        self._stream = stream
        self._echo = echo

    def next(self) -> Answer | None:
        line = self._stream.readline()
        if not line:
            self._echo("\n")
            return "quit"
        answer = parse(line)
        self._echo(f"{answer or ''}\n")  # what was understood, so a transcript reads well
        return answer


@contextmanager
def answers(stream: TextIO, echo: Echo) -> Iterator[Callable[[], Answer | None]]:
    """A function reading the next answer from `stream`: keys when it is a terminal (in cbreak
    mode until the block ends, however it ends), lines otherwise."""
    if not stream.isatty():
        yield LineAnswers(stream, echo).next
        return
    descriptor = stream.fileno()
    with single_keys(descriptor):
        yield KeyAnswers(_chunks(descriptor), echo).next


def _chunks(descriptor: int) -> Callable[[], str]:
    """Reads what the terminal sent, decoded (a character split across reads waits for its
    tail); "" at the end of input."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read() -> str:
        while True:
            data = os.read(descriptor, 256)
            text = decoder.decode(data, final=not data)
            if text or not data:
                return text

    return read


@contextmanager
def single_keys(descriptor: int) -> Iterator[None]:
    """The terminal on `descriptor` in cbreak mode: keys arrive one by one, unechoed, while
    Ctrl-C still interrupts. The saved mode comes back when the block ends, whatever ends it."""
    saved = termios.tcgetattr(descriptor)
    keys = termios.tcgetattr(descriptor)
    keys[3] &= ~(termios.ICANON | termios.ECHO)
    keys[6][termios.VMIN] = 1
    keys[6][termios.VTIME] = 0

    def enter() -> None:
        # TCSANOW, not TCSAFLUSH: a key typed before the question showed is kept.
        termios.tcsetattr(descriptor, termios.TCSANOW, keys)

    def leave() -> None:
        # A terminal that is gone (a dropped SSH session) has nothing left to restore.
        with suppress(termios.error):
            termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)

    def suspend(signum: int, frame: FrameType | None) -> None:
        # Ctrl-Z: hand the shell its terminal as it was, stop, and take cbreak again on `fg`.
        leave()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, suspend)
        enter()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # unwinds through the `finally` below

    handlers: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}
    if threading.current_thread() is threading.main_thread():
        for number, handler in (
            (signal.SIGTSTP, suspend),
            (signal.SIGTERM, stop),
            (signal.SIGHUP, stop),
        ):
            handlers[number] = signal.signal(number, handler)
    try:
        enter()
        yield
    finally:
        leave()
        for signal_number, previous in handlers.items():
            signal.signal(signal_number, signal.SIG_DFL if previous is None else previous)
