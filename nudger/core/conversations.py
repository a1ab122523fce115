"""Who starts the conversations: the conversation-start rule for imported chats, pure.

A chat's messages are a timeline; a message **starts a conversation** when the silence before
it in that chat (since the message before it, whoever sent that) is at least the threshold
(`messages.new_conversation_after`). The start is the initiative of its sender; every other
message is a reply and no initiation. Only messages make the timeline: calls are initiations of
their own (the caller's) and neither break nor make a silence.

An export is a slice of the timeline, complete between its first and its last message (what an
export holds is everything the chat had then; readers never drop a message silently, a line
they cannot read is skipped and counted). So within one file every message but the first of
each chat is decided by the file alone. The first message of a chat in a file is where the file
cannot see the silence before it, so it is decided by what earlier imports covered (`Span`,
kept per chat in the log):

- if an earlier import of the chat covered its time (its first message ≤ t ≤ its last), that
  import held this message and the messages before it and decided it: it is `KNOWN`, and this
  file adds nothing for it (a newer overlapping export adds only what is new, and never counts
  a reply as a start because the export happens to begin there);
- otherwise it is `UNDECIDED` and counts for nobody: nudger cannot tell whether the chat began
  there or the export was cut there. An older export imported later, covering that message
  with what came before it, decides it then.

A message dated before the latest one already read in its chat (an export out of order) is
taken as a reply: at worst a start is missed, never one invented.

With that, importing overlapping exports of a chat in any order gives the same starts as
importing the whole timeline once (a property test checks it): the whole's first message being
undecided too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Opening(StrEnum):
    """What a message is, for the conversation-start rule."""

    START = "start"  # the first message after the silence: its sender's initiation
    REPLY = "reply"  # not an initiation
    KNOWN = "known"  # an earlier import covered it and decided it
    UNDECIDED = "undecided"  # a file's first message nothing earlier covers: counts for nobody


@dataclass(frozen=True, slots=True)
class Span:
    """The time an import covered in one chat: its first and last message there."""

    first: datetime
    last: datetime

    def covers(self, at: datetime) -> bool:
        return self.first <= at <= self.last


def opening(
    previous: datetime | None,
    at: datetime,
    *,
    threshold: timedelta,
    earlier: Sequence[Span] = (),
) -> Opening:
    """Whether the message at `at` starts a conversation. `previous` is the latest message
    before it in the same chat and file (None: it is the file's first there); `earlier` what
    earlier imports of the chat covered."""
    if previous is None:
        if any(span.covers(at) for span in earlier):
            return Opening.KNOWN
        return Opening.UNDECIDED
    return Opening.START if at - previous >= threshold else Opening.REPLY


def starts(
    times: Sequence[datetime], *, threshold: timedelta, earlier: Sequence[Span] = ()
) -> list[int]:
    """The indexes of the messages of one chat's file (in export order) that start a
    conversation, by `opening`."""
    found: list[int] = []
    latest: datetime | None = None
    for index, at in enumerate(times):
        if opening(latest, at, threshold=threshold, earlier=earlier) is Opening.START:
            found.append(index)
        latest = at if latest is None else max(latest, at)
    return found


def span_of(times: Sequence[datetime]) -> Span | None:
    """The span a file covered in a chat (None: no message there)."""
    return Span(min(times), max(times)) if times else None
