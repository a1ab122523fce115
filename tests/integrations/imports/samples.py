"""Real-shaped chat exports and call logs, written to a folder by the tests (and by the CLI
tests of `nudger import`): the file names, layouts and markers each app writes. Messages are
given as `(local time, sender, text)`; a text with a newline is written as continuation lines,
as the apps do. Nothing here is read back: the readers' tests do that."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

Message = tuple[datetime, str, str]  # time (its wall clock is written), sender, text

ENCRYPTED = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more."
)
NNBSP = "\u202f"  # the narrow no-break space newer phones put before AM/PM
LRM = "\u200e"  # the left-to-right mark iOS puts before media and notices


def _half(at: datetime, style: str) -> tuple[int, str]:
    hour = at.hour % 12 or 12
    pm = at.hour >= 12
    labels = {"en": ("AM", "PM"), "es": ("a.\u00a0m.", "p.\u00a0m."), "lower": ("am", "pm")}
    return hour, labels[style][pm]


def _whatsapp_stamp(at: datetime, layout: str) -> str:
    """The start of a line in each layout, before the sender."""
    if layout == "android-us":  # English (US) Android: month first, 12-hour
        hour, half = _half(at, "en")
        return f"{at.month}/{at.day}/{at:%y}, {hour}:{at:%M}{NNBSP}{half} - "
    if layout == "android-gb":  # English (UK) and most of Europe: day first, 24-hour
        return f"{at:%d/%m/%Y}, {at:%H:%M} - "
    if layout == "android-de":
        return f"{at:%d.%m.%y}, {at:%H:%M} - "
    if layout == "android-es":  # Spanish: day first, "p. m."
        hour, half = _half(at, "es")
        return f"{at.day}/{at.month}/{at:%y}, {hour}:{at:%M} {half} - "
    if layout == "ios-gb":
        return f"[{at:%d/%m/%Y}, {at:%H:%M:%S}] "
    if layout == "ios-us":
        hour, half = _half(at, "en")
        return f"[{at.month}/{at.day}/{at:%y}, {hour}:{at:%M:%S}{NNBSP}{half}] "
    raise ValueError(f"no WhatsApp layout {layout!r}")


LAYOUTS = ("android-us", "android-gb", "android-de", "android-es", "ios-gb", "ios-us")


def whatsapp_text(
    messages: Sequence[Message],
    *,
    layout: str = "android-gb",
    title: str = "Alice",
    notices: Sequence[tuple[datetime, str]] = (),
) -> str:
    """The text of an "Export chat": the encryption notice first (as the app writes it: on
    Android without a sender, on iOS as from the chat with a U+200E), then the messages, and
    `notices` (system lines such as "Alice added Bob") where their time puts them."""
    ios = layout.startswith("ios")
    lines: list[tuple[datetime, str]] = []
    if messages:
        first = messages[0][0]
        lines.append((first, f"{title}: {LRM}{ENCRYPTED}" if ios else ENCRYPTED))
    for at, text in notices:
        lines.append((at, f"{title}: {LRM}{text}" if ios else text))
    for at, sender, text in messages:
        lines.append((at, f"{sender}: {text}"))
    lines.sort(key=lambda line: line[0].replace(tzinfo=None))
    return "".join(f"{_whatsapp_stamp(at, layout)}{text}\n" for at, text in lines)


def whatsapp_export(
    folder: Path,
    messages: Sequence[Message],
    *,
    layout: str = "android-gb",
    title: str = "Alice",
    notices: Sequence[tuple[datetime, str]] = (),
    as_zip: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """A chat export as the phone shares it: `WhatsApp Chat with Alice.txt` (Android), or a zip
    (`WhatsApp Chat - Alice.zip` holding `_chat.txt`, as iOS shares it)."""
    text = whatsapp_text(messages, layout=layout, title=title, notices=notices)
    folder.mkdir(parents=True, exist_ok=True)
    if not as_zip:
        path = folder / f"WhatsApp Chat with {title}.txt"
        path.write_text(text, encoding=encoding)
        return path
    path = folder / f"WhatsApp Chat - {title}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", text.encode(encoding))
        archive.writestr("00000003-PHOTO-2023-12-31-21-41-07.jpg", b"\xff\xd8\xff\xe0 not a photo")
    return path


# --- Telegram Desktop ------------------------------------------------------------------------


def _telegram_time(at: datetime, zone: tzinfo) -> dict[str, str]:
    local = at if at.tzinfo is None else at.astimezone(zone).replace(tzinfo=None)
    unix = int(local.replace(tzinfo=zone).timestamp())
    return {"date": local.isoformat(timespec="seconds"), "date_unixtime": str(unix)}


def telegram_chat_object(
    messages: Sequence[Message],
    *,
    name: str,
    chat_id: int,
    people: dict[str, int],
    chat_type: str = "personal_chat",
    calls: Sequence[tuple[datetime, str, str | None]] = (),
    zone: tzinfo = UTC,
    unixtime: bool = True,
) -> dict[str, Any]:
    """One chat as Telegram Desktop writes it. `people` maps a sender's name to their user id;
    `calls` are (local time, caller, discard_reason: "missed", "busy", "hangup" or None)."""
    items: list[tuple[datetime, dict[str, Any]]] = []
    for at, sender, text in messages:
        item: dict[str, Any] = {"type": "message", **_telegram_time(at, zone), "from": sender}
        item |= {"from_id": f"user{people[sender]}", "text": text, "text_entities": []}
        items.append((at, item))
    for at, caller, reason in calls:
        item = {"type": "service", **_telegram_time(at, zone), "actor": caller}
        item |= {"actor_id": f"user{people[caller]}", "action": "phone_call"}
        if reason is not None:
            item["discard_reason"] = reason
        item |= {"duration_seconds": 0 if reason in ("missed", "busy") else 61, "text": ""}
        items.append((at, item))
    items.sort(key=lambda pair: pair[0])
    written: list[dict[str, Any]] = []
    for number, (_, item) in enumerate(items, start=1):
        if not unixtime:
            item.pop("date_unixtime")
        written.append({"id": number, **item})
    return {"name": name, "type": chat_type, "id": chat_id, "messages": written}


def telegram_chat(path: Path, chat: dict[str, Any]) -> Path:
    """A one-chat export (`result.json` of "Export chat history", JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chat, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def telegram_account(
    path: Path, chats: Iterable[dict[str, Any]], *, me_id: int, me_name: str = "Me Myself"
) -> Path:
    """A whole-account export (Settings → Advanced → Export Telegram data, JSON)."""
    first, _, last = me_name.partition(" ")
    export = {
        "about": "Here is the data you requested. Remember: Telegram is ad free...",
        "personal_information": {
            "user_id": me_id,
            "first_name": first,
            "last_name": last,
            "phone_number": "+49 151 0000000",
            "username": "@me",
            "bio": "",
        },
        "contacts": {"about": "", "list": []},
        "frequent_contacts": {
            "about": "",
            "list": [{"id": 1, "category": "people", "type": "user", "name": "Bot"}],
        },
        "chats": {"about": "This page lists all chats from this export.", "list": list(chats)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# --- signal-export ---------------------------------------------------------------------------


def signal_export(
    root: Path,
    chat: str,
    messages: Sequence[Message],
    *,
    calls: Sequence[tuple[datetime, str, bool]] = (),
    version: str = "3.9",
) -> Path:
    """What `sigexport` writes for one chat: `root/chat/chat.md` and `root/chat/data.json` (one
    JSON object a line); returns the data.json. Senders are names, or "Me" for the user. `calls`
    are (local time, caller, missed); `version` "3.8" writes calls as before v3.9.0 (a message
    "Incoming call" / "Outgoing call" with the contact as sender)."""
    folder = root / chat
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[datetime, dict[str, Any]]] = []
    for at, sender, text in messages:
        rows.append((at, _signal_row(at, sender, text, version)))
    for at, caller, missed in calls:
        if version == "3.8":
            body = "Outgoing call" if caller == "Me" else "Incoming call"
            rows.append((at, _signal_row(at, chat, body, version)))
            continue
        body = "Missed voice call" if missed else "Incoming voice call (accepted)"
        if caller == "Me":
            body = (
                "Outgoing voice call (unanswered)" if missed else "Outgoing voice call (accepted)"
            )
        row = _signal_row(at, caller, body, version) | {"call": True, "missed": missed}
        rows.append((at, row))
    rows.sort(key=lambda pair: pair[0])
    with (
        (folder / "data.json").open("w", encoding="utf-8") as data,
        (folder / "chat.md").open("w", encoding="utf-8") as markdown,
    ):
        for at, row in rows:
            print(json.dumps(row, ensure_ascii=False), file=data)
            print(f"[{at:%Y-%m-%d %H:%M:%S}] {row['sender']}: {row['body']}\n", file=markdown)
    return folder / "data.json"


def _signal_row(at: datetime, sender: str, text: str, version: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "date": at.replace(tzinfo=None).isoformat(),
        "sender": sender,
        "body": f"{text}  ",
        "quote": "",
        "sticker": None,
        "reactions": [],
        "attachments": [],
        "deleted": False,
    }
    if version != "3.8":
        row |= {"call": False, "missed": False}
    return row


# --- SMS Backup & Restore --------------------------------------------------------------------

Sms = tuple[datetime, str, int, str, str]  # aware time, address, type (1 in, 2 out), body, name
Mms = tuple[datetime, str, int, str]  # aware time, address ("~" between a group's), msg_box, from
Call = tuple[datetime, str, int, int, str]  # aware time, number, type, duration s, name


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def sms_backup(path: Path, sms: Sequence[Sms], mms: Sequence[Mms] = ()) -> Path:
    """An `sms-YYYYMMDDhhmmss.xml` as the app writes it (attributes as in its own files)."""
    lines = []
    for at, address, kind, body, name in sms:
        lines.append(
            f'  <sms protocol="0" address={quoteattr(address)} date="{_ms(at)}" type="{kind}" '
            f'subject="null" body={quoteattr(body)} toa="null" sc_toa="null" '
            f'service_center="null" read="1" status="-1" locked="0" date_sent="{_ms(at)}" '
            f'sub_id="1" readable_date="{at:%b %d, %Y %H:%M:%S}" '
            f"contact_name={quoteattr(name)} />"
        )
    for at, address, box, sender in mms:
        addrs = "".join(
            f'<addr address={quoteattr(a)} type="{137 if a == sender else 151}" charset="106" />'
            for a in address.split("~")
        )
        lines.append(
            f'  <mms date="{_ms(at)}" rr="129" sub="null" ct_t="application/vnd.wap.multipart.'
            f'related" read_status="null" seen="1" msg_box="{box}" address={quoteattr(address)} '
            f'm_id="mid{_ms(at)}" m_type="{132 if box == 1 else 128}" text_only="1" '
            f'contact_name="(Unknown)" readable_date="{at:%b %d, %Y %H:%M:%S}">'
            f'<parts><part seq="0" ct="text/plain" name="null" chset="106" '
            f'text="a picture" /></parts><addrs>{addrs}</addrs></mms>'
        )
    count = len(sms) + len(mms)
    return _write_xml(path, "smses", count, lines)


def sms_calls(path: Path, calls: Sequence[Call]) -> Path:
    """A `calls-YYYYMMDDhhmmss.xml`: type 1 incoming, 2 outgoing, 3 missed, 4 voicemail,
    5 rejected, 6 blocked."""
    lines = [
        f'  <call number={quoteattr(number)} duration="{duration}" date="{_ms(at)}" '
        f'type="{kind}" presentation="1" subscription_id="1" post_dial_digits="" '
        f'readable_date="{at:%b %d, %Y %H:%M:%S}" contact_name={quoteattr(name)} />'
        for at, number, kind, duration, name in calls
    ]
    return _write_xml(path, "calls", len(calls), lines)


def _write_xml(path: Path, root: str, count: int, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    head += "<!--File Created By SMS Backup & Restore v10.20.002-->\n"
    body = "\n".join(lines)
    path.write_text(
        f'{head}<{root} count="{count}" backup_set="b1c2" backup_date="1704067200000" '
        f'type="full">\n{body}\n</{root}>\n',
        encoding="utf-8",
    )
    return path


# --- CSV ---------------------------------------------------------------------------------------


def csv_export(
    path: Path, rows: Sequence[Sequence[str]], header: str = "time,person,direction,channel"
) -> Path:
    """A plain CSV: `header`, then `rows` as written (values joined by commas)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = header + "\n" + "".join(",".join(row) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
    return path


def truncate(path: Path, keep: float = 0.6) -> Path:
    """`path` cut short to the first `keep` of its bytes, as a copy that stopped half-way."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# --- big files, written a line at a time (for the streaming tests and bench) -------------------


def telegram_big(path: Path, messages: int, *, start: datetime, pause_every: int = 0) -> Path:
    """A one-chat Telegram export of `messages` messages a minute apart, about 330 bytes each
    (text of 160 characters), written without holding it in memory."""
    start_unix = int(start.timestamp())
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "Alice",\n "type": "personal_chat",\n "id": 42,\n "messages": [\n')
        for number in range(1, messages + 1):
            sender, sender_id = ("Alice", 42) if number % 3 else ("Me Myself", 7)
            unix = start_unix + int(_offset(number, pause_every).total_seconds())
            local = datetime.fromtimestamp(unix, UTC).replace(tzinfo=None).isoformat()
            item = {
                "id": number,
                "type": "message",
                "date": local,
                "date_unixtime": str(unix),
                "from": sender,
                "from_id": f"user{sender_id}",
                "text": f"message {number:08} " + "x" * 150,
                "text_entities": [{"type": "plain", "text": "x"}],
            }
            out.write(("  " if number == 1 else ",\n  ") + json.dumps(item))
        out.write("\n ]\n}\n")
    return path


def sms_big(path: Path, messages: int, *, start: datetime, pause_every: int = 0) -> Path:
    """An SMS Backup & Restore file of `messages` sms a minute apart, about 480 bytes each."""
    first = _ms(start)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write(f'<smses count="{messages}" backup_set="big" type="full">\n')
        for number in range(messages):
            kind = 1 if number % 3 else 2
            out.write(
                f'  <sms protocol="0" address="+4915112345678" '
                f'date="{first + int(_offset(number, pause_every).total_seconds() * 1000)}" '
                f'type="{kind}" subject="null" body="message {number:08} {"y" * 200}" '
                f'toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                f'locked="0" readable_date="Jan 1, 2024 10:00:00" contact_name="Alice" />\n'
            )
        out.write("</smses>\n")
    return path


def whatsapp_big(path: Path, messages: int, *, start: datetime, pause_every: int = 0) -> Path:
    """An Android (UK) WhatsApp export of `messages` messages a minute apart, about 110 bytes
    each, one in ten over two lines, written a line at a time."""
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{_whatsapp_stamp(start, 'android-gb')}{ENCRYPTED}\n")
        for number in range(messages):
            at = start + _offset(number, pause_every)
            sender = "Alice" if number % 3 else "Me Myself"
            more = "\nand a second line" if number % 10 == 0 else ""
            out.write(f"{at:%d/%m/%Y, %H:%M} - {sender}: message {number:08} {'z' * 60}{more}\n")
    return path


def _offset(number: int, pause_every: int) -> timedelta:
    """A message a minute; with `pause_every`, each such count of messages is followed by seven
    hours of silence, so the next one starts a conversation (the importer's bench needs many)."""
    pauses = number // pause_every if pause_every else 0
    return timedelta(minutes=number, hours=7 * pauses)
