"""`doctor`'s checks of what keeps nudger running: the systemd user service and the daemon
for this data folder (its wake socket and heartbeat). The service is only asked about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nudger.ops.check import Check, failed, not_applicable, passed

SYSTEMCTL_QUERY_TIMEOUT_SECONDS = 10


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
