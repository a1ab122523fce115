"""Telegram Desktop's JSON export (`result.json`): one chat (`{"name", "type", "id",
"messages": [...]}`) or the whole account (`{"personal_information": {...}, "chats": {"list":
[...]}}`), streamed with ijson so a 200 MB export is read in bounded memory (one message at a
time is built).

Only `type: "message"` is a message; a `service` item with `action: "phone_call"` is a call by
its `actor_id`, missed when `discard_reason` is "missed" or "busy" (the callee did not take it);
other service items (joins, pins, group calls) are not counted. The user's side: the account's
`personal_information.user_id`; in a one-chat export, a personal chat's `id` is the other
person's user id, so there it is whoever is not them. Times: `date_unixtime` (UTC) when the
export has it, else `date`, local, read in the zone given."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import ijson

from integrations.imports import source
from nudger.ports import CallType, Chat, ChatRecord, ExportFormatError, Party, SkippedRecord

_FIRST_KEYS = {"name", "type", "id", "about", "personal_information", "messages", "chats"}
_GROUP_TYPES = {"private_group", "private_supergroup", "public_supergroup"}
_CHANNEL_TYPES = {"private_channel", "public_channel"}
_ONE_TO_ONE = {"personal_chat", "bot_chat", "saved_messages"}
_FIRST_KEY = re.compile(r'\s*\{\s*"(\w+)"\s*:')
_CHAT_PREFIXES = ("", "chats.list.item.", "left_chats.list.item.")
_MESSAGE_LISTS = {f"{base}messages" for base in _CHAT_PREFIXES} | {"chats.list"}


class TelegramReader:
    """Reads a Telegram Desktop JSON export."""

    name = "telegram"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = source.head_text(head)
        found = _FIRST_KEY.match(text)
        if found is None or found[1] not in _FIRST_KEYS:
            return False
        return '"messages"' in text or '"personal_information"' in text

    def read(self, path: Path, *, zone: tzinfo) -> Iterator[ChatRecord | SkippedRecord]:
        with source.open_text(path) as text:
            events = ijson.parse(source.Utf8Bytes(text, path.name), use_float=True)
            try:
                yield from _walk(events, path.name, zone)
            except ijson.JSONError as error:
                raise ExportFormatError(
                    f"{path.name} is not whole JSON (cut short or damaged): {error}."
                ) from None


class _Chat:
    """What is known of the chat being read: its keys come before its messages."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.chat: Chat | None = None

    def resolve(self) -> Chat:
        if self.chat is None:
            kind = self.fields.get("type")
            name = self.fields.get("name")
            group: bool | None = None
            if kind in _GROUP_TYPES or kind in _CHANNEL_TYPES:
                group = True
            elif kind in _ONE_TO_ONE:
                group = False
            self.chat = Chat(
                id=str(self.fields.get("id", name)),
                title=name,
                with_=Party(name=name) if kind == "personal_chat" else None,
                group=group,
            )
        return self.chat


def _walk(
    events: Iterator[tuple[str, str, Any]], name: str, zone: tzinfo
) -> Iterator[ChatRecord | SkippedRecord]:
    me: str | None = None
    chat = _Chat()
    seen_messages = False
    builder: ijson.ObjectBuilder | None = None
    item_prefix = ""
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if prefix == item_prefix and event == "end_map":
                record = _item(builder.value, chat.resolve(), me, zone)
                if record is not None:
                    yield record
                builder = None
            continue
        if prefix == "personal_information.user_id":
            me = f"user{value}"
        elif event == "start_map" and prefix in ("chats.list.item", "left_chats.list.item"):
            chat = _Chat()
        elif event in ("string", "number") and _chat_key(prefix) is not None:
            chat.fields[_chat_key(prefix) or ""] = value
        elif event == "start_array" and prefix in _MESSAGE_LISTS:
            seen_messages = True
        elif event == "start_map" and prefix.endswith("messages.item"):
            builder, item_prefix = ijson.ObjectBuilder(), prefix
            builder.event(event, value)
    if not seen_messages:
        raise ExportFormatError(f'{name} holds no Telegram chat (no "messages" list).')


def _chat_key(prefix: str) -> str | None:
    for base in _CHAT_PREFIXES:
        key = prefix[len(base) :] if prefix.startswith(base) else None
        if key in ("name", "type", "id"):
            return key
    return None


def _item(
    item: dict[str, Any], chat: Chat, me: str | None, zone: tzinfo
) -> ChatRecord | SkippedRecord | None:
    """A message or a call; None for another service item (a join, a pin: nothing happened
    between people), a `SkippedRecord` for an item that cannot be read."""
    where = f"message {item.get('id', '?')}"
    kind = item.get("type")
    if kind not in ("message", "service"):
        return SkippedRecord(where=where, reason=f"an item of type {kind!r}")
    try:
        at = _time(item, zone)
    except (KeyError, ValueError, TypeError, OverflowError):
        return SkippedRecord(where=where, reason="no readable date")
    ident = f"{chat.id}:{item.get('id')}"
    if kind == "message":
        sender = _party(item.get("from"), item.get("from_id"), chat, me)
        return ChatRecord(at=at, chat=chat, sender=sender, ident=ident, channel="telegram")
    if item.get("action") != "phone_call":
        return None
    caller = _party(item.get("actor"), item.get("actor_id"), chat, me)
    if caller.me is None:
        return SkippedRecord(where=where, reason="a call whose side the export does not say")
    call = CallType.OUTGOING
    if not caller.me:
        missed = item.get("discard_reason") in ("missed", "busy")
        call = CallType.MISSED if missed else CallType.INCOMING
    return ChatRecord(at=at, chat=chat, sender=caller, ident=ident, channel="telegram", call=call)


def _party(name: Any, sender_id: Any, chat: Chat, me: str | None) -> Party:
    """A sender; `me` is said only where the export says it (the account's id, or the other
    person's id in a personal chat)."""
    text_id = str(sender_id) if sender_id is not None else None
    is_me: bool | None = None
    if me is not None and text_id is not None:
        is_me = text_id == me
    elif chat.with_ is not None and text_id is not None:
        is_me = text_id != f"user{chat.id}"
    return Party(name=name if isinstance(name, str) else None, me=is_me)


def _time(item: dict[str, Any], zone: tzinfo) -> datetime:
    if "date_unixtime" in item:
        return datetime.fromtimestamp(int(item["date_unixtime"]), UTC)
    return datetime.fromisoformat(item["date"]).replace(tzinfo=zone)


def create() -> TelegramReader:
    """The `telegram` entry point."""
    return TelegramReader()
