"""The watched folder (`imports.folder`) through `nudger daemon --once`: a chat export saved
there is imported once, exactly as `nudger import` would; a broken one is reported once and
tried again only when it changes; a file still being written waits for a later pass."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from nudger import clock
from tests.conftest import RunCli
from tests.imports.test_import_formats import CONFIG, balance, chat
from tests.integrations.imports import samples


@pytest.fixture(autouse=True)
def configured(write_config: Callable[[str], Path]) -> None:
    write_config(CONFIG)


@pytest.fixture
def folder(home: Path) -> Path:
    """The default watched folder: the data folder's imports/."""
    return home / ".local" / "share" / "nudger" / "imports"


def settled(path: Path) -> Path:
    """As if the file had been saved a minute ago (the pass waits for fresher ones)."""
    past = clock.now().timestamp() - 60
    os.utime(path, (past, past))
    return path


def once(cli: RunCli) -> list[str]:
    """`nudger daemon --once`: the lines of the folder's pass (there are no calendars)."""
    result = cli("daemon", "--once")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return [line for line in result.out.splitlines() if line.startswith("imports: ")]


def seen(log_path: Path) -> list[str]:
    with sqlite3.connect(log_path) as db:
        return [row[0] for row in db.execute("SELECT outcome FROM import_file ORDER BY at")]


def test_an_export_saved_in_the_folder_is_imported_once(
    cli: RunCli, folder: Path, log_path: Path
) -> None:
    path = settled(samples.whatsapp_export(folder, chat(me="Sam"), title="Alex"))
    assert once(cli) == [
        f"imports: {path.name} (whatsapp): added 3 (me 1, them 2; whatsapp 3), "
        "already known 0, skipped 0 lines"
    ]
    assert balance(cli)["message"] == {"me": 1, "them": 2, "unknown": 0}
    # The second pass does not read it again (reading would say "already known 3").
    assert once(cli) == []
    assert balance(cli)["message"] == {"me": 1, "them": 2, "unknown": 0}
    # The log keeps counts, not the file's name (it names the chat).
    assert seen(log_path) == ["ok: whatsapp: added 3, already known 0, skipped 0 lines"]
    with sqlite3.connect(log_path) as db:
        assert "Alex" not in json.dumps(list(db.execute("SELECT * FROM import_file")))


def test_a_broken_file_is_reported_once_and_tried_again_when_it_changes(
    cli: RunCli, folder: Path, log_path: Path
) -> None:
    alex = samples.telegram_chat_object(
        chat(me="Me Myself"), name="Alex", chat_id=111, people={"Alex": 111, "Me Myself": 999}
    )
    path = samples.telegram_account(folder / "result.json", [alex], me_id=999)
    whole = path.read_bytes()
    settled(samples.truncate(path))
    (failed,) = once(cli)
    assert failed.startswith("imports: result.json: not imported: ")
    assert "nothing of it was imported" in failed
    assert balance(cli)["message"] == {"me": 0, "them": 0, "unknown": 0}
    assert once(cli) == []  # said once, not at every pass
    assert seen(log_path)[0].startswith("failed: ") and "result.json" not in seen(log_path)[0]

    path.write_bytes(whole)  # the copy finished: a new version
    settled(path)
    (imported,) = once(cli)
    assert imported.startswith("imports: result.json (telegram): added 3 (me 1, them 2;")
    assert balance(cli)["message"] == {"me": 1, "them": 2, "unknown": 0}


def test_a_file_still_being_written_waits_for_a_later_pass(cli: RunCli, folder: Path) -> None:
    path = samples.whatsapp_export(folder, chat(me="Sam"), title="Alex")  # modified just now
    (folder / ".hidden.txt").write_text("not an export")
    settled(folder / ".hidden.txt")
    partial = folder / "WhatsApp Chat with Robin.txt.crdownload"  # a browser's, half-way
    partial.write_bytes(path.read_bytes()[:100])
    settled(partial)
    assert once(cli) == []
    assert balance(cli)["message"] == {"me": 0, "them": 0, "unknown": 0}
    settled(path)
    (line,) = once(cli)
    assert line.startswith(f"imports: {path.name} (whatsapp): added 3")


def test_a_configured_folder_that_is_missing_is_said_and_the_default_is_created(
    cli: RunCli, folder: Path, write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    assert once(cli) == [] and folder.is_dir()  # the default: created, empty
    write_config(CONFIG + f'\n[imports]\nfolder = "{tmp_path / "nowhere"}"\n')
    assert once(cli) == [
        f"imports: the watched folder {tmp_path / 'nowhere'} does not exist: nothing imported "
        "(imports.folder)"
    ]
    assert not (tmp_path / "nowhere").exists()


def test_a_disabled_folder_is_not_read(
    cli: RunCli, folder: Path, write_config: Callable[[str], Path]
) -> None:
    write_config(CONFIG + "\n[imports]\nenabled = false\n")
    settled(samples.whatsapp_export(folder, chat(me="Sam"), title="Alex"))
    assert once(cli) == []
    assert balance(cli)["message"] == {"me": 0, "them": 0, "unknown": 0}
