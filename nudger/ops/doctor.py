"""Is everything nudger needs in place? Each check says what it found and, when it fails, the fix.

A check is one small function: it gathers what it needs (a file, a probe, a `systemctl` call)
and hands it to a pure decision that returns a `Check`. Nothing here changes anything: the log
is opened read-only, no folder or file is created, the service is only asked about. What cannot
apply (no calendar configured, no systemd user manager) is said as such, not as a failure.

`probe_calendar` is shared with `nudger calendars test`, so both say the same about a source.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nudger.config import paths
from nudger.errors import ConfigError, NudgerError

if TYPE_CHECKING:
    from nudger.config.settings import Settings
    from nudger.ports import CalendarSource

APP_NAME = "nudger"
SYSTEMCTL_QUERY_TIMEOUT_SECONDS = 10
CONFIG_FIX = "edit the file, or change one value with: nudger config set KEY VALUE (checked first)"
NEEDS_CONFIG = "not checked: the config is not valid"
SERVICE_INSTALL = "nudger service install"


class Status(StrEnum):
    OK = "ok"
    FAILED = "failed"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing checked: what was found (`detail`) and, for a failure, what to do (`fix`)."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    @property
    def ok(self) -> bool | None:
        """True or False; None when the check does not apply here."""
        return None if self.status is Status.NOT_APPLICABLE else self.status is Status.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "status": self.status.value,
            "detail": self.detail,
            "fix": self.fix,
        }


def passed(name: str, detail: str) -> Check:
    return Check(name, Status.OK, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, Status.FAILED, detail, fix)


def not_applicable(name: str, detail: str, fix: str | None = None) -> Check:
    return Check(name, Status.NOT_APPLICABLE, detail, fix)


def run_checks(config_option: Path | None, data_dir: Path) -> list[Check]:
    """Every check, in the order a user would fix them."""
    config, settings = config_check(config_option)
    checks = [config, data_folder_check(data_dir), log_check(data_dir / paths.LOG_FILE_NAME)]
    if settings is None:
        checks += [
            not_applicable(name, NEEDS_CONFIG)
            for name in ("calendars", "notifications", "time zone")
        ]
    else:
        checks += calendar_checks(settings, data_dir)
        checks += notification_checks(settings)
    service = read_service_facts()
    checks += [service_verdict(service), daemon_check(data_dir, service)]
    if settings is not None:
        checks.append(timezone_check(settings.me.timezone))
    return checks


# --- the config -------------------------------------------------------------------------------


def config_check(config_option: Path | None) -> tuple[Check, Settings | None]:
    """The whole file validated, as every command but the queries would; its error text as is."""
    from nudger.config import file as config_file

    try:
        loaded = config_file.load(config_option)
    except ConfigError as error:
        return failed("config", error.message, error.hint or CONFIG_FIX), None
    settings = loaded.settings
    if not loaded.exists:
        detail = f"no file at {loaded.path}: the defaults apply (nudger init writes a starter)"
        return passed("config", detail), settings
    tracked = sum(person.tracked for person in settings.people)
    detail = (
        f"{loaded.path} is valid ({_count(tracked, 'person tracked', 'people tracked')}, "
        f"{_count(len(settings.calendars), 'calendar', 'calendars')})"
    )
    return passed("config", detail), settings


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- the data folder and the log --------------------------------------------------------------


def data_folder_check(folder: Path) -> Check:
    existing = _nearest_existing(folder)
    return data_folder_verdict(
        folder,
        exists=existing == folder,
        is_folder=existing.is_dir(),
        writable=os.access(existing, os.W_OK | os.X_OK),
        nearest=existing,
    )


def data_folder_verdict(
    folder: Path, *, exists: bool, is_folder: bool, writable: bool, nearest: Path
) -> Check:
    moved = "or point NUDGER_DATA_DIR at a folder you can write"
    if not is_folder:
        return failed("data folder", f"{nearest} is not a folder", f"move that file away, {moved}")
    if not writable:
        return failed(
            "data folder",
            f"{nearest} is not writable by you",
            f"make it yours: chmod u+rwx {nearest} (or chown), {moved}",
        )
    if not exists:
        return passed("data folder", f"{folder} does not exist yet; it is created at first use")
    return passed("data folder", f"{folder} is writable")


def _nearest_existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (where a missing folder would be created)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


@dataclass(frozen=True, slots=True)
class LogFacts:
    exists: bool
    version: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None


def log_check(path: Path) -> Check:
    return log_verdict(path, read_log_facts(path))


def read_log_facts(path: Path) -> LogFacts:
    """The log's schema version and integrity, without migrating it or creating a file.

    Opened as every command opens it (read-write, so that closing the last connection cleans
    up the -wal and -shm files as usual; a read-only one would leave them behind), but written
    to by nothing here."""
    from nudger.log.store import Store

    if not path.exists():
        return LogFacts(exists=False)
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as error:
        return LogFacts(exists=True, error=str(error))
    store = Store(connection, path)
    try:
        version = store.schema_version()
        problems = tuple(store.integrity_problems())
    except sqlite3.Error as error:
        return LogFacts(exists=True, error=str(error))
    finally:
        store.close()
    return LogFacts(exists=True, version=version, problems=problems)


def log_verdict(path: Path, facts: LogFacts) -> Check:
    from nudger.log.migrations import MIGRATIONS

    known = len(MIGRATIONS)
    aside = f"move it aside (mv {path} {path}.broken) and nudger starts a new one"
    if not facts.exists:
        return passed("log", f"{path} does not exist yet; it is created at first use")
    if facts.error is not None:
        said = "is damaged" if "malformed" in facts.error else "cannot be read"
        return failed(
            "log", f"{path} {said}: {facts.error}", f"restore it from a backup, or {aside}"
        )
    if facts.problems:
        shown = "; ".join(facts.problems[:3]) + (" …" if len(facts.problems) > 3 else "")
        return failed(
            "log",
            f"{path} is damaged: {shown}",
            f"restore it from a backup; or export what is readable (nudger export --out FILE) "
            f"and {aside}",
        )
    if facts.version > known:
        return failed(
            "log",
            f"{path} was written by a newer nudger (schema {facts.version}; this one knows "
            f"{known})",
            "upgrade nudger",
        )
    if facts.version < known:
        return passed(
            "log",
            f"{path} is healthy (schema {facts.version}; the next command that writes it "
            f"upgrades it to {known})",
        )
    return passed("log", f"{path} is healthy (schema {known})")


# --- calendars --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarProbe:
    """What connecting to one calendar source found: its lines, or the error and the remedy."""

    name: str
    ok: bool
    lines: tuple[str, ...] = ()
    message: str = ""
    remedy: str | None = None
    retry: bool = False  # trying again later may help (the server is down or slow)


def probe_calendar(name: str, make: Callable[[], CalendarSource]) -> CalendarProbe:
    """Create the source and let it describe what it finds; a `SourceError` (an unreachable
    server, a refused password, a revoked grant) comes back with the adapter's remedy."""
    from nudger.ports import SourceError

    try:
        return CalendarProbe(name, True, lines=tuple(make().describe()))
    except SourceError as error:
        return CalendarProbe(
            name, False, message=error.message, remedy=error.remedy, retry=error.retry
        )


