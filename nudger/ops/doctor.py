"""Is everything nudger needs in place? Each check says what it found and, when it fails, the fix.

This module runs the checks, in the order a user would fix them; the checks live in modules
grouped by what they look at: `config_checks` (the config file, the data folder, the time
zone), `log_checks`, `calendar_checks`, `address_checks` (which invitations are mine?),
`notifier_checks` and `service_checks` (the systemd service and the daemon). Each is a small
function that gathers what it needs (a file, a probe, a `systemctl` call) and hands it to a
pure decision that returns a `Check`. Nothing here changes
anything: the log is opened without migrating it, no folder or file is created, the service is
only asked about. What cannot apply (no calendar configured, no systemd user manager) is said as
such, not as a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nudger.config import paths
from nudger.ops.address_checks import address_check
from nudger.ops.calendar_checks import calendar_checks
from nudger.ops.channels import channel_checks
from nudger.ops.check import Check, Status, not_applicable
from nudger.ops.config_checks import (
    config_check,
    data_folder_check,
    imports_folder_check,
    timezone_check,
)
from nudger.ops.log_checks import log_check
from nudger.ops.notifier_checks import notification_checks
from nudger.ops.service_checks import daemon_check, read_service_facts, service_verdict

__all__ = ["Check", "failures", "run_checks"]

NEEDS_CONFIG = "not checked: the config is not valid"


def run_checks(config_option: Path | None, data_dir: Path) -> list[Check]:
    """Every check, in the order a user would fix them."""
    config, settings = config_check(config_option)
    checks = [config, data_folder_check(data_dir), log_check(data_dir / paths.LOG_FILE_NAME)]
    if settings is None:
        checks += [
            not_applicable(name, NEEDS_CONFIG)
            for name in ("calendars", "my addresses", "notifications", "time zone")
        ]
    else:
        checks += calendar_checks(settings, data_dir)
        checks.append(address_check(settings, data_dir / paths.LOG_FILE_NAME))
        checks += notification_checks(settings) + channel_checks(settings)
        if (folder := imports_folder_check(settings)) is not None:
            checks.append(folder)
    service = read_service_facts()
    checks += [service_verdict(service), daemon_check(data_dir, service)]
    if settings is not None:
        checks.append(timezone_check(settings.me.timezone))
    return checks


def failures(checks: Sequence[Check]) -> list[Check]:
    """The checks that failed (not those that do not apply): any of them makes `doctor` exit 1."""
    return [check for check in checks if check.status is Status.FAILED]
