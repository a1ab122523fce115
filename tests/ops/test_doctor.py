"""`nudger doctor`: all ✓ on a healthy setup, and each failure named with its fix.

Real parts where they are cheap: an ICS folder, a private D-Bus with a notification server on it
(tests/dbus_session.py), a closed port for an unreachable CalDAV server, the fake Google for a
revoked grant, a log file overwritten with garbage. A systemd user manager cannot run here, so
`systemctl` is a fake first on PATH (as in tests/ops/test_service.py) that answers
`show-environment`, `is-enabled` and `is-active` as a test tells it; and the daemon's "running"
is its bound socket (`nudger.daemon.wake`), which is what doctor and `status` look at.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nudger.core.model import NewEntry, Who
from nudger.daemon import wake
from nudger.log.health import LogFacts
from nudger.log.store import Store
from nudger.ops import config_checks, log_checks, service_checks
from nudger.ops.check import Status
from nudger.ops.notifier_checks import ProbeOutcome, notifier_verdict
from nudger.ops.service_checks import ServiceFacts
from nudger.private_file import write_private
from tests.conftest import RunCli
from tests.dbus_session import SessionBus
from tests.google_server import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle

FAKE_SYSTEMCTL = """#!/bin/sh
# A user manager as the test sets it: FAKE_NO_MANAGER, FAKE_ENABLED, FAKE_ACTIVE.
case "$2" in
    show-environment)
        if [ -n "$FAKE_NO_MANAGER" ]; then echo "Failed to connect to bus" >&2; exit 1; fi
        echo "HOME=$HOME";;
    is-enabled) echo "${FAKE_ENABLED:-enabled}"; [ "${FAKE_ENABLED:-enabled}" = enabled ];;
    is-active) echo "${FAKE_ACTIVE:-active}"; [ "${FAKE_ACTIVE:-active}" = active ];;
    *) exit 1;;
esac
"""
LONG_AGO = "2000-01-01T00:00:00Z"


@pytest.fixture(autouse=True)
def systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake systemctl first on PATH (a manager runs, the unit is enabled and active), and
    no route to the developer's own session."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    script = folder / "systemctl"
    script.write_text(FAKE_SYSTEMCTL, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "FAKE_NO_MANAGER"):
        monkeypatch.delenv(name, raising=False)


def install_unit(home: Path) -> Path:
    """The user unit, where `nudger service install` writes it."""
    path = home / ".config" / "systemd" / "user" / "nudger.service"
    path.parent.mkdir(parents=True)
    path.write_text("[Service]\nExecStart=nudger daemon\n", encoding="utf-8")
    return path


@pytest.fixture
def unit(home: Path) -> Path:
    return install_unit(home)


@pytest.fixture
def daemon_running(home: Path) -> Iterator[None]:
    """A daemon for the test's data folder, as doctor sees one: its socket and its heartbeat."""
    data = home / ".local" / "share" / "nudger"
    data.mkdir(parents=True, exist_ok=True)
    bound = wake.listen(data)
    assert bound is not None
    (data / "daemon.json").write_text(
        json.dumps({"pid": os.getpid(), "notifier": "desktop"}), encoding="utf-8"
    )
    yield
    bound.close()


