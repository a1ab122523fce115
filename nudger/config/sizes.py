"""Sizes in settings ("2GiB", "200MB"): parsed as pydantic's `ByteSize` does, written back in
the same words, and bounded by the schema so `config set`, `doctor` and loading refuse the same
values with the range in words a user writes, not in bytes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ByteSize, PlainSerializer, TypeAdapter

MB = 10**6
MiB = 2**20
GiB = 2**30
_UNITS = (("GiB", GiB), ("GB", 10**9), ("MiB", MiB), ("MB", MB), ("KiB", 2**10), ("kB", 10**3))


def format_size(size: int) -> str:
    """The size in the largest unit it is a whole number of: 2147483648 → "2GiB"."""
    for unit, factor in _UNITS:
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


def _to_size(value: Any) -> int:
    """ "200MB", "2GiB"; a bare number is refused rather than guessed to be bytes."""
    wanted = ValueError('use a size such as "200MB" or "2GiB"')
    if not isinstance(value, str):
        raise wanted
    try:
        return int(TypeAdapter(ByteSize).validate_python(value.replace(" ", "")))
    except ValueError:  # pydantic's own error is a ValueError too
        raise wanted from None


def between(low: int, high: int) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"use a size from {format_size(low)} to {format_size(high)}")
        return value

    return AfterValidator(check)


Size = Annotated[int, BeforeValidator(_to_size), PlainSerializer(format_size, return_type=str)]