def calendar_checks(settings: Settings, data_dir: Path) -> list[Check]:
    """One check per enabled calendar, probed at the same time (each waits at most the sync
    timeout); a paused one is shown as such."""
    from concurrent.futures import ThreadPoolExecutor

    from nudger.sync.calendars import factories

    if not settings.calendars:
        return [
            not_applicable(
                "calendars",
                "none configured",
                "add one: nudger calendars add NAME --type ics --path FOLDER",
            )
        ]
    sources = factories(settings, data_dir)
    with ThreadPoolExecutor(max_workers=min(8, len(sources) or 1)) as pool:
        probes = dict(
            zip(
                [name for name, _ in sources],
                pool.map(lambda source: _probe_safely(*source), sources),
                strict=True,
            )
        )
    checks = []
    for config in settings.calendars:
        probe = probes.get(config.name)
        if probe is None:
            checks.append(
                not_applicable(
                    f"calendar {config.name}",
                    "paused (enabled = false)",
                    f"resume it: nudger config set calendars.{config.name}.enabled true",
                )
            )
        else:
            checks.append(calendar_verdict(probe))
    return checks


def _probe_safely(name: str, make: Callable[[], CalendarSource]) -> CalendarProbe:
    """`probe_calendar`, with an adapter's bug as that calendar's failure, not doctor's."""
    try:
        return probe_calendar(name, make)
    except Exception as error:
        return CalendarProbe(
            name,
            False,
            message=f"unexpected {type(error).__name__}: {error}",
            remedy=f"see where it happens: nudger -v calendars test {name}",
        )