@pytest.fixture
def configure(write_config: Callable[[str], Path], tmp_path: Path) -> Callable[..., Path]:
    """A config with Alex, an ICS folder calendar and desktop notifications, plus `extra`."""
    folder = tmp_path / "calendar"
    folder.mkdir(exist_ok=True)
    (folder / "dinner.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:d1\r\n"
        "DTSTAMP:20260301T180000Z\r\nDTSTART:20260301T180000Z\r\nSUMMARY:Dinner with Alex\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )

    def write(extra: str = "", zone: str = "Europe/Berlin") -> Path:
        return write_config(
            f"""\
            [me]
            timezone = "{zone}"
            emails = ["sam@example.org"]

            [[people]]
            name = "Alex"
            kind = "partner"

            [notifications]
            backend = "desktop"

            [[calendars]]
            name = "home"
            type = "ics"
            path = "{folder}"
            """
            + extra
        )

    return write


def lines(output: str) -> dict[str, str]:
    """Each check's line (without its mark) and the lines under it, by the check's name."""
    found: dict[str, str] = {}
    name = ""
    for line in output.splitlines():
        if line.startswith(("✓ ", "✗ ", "· ")):
            name = line[2:].split(":", 1)[0]
            found[name] = line
        else:
            found[name] += "\n" + line
    return found


HEALTHY_NAMES = [
    "config",
    "data folder",
    "log",
    "calendar home",
    "my addresses",
    "session bus",
    "notification server",
    "service",
    "daemon",
    "time zone",
]


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
def test_a_healthy_setup_is_all_ticks(cli: RunCli, configure: Callable[..., Path]) -> None:
    configure()
    assert cli("log", "message", "-p", "Alex", "--by", "me").code == 0  # the log exists
    result = cli("doctor")
    assert result.code == 0, result.out + result.err
    checks = lines(result.out)
    assert list(checks) == HEALTHY_NAMES
    assert all(line.startswith("✓ ") for line in checks.values()), result.out
    assert "1 .ics files, 1 events" in checks["calendar home"]
    assert "healthy (schema" in checks["log"]
    assert "installed, enabled and running" in checks["service"]
    assert "Europe/Berlin" in checks["time zone"]
    assert "fix:" not in result.out


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
def test_json_lists_every_check_with_its_fix(
    cli: RunCli, configure: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    configure()
    healthy = cli("doctor", "--json")
    assert healthy.code == 0
    checks: list[dict[str, Any]] = json.loads(healthy.out)
    assert [c["name"] for c in checks] == HEALTHY_NAMES
    assert all(set(c) == {"name", "ok", "status", "detail", "fix"} for c in checks)
    assert all(c["ok"] is True and c["status"] == "ok" and c["fix"] is None for c in checks)

    monkeypatch.setenv("FAKE_ACTIVE", "failed")
    failing = cli("doctor", "--json")
    assert failing.code == 1
    (service,) = [c for c in json.loads(failing.out) if c["name"] == "service"]
    assert service["ok"] is False and service["status"] == "failed"
    assert "is-active: failed" in service["detail"]
    assert service["fix"].startswith("systemctl --user restart nudger.service")


def test_a_broken_config_fails_with_the_config_message(
    cli: RunCli, configure: Callable[..., Path]
) -> None:
    path = configure("\n[balance]\none_sided = 1.5\n")
    result = cli("doctor")
    assert result.code == 1
    assert "Traceback" not in result.err
    checks = lines(result.out)
    assert checks["config"].startswith(f"✗ config: {path} is not valid:")
    assert "balance.one_sided = 1.5: Input should be less than or equal to 1" in checks["config"]
    assert "fix: `nudger config set KEY VALUE` checks a value" in checks["config"]
    for name in ("calendars", "my addresses", "notifications", "time zone"):
        assert checks[name] == f"· {name}: not checked: the config is not valid"


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
def test_an_unreachable_caldav_server(
    cli: RunCli, configure: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DAV_PASSWORD", "secret")
    configure(
        f"""
        [[calendars]]
        name = "work"
        type = "caldav"
        url = "http://127.0.0.1:{port}/"
        username = "sam"
        password_env = "DAV_PASSWORD"
        """
    )
    result = cli("doctor")
    assert result.code == 1
    checks = lines(result.out)
    assert checks["calendar home"].startswith("✓ ")
    assert checks["calendar work"].startswith(f"✗ calendar work: cannot reach 127.0.0.1:{port}")
    assert "fix: if the server is up and reachable from here" in checks["calendar work"]
    assert "nudger config get calendars.work" in checks["calendar work"]
    assert "secret" not in result.out


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
def test_a_revoked_google_grant_says_to_sign_in_again(
    cli: RunCli, configure: Callable[..., Path], tmp_path: Path
) -> None:
    google = FakeGoogle().start()
    try:
        google.add_calendar("primary", "Me")
        refresh, _ = google.grant()
        token_file = tmp_path / "grants" / "google.json"
        grant: dict[str, Any] = {"token": "ya29.old", "refresh_token": refresh}
        grant["expiry"] = LONG_AGO
        grant |= {"token_uri": google.token_uri, "client_id": CLIENT_ID, "scopes": [SCOPE]}
        write_private(token_file, json.dumps(grant | {"client_secret": CLIENT_SECRET}))
        google.revoke(refresh)
        configure(
            f"""
            [[calendars]]
            name = "google"
            type = "google"
            api_endpoint = "{google.api_endpoint}"
            token_file = "{token_file}"
            """
        )
        result = cli("doctor")
    finally:
        google.stop()
    assert result.code == 1
    checks = lines(result.out)
    assert "✗ calendar google: Google no longer accepts the sign-in" in checks["calendar google"]
    assert "fix: run: nudger auth google" in checks["calendar google"]
    assert refresh not in result.out


@pytest.mark.usefixtures("unit", "daemon_running")
def test_no_notification_server(
    cli: RunCli, configure: Callable[..., Path], session_bus: SessionBus
) -> None:
    configure()
    result = cli("doctor")
    assert result.code == 1
    checks = lines(result.out)
    assert checks["session bus"].startswith("✓ session bus: reachable at unix:path=")
    assert checks["notification server"].startswith(
        "✗ notification server: no notification server is running on the session D-Bus"
    )
    assert "fix: start your desktop's notification server" in checks["notification server"]
    assert 'notifications.backend = "console"' in checks["notification server"]


@pytest.mark.usefixtures("unit", "daemon_running")
def test_no_session_bus(cli: RunCli, configure: Callable[..., Path]) -> None:
    configure()
    result = cli("doctor")
    assert result.code == 1
    checks = lines(result.out)
    assert checks["session bus"].startswith("✗ session bus: no session D-Bus")
    assert "fix: run nudger in your desktop session" in checks["session bus"]
    assert checks["notification server"] == "· notification server: not checked: no session bus"


@pytest.mark.usefixtures("unit", "daemon_running")
def test_a_session_bus_that_is_gone(
    cli: RunCli, configure: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    configure()
    checks = lines(cli("doctor").out)
    assert checks["session bus"].startswith("✗ session bus: cannot reach the session D-Bus")
    assert checks["notification server"].startswith("· notification server: not checked")


def scribble_on_a_page(log_path: Path) -> str:
    """A real log with one of its pages half overwritten, as a bad disk block leaves it."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with Store.open(log_path) as store:
        store.append_many(
            (
                NewEntry(at + timedelta(minutes=n), "message", Who.ME, "test", f"k{n}", "Alex")
                for n in range(3000)
            ),
            now=at,
        )
    data = bytearray(log_path.read_bytes())
    middle = len(data) // 4096 // 2 * 4096
    # Three pages around the middle, so the damage reaches a page that reading trips on
    # whatever the schema's exact layout (an added table shifts which page is in the middle).
    for page in (middle - 4096, middle, middle + 4096):
        data[page + 100 : page + 400] = b"\xff" * 300
    log_path.write_bytes(bytes(data))
    return "is damaged: database disk image is malformed"


def not_a_database(log_path: Path) -> str:
    log_path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    return "cannot be read: file is not a database"


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
@pytest.mark.parametrize("corrupt", [not_a_database, scribble_on_a_page])
def test_a_corrupted_log(
    cli: RunCli, configure: Callable[..., Path], log_path: Path, corrupt: Callable[[Path], str]
) -> None:
    configure()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    said = corrupt(log_path)
    before = log_path.read_bytes()
    result = cli("doctor")
    assert result.code == 1
    checks = lines(result.out)
    assert checks["log"].startswith(f"✗ log: {log_path} {said}")
    assert f"fix: restore it from a backup, or move it aside (mv {log_path}" in checks["log"]
    assert log_path.read_bytes() == before  # doctor changed nothing


@pytest.mark.usefixtures("notification_server")
def test_without_a_user_manager_the_service_does_not_apply(
    cli: RunCli, configure: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NO_MANAGER", "1")
    configure()
    result = cli("doctor")
    checks = lines(result.out)
    assert checks["service"].startswith("· service: no systemd user manager runs here")
    assert "hint: run the daemon yourself: nudger daemon" in checks["service"]
    assert checks["daemon"].startswith("✗ daemon: not running")
    assert "fix: start it: nudger daemon" in checks["daemon"]
    assert result.code == 1  # the daemon, not the service


@pytest.mark.usefixtures("notification_server", "daemon_running")
def test_no_calendars_and_no_user_manager_are_not_failures(
    cli: RunCli, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NO_MANAGER", "1")
    write_config('[me]\ntimezone = "UTC"\n')
    result = cli("doctor")
    assert result.code == 0, result.out
    checks = lines(result.out)
    assert checks["calendars"].startswith("· calendars: none configured")
    assert "nudger calendars add" in checks["calendars"]
    assert checks["service"].startswith("· service:")


@pytest.mark.usefixtures("notification_server", "daemon_running")
@pytest.mark.parametrize(
    ("enabled", "active", "installed", "said", "fix"),
    [
        ("enabled", "active", False, "not installed", "fix: nudger service install"),
        ("disabled", "inactive", True, "is-enabled: disabled", "enable --now nudger.service"),
        ("enabled", "failed", True, "is-active: failed", "journalctl --user -u nudger"),
    ],
)
def test_the_service_not_installed_enabled_or_running(
    cli: RunCli,
    configure: Callable[..., Path],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    enabled: str,
    active: str,
    installed: bool,
    said: str,
    fix: str,
) -> None:
    monkeypatch.setenv("FAKE_ENABLED", enabled)
    monkeypatch.setenv("FAKE_ACTIVE", active)
    if installed:
        install_unit(home)
    configure()
    result = cli("doctor")
    assert result.code == 1
    service = lines(result.out)["service"]
    assert service.startswith("✗ service:") and said in service and fix in service


def test_doctor_writes_nothing(cli: RunCli, home: Path, configure: Callable[..., Path]) -> None:
    configure()
    before = sorted(str(p) for p in home.rglob("*"))
    cli("doctor")
    assert sorted(str(p) for p in home.rglob("*")) == before


# --- the decisions, with literal facts ------------------------------------------------------


def test_the_time_zone() -> None:
    assert config_checks.timezone_verdict("Europe/Berlin", None, None).status is Status.OK
    assert config_checks.timezone_verdict("system", "Europe/Paris", None).detail.startswith(
        "Europe/Paris (the system's"
    )
    lost = config_checks.timezone_verdict("system", None, "the system names no time zone")
    assert lost.status is Status.FAILED
    assert "falls back to UTC" in lost.detail
    assert "nudger config set me.timezone" in (lost.fix or "")


def test_the_system_zone_as_tzlocal_finds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: None)
    check = config_checks.timezone_check("system")
    assert check.status is Status.FAILED
    assert "names no time zone" in check.detail


def test_the_log_decisions(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    newer = log_checks.log_verdict(path, LogFacts(exists=True, version=99))
    assert newer.status is Status.FAILED and newer.fix == "upgrade nudger"
    older = log_checks.log_verdict(path, LogFacts(exists=True, version=1))
    assert older.status is Status.OK and "upgrades it" in older.detail
    damaged = log_checks.log_verdict(path, LogFacts(exists=True, version=2, problems=("a", "b")))
    assert damaged.status is Status.FAILED and "damaged: a; b" in damaged.detail
    assert log_checks.log_verdict(path, LogFacts(exists=False)).status is Status.OK


def test_the_data_folder_decisions(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    locked = config_checks.data_folder_verdict(
        folder, exists=True, is_folder=True, writable=False, nearest=folder
    )
    assert locked.status is Status.FAILED and f"chmod u+rwx {folder}" in (locked.fix or "")
    a_file = config_checks.data_folder_verdict(
        folder, exists=True, is_folder=False, writable=True, nearest=folder
    )
    assert a_file.status is Status.FAILED and "is not a folder" in a_file.detail
    later = config_checks.data_folder_verdict(
        folder, exists=False, is_folder=True, writable=True, nearest=tmp_path
    )
    assert later.status is Status.OK and "created at first use" in later.detail


def test_the_daemon_decisions(tmp_path: Path) -> None:
    unit_path = tmp_path / "nudger.service"
    elsewhere = ServiceFacts(True, unit_path, True, "enabled", "active")
    other_folder = service_checks.daemon_verdict(False, None, elsewhere)
    assert other_folder.status is Status.FAILED and "NUDGER_DATA_DIR" in (other_folder.fix or "")
    starting = service_checks.daemon_verdict(True, None, elsewhere)
    assert starting.status is Status.OK and "starting up" in starting.detail


def test_the_notifier_decisions() -> None:
    assert notifier_verdict("desktop", "console", ProbeOutcome()).ok is True
    missing = notifier_verdict("telegram", "console", ProbeOutcome("no adapter"))
    assert missing.name == "notifications" and missing.ok is False


@pytest.mark.usefixtures("notification_server", "unit", "daemon_running")
def test_a_configured_watched_folder_that_is_missing_fails_with_the_fix(
    cli: RunCli, configure: Callable[..., Path], tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    configure(f'\n[imports]\nfolder = "{folder}"\nevery = "10m"\n')
    result = cli("doctor")
    assert result.code == 1
    assert lines(result.out)["watched folder"] == (
        f"✗ watched folder: {folder} does not exist: nothing saved there can be imported"
        f"\n    fix: create it (mkdir -p {folder}), or change imports.folder"
    )
    folder.mkdir()
    result = cli("doctor")
    assert result.code == 0, result.out
    assert lines(result.out)["watched folder"] == f"✓ watched folder: {folder} is read every 10m"
