"""Opening an export as text, for every reader: the encodings exports come in (UTF-8 with or
without a byte order mark, UTF-16 with one), a decoding failure as one `ExportFormatError` that
names the file, and the digest that stands in for a message's text in an `ident`.

It reads lazily (a line or a block at a time) so a reader stays streamed; it never keeps text."""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from nudger.ports import ExportFormatError

HEAD_BYTES = 64 * 1024
ENCODINGS_TRIED = "UTF-8 (with or without a byte order mark) and UTF-16 (with one)"


def encoding_of(head: bytes) -> str:
    """The codec for bytes starting with `head`: its byte order mark decides, else UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing: a character cut at the end of the head,
    or any undecodable byte, is dropped rather than failing (a sniff never raises)."""
    encoding = encoding_of(head)
    if encoding == "utf-16" and len(head) % 2:
        head = head[:-1]
    return head.decode(encoding, errors="ignore")


def undecodable(name: str) -> ExportFormatError:
    return ExportFormatError(f"{name} could not be decoded as text: tried {ENCODINGS_TRIED}.")


def text_stream(raw: IO[bytes]) -> io.TextIOWrapper:
    """`raw` (at its start) decoded by its byte order mark, universal newlines (only \\n, \\r and
    \\r\\n end a line: a U+2028 inside a message does not)."""
    peek = raw.read(4)
    encoding = encoding_of(peek)
    stream: IO[bytes]
    if raw.seekable():
        raw.seek(0)
        stream = raw
    else:  # the peeked bytes are put back in front
        stream = io.BufferedReader(_Prefixed(peek, raw))
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict")


def lines(text: IO[str], name: str) -> Iterator[tuple[int, str]]:
    """The lines of `text` numbered from 1, without their line ending; a decoding failure raises
    `ExportFormatError` naming `name` when it is met."""
    number = 0
    try:
        for number, line in enumerate(text, start=1):
            yield number, line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise undecodable(f"{name} (line {number + 1})") from None


def digest(text: str) -> str:
    """What stands in for a message's text in an `ident`: its sha256, never the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Utf8Bytes:
    """A text stream read back as UTF-8 bytes, for a parser that wants bytes (ijson): so a UTF-16
    or BOM-prefixed file parses, and a decoding failure is the same error as for text."""

    def __init__(self, text: IO[str], name: str) -> None:
        self._text = text
        self._name = name

    def read(self, size: int = -1) -> bytes:
        try:
            return self._text.read(size).encode("utf-8")
        except UnicodeDecodeError:
            raise undecodable(self._name) from None


class _Prefixed(io.RawIOBase):
    """Bytes already read from a stream that cannot seek, then the rest of the stream."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            count = min(len(buffer), len(self._prefix))
            buffer[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        chunk = self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def open_text(path: Path) -> io.TextIOWrapper:
    """`path` opened as text in the encoding its byte order mark says."""
    return text_stream(path.open("rb"))
