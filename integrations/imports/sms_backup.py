"""Android "SMS Backup & Restore" XML: a messages file (`<smses>` of `<sms>` and `<mms>`) or a
call log (`<calls>` of `<call>`), parsed with defusedxml (no entities, no DTD) by `iterparse`,
each item cleared once read so a 200 MB backup is read in bounded memory.

What each `type` is: an sms 1 received, 2 sent (3 draft, 4 outbox, 5 failed, 6 queued were
never sent: skipped, saying so); an mms `msg_box` 1 received, 2 sent. A call 1 incoming,
2 outgoing, 3 missed, 4 voicemail and 5 rejected (both incoming calls not taken: missed, the
caller's initiative), 7 answered on another device (incoming); 6 blocked is skipped: a blocked
caller's attempts are not a part of the relationship the user keeps. `date` is epoch
milliseconds. The body and the parts are never read into a record, not even as a digest: an
`ident` is the kind, the other number, the millisecond and the type (and an mms's own `m_id`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from integrations.imports import source
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, Party, SkippedRecord

_ROOT = re.compile(r"<(smses|calls)[\s>/]")
_SMS_SIDES = {"1": False, "2": True}  # type → sent by the user
_NOT_SENT = {"3": "a draft", "4": "in the outbox, not sent", "5": "failed to send", "6": "queued"}
_CALL_TYPES = {
    "1": CallType.INCOMING,
    "2": CallType.OUTGOING,
    "3": CallType.MISSED,
    "4": CallType.MISSED,
    "5": CallType.MISSED,
    "7": CallType.INCOMING,
}
_MMS_FROM = "137"  # the `type` of the sender among an mms's `addr`s
_UNKNOWN_NAMES = {"", "null", "(Unknown)"}


class SmsBackupReader:
    """Reads an SMS Backup & Restore XML backup of messages or of calls."""

    name = "sms-backup"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = source.head_text(head).lstrip()
        return text.startswith("<") and _ROOT.search(text) is not None

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        counts = {"sms": 0, "mms": 0, "call": 0}
        root: Element | None = None
        try:
            with path.open("rb") as raw:
                for event, element in iterparse(raw, events=("start", "end")):
                    if root is None:
                        root = element
                        if element.tag not in ("smses", "calls"):
                            raise ExportFormatError(
                                f"{path.name} is XML but not an SMS Backup & Restore backup "
                                f"(its root is <{element.tag}>, not <smses> or <calls>)."
                            )
                        continue
                    if event != "end" or element.tag not in counts:
                        continue
                    counts[element.tag] += 1
                    yield _item(element, counts[element.tag])
                    root.clear()  # the item is read: let it go, and its parts with it
        except ParseError as error:
            raise ExportFormatError(
                f"{path.name} is not whole, readable XML ({error}): cut short, damaged, or not "
                f"in {source.ENCODINGS_TRIED}."
            ) from None
        except DefusedXmlException as error:
            message = f"{path.name} holds XML that nudger does not read ({error})."
            raise ExportFormatError(message) from None
        if root is None:
            raise ExportFormatError(f"{path.name} is empty.")


def _item(element: Element, number: int) -> ChatRecord | SkippedRecord:
    where = f"{element.tag} {number}"
    attributes = element.attrib
    try:
        at = datetime.fromtimestamp(int(attributes["date"]) / 1000, UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return SkippedRecord(where=where, reason="no readable date")
    if element.tag == "call":
        return _call(attributes, at, where)
    if element.tag == "sms":
        return _sms(attributes, at, where)
    return _mms(element, at, where)


def _contact(attributes: dict[str, str], address: str) -> Party:
    name = attributes.get("contact_name", "")
    return Party(name=None if name in _UNKNOWN_NAMES else name, phone=address, me=False)


def _sms(attributes: dict[str, str], at: datetime, where: str) -> ChatRecord | SkippedRecord:
    address, kind = attributes.get("address", ""), attributes.get("type", "")
    if kind in _NOT_SENT:
        return SkippedRecord(where=where, reason=f"{_NOT_SENT[kind]}: not a message sent")
    if not address or kind not in _SMS_SIDES:
        return SkippedRecord(where=where, reason="no address or an unknown type")
    other = _contact(attributes, address)
    chat = Chat(id=address, title=other.name, with_=other, group=False)
    sender = Party(me=True) if _SMS_SIDES[kind] else other
    ident = f"sms|{address}|{attributes['date']}|{kind}"
    return ChatRecord(at=at, chat=chat, sender=sender, ident=ident, channel="sms")


def _mms(element: Element, at: datetime, where: str) -> ChatRecord | SkippedRecord:
    attributes = element.attrib
    address, box = attributes.get("address", ""), attributes.get("msg_box", "")
    if not address or box not in _SMS_SIDES:
        return SkippedRecord(where=where, reason="no address, or not in the inbox or sent box")
    group = "~" in address
    other = None if group else _contact(attributes, address)
    chat = Chat(id=address, title=attributes.get("contact_name") or None, with_=other, group=group)
    if _SMS_SIDES[box]:
        sender: Party | None = Party(me=True)
    elif other is not None:
        sender = other
    else:
        senders = [a.get("address") for a in element.iter("addr") if a.get("type") == _MMS_FROM]
        sender = Party(phone=senders[0], me=False) if senders and senders[0] else None
    if sender is None:
        return SkippedRecord(where=where, reason="a group message whose sender is not written")
    ident = f"mms|{address}|{attributes['date']}|{box}|{attributes.get('m_id', '')}"
    return ChatRecord(at=at, chat=chat, sender=sender, ident=ident, channel="sms")


def _call(attributes: dict[str, Any], at: datetime, where: str) -> ChatRecord | SkippedRecord:
    number, kind = attributes.get("number", ""), attributes.get("type", "")
    if kind == "6":
        return SkippedRecord(where=where, reason="a blocked call: not counted")
    if not number or kind not in _CALL_TYPES:
        return SkippedRecord(where=where, reason="no number or an unknown call type")
    other = _contact(attributes, number)
    call = _CALL_TYPES[kind]
    sender = Party(me=True) if call is CallType.OUTGOING else other
    chat = Chat(id=number, title=other.name, with_=other, group=False)
    ident = f"call|{number}|{attributes['date']}|{kind}"
    return ChatRecord(at=at, chat=chat, sender=sender, ident=ident, channel="phone", call=call)


def create() -> SmsBackupReader:
    """The `sms-backup` entry point."""
    return SmsBackupReader()
