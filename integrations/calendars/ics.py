"""The `ics` source: one .ics file, a folder of them (the vdir layout of vdirsyncer and khal),
or an http(s) URL serving one calendar. The embedded default: nothing to sign up for.

A file or folder is read again only when a file changed (size or modification time), and a URL
is fetched with the ETag / Last-Modified of the last answer, so an unchanged calendar costs a
`stat` per file or one 304. Whatever is read is read whole (`complete=True`, unless a file could
not be read): a master and its overrides may sit in different files of a vdir, so series are
grouped by UID across the folder.
Only the events that may involve a tracked person are parsed (`split.relevant`), and those
whose UID did at the last sync (the cursor keeps them), so an uninvite is seen. What a
folder lists and reads, and a UID found in two files, are `folder`'s, for `describe` (`nudger
calendars test`) as for a sync: one way of reading, so the test says what a sync would do.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from integrations.calendars import folder, ical, split
from integrations.calendars import problems as said
from nudger.config.calendars import IcsCalendar
from nudger.ports import Changes, Problem, SourceError, Window


def create(config: IcsCalendar, *, timeout: float, data_dir: Path) -> IcsSource:
    del data_dir  # nothing to keep: the cursor is all the state this source needs
    return IcsSource(config, timeout=timeout)


class IcsSource:
    def __init__(self, config: IcsCalendar, *, timeout: float) -> None:
        self.name = config.name
        self.config = config
        self.timeout = timeout

    def sync(self, cursor: str | None, window: Window) -> Changes:
        if self.config.url is not None:
            return self._sync_url(self.config.url, cursor, window)
        assert self.config.path is not None  # the settings require one of path or url
        return self._sync_path(self.config.path.expanduser(), cursor, window)

    def describe(self) -> Sequence[str]:
        """What a sync would read (the same listing, reading and checks), all of it: no
        window, no relevance test. What a sync would skip is listed as skipped."""
        if self.config.url is not None:
            text, _ = self._fetch(self.config.url, {})
            head, texts = self.config.url + ":", [(self.config.url, text or b"")]
            problems: list[Problem] = []
        else:
            path = self.config.path.expanduser() if self.config.path else Path()
            listing = folder.read(path, self.name)
            head = f"{path}: {len(listing.files)} .ics files,"
            texts, problems = listing.texts, listing.problems
        parsed, _ = folder.one_master_each(ical.parse(texts))
        skipped = said.once(problems + parsed.problems)
        more = [f"  … and {len(skipped) - 10} more"] if len(skipped) > 10 else []
        lines = [f"{head} {len(parsed.components)} events"]
        return lines + [f"  {problem.done}: {problem}" for problem in skipped[:10]] + more

    def _sync_path(self, path: Path, cursor: str | None, window: Window) -> Changes:
        files, unlisted = folder.files(path, self.name)
        fingerprint = _fingerprint(files, window)
        previous = _path_state(cursor)
        if previous.get("files") == fingerprint:
            return Changes(changed=(), cursor=cursor, complete=False)
        listing = folder.read_files(files, unlisted, max_size=window.max_file_size)
        changes = self._changes(
            listing.texts,
            window,
            {"files": fingerprint, "uids": _known(previous)},
            _calendar_name(path),
            listing.problems,
        )
        return changes if listing.complete else replace(changes, complete=False)

    def _sync_url(self, url: str, cursor: str | None, window: Window) -> Changes:
        previous = _url_state(cursor)
        known = _known(_path_state(cursor))
        if previous.get("window") != _window_key(window):
            previous = {}  # a new window needs the whole calendar again, not a 304
        text, headers = self._fetch(url, previous)
        if text is None:
            return Changes(changed=(), cursor=cursor, complete=False)
        state = {**headers, "window": _window_key(window), "uids": known}
        return self._changes([(url, text)], window, state, url, [])

    def _changes(
        self,
        texts: list[tuple[str, bytes]],
        window: Window,
        state: Mapping[str, object],
        calendar: str,
        problems: list[Problem],
    ) -> Changes:
        """What the texts hold. A text that could not be read leaves the listing incomplete
        (what it held is unknown, so nothing missing from it is taken as removed), and a series
        that could not be expanded is unreadable: its stored plans stand. The cursor keeps the
        UIDs that mentioned a term (`state["uids"]` holds the last sync's, read again now)."""
        found = split.relevant(texts, window.mentions, known=frozenset(_known(state)))
        parsed, doubtful = folder.one_master_each(found.parsed)
        expanded = ical.instances(parsed, window, source=self.name, calendar=calendar)
        return Changes(
            changed=expanded.resources(),
            cursor=json.dumps({**state, "uids": sorted(found.mentioned)}),
            complete=not parsed.unread,
            problems=tuple(problems + expanded.problems),
            unreadable=tuple(expanded.skipped + doubtful),
        )

    def _fetch(self, url: str, previous: dict[str, str]) -> tuple[bytes | None, dict[str, str]]:
        """The calendar at `url`, or None when the server says it has not changed."""
        request = urllib.request.Request(url, headers={"User-Agent": "nudger"})  # noqa: S310
        if previous.get("etag"):
            request.add_header("If-None-Match", previous["etag"])
        if previous.get("last_modified"):
            request.add_header("If-Modified-Since", previous["last_modified"])
        context = ssl.create_default_context()
        if not self.config.verify_tls:  # the user turned checking off for this calendar
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        host = urllib.parse.urlparse(url).netloc
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=context) as answer:  # noqa: S310
                body = answer.read()
                headers = {
                    key: value
                    for key, value in (
                        ("etag", answer.headers.get("ETag")),
                        ("last_modified", answer.headers.get("Last-Modified")),
                    )
                    if value
                }
                return body, headers
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return None, previous
            retry = error.code >= 500 or error.code == 429
            raise SourceError(
                f"{host} answered {error.code} {error.reason} for the calendar", retry=retry
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SourceError(f"cannot reach {host}: {reason}", retry=True) from None


def _fingerprint(files: Sequence[Path], window: Window) -> str:
    """Changes when a file is added, removed or rewritten, the window moves to a new day, or
    the terms that make a file worth reading change."""
    digest = hashlib.sha256(_window_key(window).encode())
    digest.update(f"max {window.max_file_size}\n".encode())  # a raised cap reads them again
    for file in files:
        try:
            status = file.stat()
        except OSError:
            continue
        digest.update(f"{file}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _window_key(window: Window) -> str:
    """The days read and the terms a file had to mention to be read (`Window.mentions`)."""
    return f"{window.start.date()}..{window.end.date()}" + (
        f" {ical.mentions_key(window.mentions)}" if window.mentions else ""
    )


def _calendar_name(path: Path) -> str:
    """A vdir collection may carry its display name in a `displayname` file."""
    label = path / "displayname"
    if label.is_file():
        return label.read_text(encoding="utf-8", errors="replace").strip() or path.name
    return path.name


def _url_state(cursor: str | None) -> dict[str, str]:
    """The validators and window a cursor holds; none at all for a cursor that is not ours
    (an older format, a damaged state row), which costs one whole fetch, never a failed sync."""
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    if not isinstance(state, dict):
        return {}
    return {str(key): value for key, value in state.items() if isinstance(value, str)}


def _path_state(cursor: str | None) -> dict[str, object]:
    """What a cursor holds (a folder's fingerprint, the UIDs read last time); nothing for one
    that is not ours (a bare fingerprint of an older nudger): that costs one whole read."""
    try:
        state = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def _known(state: Mapping[str, object]) -> list[str]:
    """The UIDs a cursor says mentioned a term at the last sync."""
    uids = state.get("uids")
    return [uid for uid in uids if isinstance(uid, str)] if isinstance(uids, list) else []