def calendar_verdict(probe: CalendarProbe) -> Check:
    name = f"calendar {probe.name}"
    if probe.ok:
        return passed(name, "; ".join(line.strip() for line in probe.lines) or "reachable")
    settings = f"nudger config get calendars.{probe.name}"
    if probe.remedy:
        fix = probe.remedy
    elif probe.retry:
        fix = f"if the server is up and reachable from here, check its address: {settings}"
    else:
        fix = f"check its settings: {settings}"
    return failed(name, probe.message, fix)


# --- notifications ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What probing the notifier found: nothing wrong, or the reason and whether the session
    bus itself (rather than the notification server on it) was what failed."""

    problem: str | None = None
    bus_failed: bool = False


def notification_checks(settings: Settings) -> list[Check]:
    """The session bus and a notification server, for the desktop backend; another backend
    only has to answer its own probe."""
    section = settings.notifications
    backend, fallback = section.backend, section.fallback
    if backend != "desktop":
        return [notifier_verdict(backend, fallback, _probe(backend))]
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    if not address and not os.environ.get("DISPLAY"):
        return [
            failed(
                "session bus",
                "no session D-Bus: DBUS_SESSION_BUS_ADDRESS is not set",
                "run nudger in your desktop session (a terminal there, or its autostart); the "
                "systemd user service gets it from the user manager. Meanwhile nudges go to the "
                f"{fallback} fallback",
            ),
            not_applicable("notification server", "not checked: no session bus"),
        ]
    outcome = _probe(backend)
    return [bus_verdict(address, outcome, fallback), notifier_verdict(backend, fallback, outcome)]


def _probe(backend: str) -> ProbeOutcome:
    """Create the notifier and ask it once (the desktop one waits at most its own timeout)."""
    import asyncio

    from nudger import adapters
    from nudger.ports import Notifier, NotifierUnavailable

    try:
        create = adapters.load(adapters.NOTIFIERS, backend)
    except NudgerError as error:
        return ProbeOutcome(f"{error.message} ({error.hint})" if error.hint else error.message)

    async def ask() -> None:
        notifier: Notifier = create(APP_NAME)  # type: ignore[operator]
        try:
            await notifier.probe()
        finally:
            await notifier.close()

    try:
        asyncio.run(ask())
    except NotifierUnavailable as error:
        return ProbeOutcome(str(error), bus_failed=_bus_failed(error.__cause__))
    return ProbeOutcome()


def _bus_failed(cause: BaseException | None) -> bool:
    """Whether the notifier could not reach the bus at all: a bad address or a refused
    authentication (ValueErrors in dbus-fast), or a socket that is not there; a timeout or an
    error answered on the bus is about the server."""
    if isinstance(cause, TimeoutError):
        return False
    return isinstance(cause, OSError | ValueError)


def bus_verdict(address: str, outcome: ProbeOutcome, fallback: str) -> Check:
    if outcome.problem is not None and outcome.bus_failed:
        return failed(
            "session bus",
            outcome.problem,
            "run nudger in your desktop session, where DBUS_SESSION_BUS_ADDRESS names a bus that "
            f"runs; meanwhile nudges go to the {fallback} fallback",
        )
    return passed("session bus", f"reachable at {address or 'the address DISPLAY gives'}")


def notifier_verdict(backend: str, fallback: str, outcome: ProbeOutcome) -> Check:
    name = "notification server" if backend == "desktop" else "notifications"
    if outcome.problem is None:
        said = "answers: nudges appear as desktop notifications" if backend == "desktop" else ""
        return passed(name, said or f"the {backend} notifier works")
    if outcome.bus_failed:
        return not_applicable(name, "not checked: the session bus cannot be reached")
    if backend == "desktop":
        return failed(
            name,
            outcome.problem,
            "start your desktop's notification server (on a bare window manager: dunst or "
            f'mako), or set notifications.backend = "console"; meanwhile nudges go to the '
            f"{fallback} fallback",
        )
    return failed(
        name,
        outcome.problem,
        f'set notifications.backend to one installed ("desktop" or "console"); meanwhile '
        f"nudges go to the {fallback} fallback",
    )


# --- the service and the daemon ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    manager: bool
    unit: Path
    installed: bool = False
    enabled: str = ""  # what `systemctl --user is-enabled` said
    active: str = ""  # what `systemctl --user is-active` said


def read_service_facts() -> ServiceFacts:
    from nudger.ops import service

    unit = service.unit_folder() / service.UNIT_NAME
    if not service.user_manager_running():
        return ServiceFacts(manager=False, unit=unit)
    return ServiceFacts(
        manager=True,
        unit=unit,
        installed=unit.is_file(),
        enabled=_systemctl_says("is-enabled", service.UNIT_NAME),
        active=_systemctl_says("is-active", service.UNIT_NAME),
    )


def _systemctl_says(*arguments: str) -> str:
    """The first line `systemctl --user ARGUMENTS` printed, or why it could not say."""
    import subprocess

    from nudger.ops import service

    try:
        done = subprocess.run(
            service.systemctl_argv(*arguments),
            capture_output=True,
            text=True,
            timeout=SYSTEMCTL_QUERY_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {SYSTEMCTL_QUERY_TIMEOUT_SECONDS} s"
    except OSError as error:
        return f"cannot run systemctl ({error.strerror or error})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else f"exit {done.returncode}"


def service_verdict(facts: ServiceFacts) -> Check:
    name = "service"
    if not facts.manager:
        return not_applicable(
            name,
            "no systemd user manager runs here (systemctl --user cannot reach one)",
            "run the daemon yourself: nudger daemon (in a terminal, or from your "
            "desktop's autostart)",
        )
    if not facts.installed:
        return failed(
            name,
            f"the user unit is not installed ({facts.unit} is missing)",
            "nudger service install",
        )
    if facts.enabled != "enabled":
        return failed(
            name,
            f"installed but not enabled (is-enabled: {facts.enabled})",
            "systemctl --user enable --now nudger.service",
        )
    if facts.active != "active":
        return failed(
            name,
            f"enabled but not running (is-active: {facts.active})",
            "systemctl --user restart nudger.service; if it stops again, see why: "
            "journalctl --user -u nudger",
        )
    return passed(name, f"{facts.unit} is installed, enabled and running")


def daemon_check(data_dir: Path, service: ServiceFacts) -> Check:
    from nudger.daemon import heartbeat, wake

    running = wake.running(data_dir)
    return daemon_verdict(running, heartbeat.read(data_dir) if running else None, service)


def daemon_verdict(running: bool, state: dict[str, Any] | None, service: ServiceFacts) -> Check:
    if running:
        if not state:
            return passed("daemon", "running (starting up)")
        via = state.get("notifier") or "nothing"
        return passed("daemon", f"running (pid {state.get('pid')}), notifying via {via}")
    stopped = "not running: nothing syncs and no nudge is shown"
    if not service.manager:
        return failed("daemon", stopped, "start it: nudger daemon")
    if service.active == "active":
        return failed(
            "daemon",
            "the service runs, but not with this data folder",
            "the service uses ~/.local/share/nudger: unset NUDGER_DATA_DIR here, or give the "
            "service the same one (systemctl --user edit nudger.service)",
        )
    return failed("daemon", stopped, "see the service check above (or run: nudger daemon)")


# --- the time zone ----------------------------------------------------------------------------


def timezone_check(configured: str) -> Check:
    from nudger.config.settings_core import SYSTEM_TIMEZONE

    if configured != SYSTEM_TIMEZONE:
        return timezone_verdict(configured, None, None)
    system, problem = _system_zone()
    return timezone_verdict(configured, system, problem)


def _system_zone() -> tuple[str | None, str | None]:
    """The machine's zone name, as nudger would find it (tzlocal), or why there is none."""
    import warnings
    from zoneinfo import ZoneInfo

    import tzlocal

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tzlocal warns, then falls back to UTC
            name: str | None = tzlocal.get_localzone_name()  # None when nothing names one
        if name is None:
            return None, "the system names no time zone (no TZ, /etc/timezone or /etc/localtime)"
        ZoneInfo(name)
    except Exception as error:  # tzlocal raises its own, zoneinfo its own, for a bad name
        return None, f"the system's time zone is not usable ({error})"
    return name, None


def timezone_verdict(configured: str, system: str | None, problem: str | None) -> Check:
    from nudger.config.settings_core import SYSTEM_TIMEZONE

    if configured != SYSTEM_TIMEZONE:
        return passed("time zone", f"{configured} (me.timezone)")
    if system is None:
        return failed(
            "time zone",
            f"{problem}; nudger falls back to UTC, so local times would be off",
            "name yours: nudger config set me.timezone Europe/Berlin (an IANA name), or set "
            "the system's: timedatectl set-timezone Europe/Berlin",
        )
    return passed("time zone", f"{system} (the system's; me.timezone = {SYSTEM_TIMEZONE!r})")


def failures(checks: Sequence[Check]) -> list[Check]:
    return [check for check in checks if check.status is Status.FAILED]
