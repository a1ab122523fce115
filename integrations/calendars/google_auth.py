"""Signing in to Google once (`nudger auth google`) and keeping the grant private.

This module owns the OAuth loopback flow for an installed app; the grant is written with
`nudger.private_file.write_private` (0600 in a 0700 folder, replaced atomically), so neither a
crash nor another user ever sees a half-written or readable token. The OAuth libraries are
imported only inside `authorize`, so importing this module costs the daemon nothing. It never
prints or logs a token.
"""

from __future__ import annotations

import socket
from pathlib import Path

from nudger.config.calendars import GoogleCalendar
from nudger.errors import NudgerError
from nudger.private_file import write_private

SCOPES = ["https://www.googleapis.com/auth/calendar.readonly"]
AUTH_REMEDY = "run: nudger auth google"


def token_path(name: str, token_file: Path | None, data_dir: Path) -> Path:
    """Where the grant of the Google calendar `name` is kept (unset: in the data folder)."""
    return token_file.expanduser() if token_file else data_dir / f"google-token-{name}.json"


def authorize_source(
    config: GoogleCalendar, *, data_dir: Path, open_browser: bool, port: int = 0
) -> Path:
    """`nudger auth google` for one configured Google calendar (the `nudger.auth` entry point)."""
    if config.client_secrets is None:
        raise NudgerError(
            f"calendar {config.name} has no client_secrets file",
            hint=f"nudger config set calendars.{config.name}.client_secrets ~/client_secret.json",
        )
    return authorize(
        config.client_secrets.expanduser(),
        token_path(config.name, config.token_file, data_dir),
        open_browser=open_browser,
        port=port,
    )


def authorize(
    client_secrets: Path,
    token_file: Path,
    *,
    open_browser: bool,
    port: int = 0,
    timeout_seconds: int = 300,
) -> Path:
    """Run Google's consent page through a one-shot server on localhost, store the grant.

    Without a browser here (`open_browser=False`, or none is installed) the address is printed
    to be opened elsewhere, with the `ssh -L` line that brings the answer back to this machine.
    """
    import webbrowser

    from google_auth_oauthlib.flow import (  # type: ignore[import-untyped]
        InstalledAppFlow,
        WSGITimeoutError,
    )
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error  # type: ignore[import-untyped]

    if open_browser:
        try:
            webbrowser.get()
        except webbrowser.Error:
            open_browser = False  # a headless machine: print the address instead of failing
    if port == 0 and not open_browser:
        port = _free_port()  # known in advance, so that the ssh line can name it
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=SCOPES)
    except FileNotFoundError:
        raise NudgerError(
            f"{client_secrets} does not exist",
            hint="download the OAuth client (type: Desktop app) from the Google Cloud console",
        ) from None
    except ValueError as error:
        raise NudgerError(
            f"{client_secrets} is not an OAuth client file ({error})",
            hint="download the OAuth client of type Desktop app, not a service account key",
        ) from None
    try:
        credentials = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            timeout_seconds=timeout_seconds,
            authorization_prompt_message=prompt(open_browser, port, timeout_seconds),
        )
    except WSGITimeoutError:
        raise NudgerError(
            f"no answer from Google's sign-in page within {timeout_seconds} seconds",
            hint="run the command again and open the address it prints",
        ) from None
    except OAuth2Error as error:
        raise NudgerError(
            f"Google did not grant access ({error.error})", hint="run the command again"
        ) from None
    except OSError as error:
        raise NudgerError(
            f"cannot listen on localhost:{port} for Google's answer ({error.strerror})",
            hint="choose another port with --port",
        ) from None
    write_private(token_file, credentials.to_json())
    return token_file


def prompt(open_browser: bool, port: int, timeout_seconds: int) -> str:
    """The instructions printed with the address; `{url}` is filled in by the flow."""
    if open_browser:
        return (
            "Your browser should now show Google's sign-in page. If it does not, open this "
            "address in a browser on this machine:\n\n    {url}\n"
        )
    return (
        "Open this address in a browser and agree to let nudger read your calendars:\n\n"
        "    {url}\n\n"
        f"Google then sends the browser to http://localhost:{port}/ on this machine. If the "
        "browser runs on another computer, first forward that port from it:\n\n"
        f"    ssh -L {port}:localhost:{port} THIS-MACHINE\n\n"
        f"Waiting up to {timeout_seconds} seconds..."
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
