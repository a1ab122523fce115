"""`nudger init`, `config show|get|set|path` and `people add|list|remove`, run as a user would."""

from __future__ import annotations

import json
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RunCli

COMMENTED = """\
# my nudger settings
[me]
name = "Sam"   # that is me

[checkin]
# the evening ritual
time = "20:30"  # after dinner

[[people]]
name = "Alex"
kind = "partner"
"""


def test_init_writes_a_valid_starter_and_never_overwrites(
    cli: RunCli, config_path: Path, home: Path
) -> None:
    first = cli("init", "--name", "Sam")
    assert first.code == 0, first.err
    assert "Wrote a starter config" in first.out
    written = config_path.read_text(encoding="utf-8")
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    starter = tomllib.loads(written)
    assert starter["me"]["name"] == "Sam"
    assert starter["calendars"][0]["type"] == "ics"
    assert Path(starter["calendars"][0]["path"]).is_dir()
    assert (home / ".local/share/nudger/log.sqlite3").exists()

    again = cli("init", "--name", "Someone else")
    assert again.code == 0
    assert "left as it is" in again.out
    assert config_path.read_text(encoding="utf-8") == written


def test_init_makes_every_folder_it_creates_private(cli: RunCli, home: Path) -> None:
    """The data folder held the log 0755 once: it was made as the calendar folder's parent."""
    assert cli("init", "--name", "Sam").code == 0
    made = [".config", ".config/nudger", ".local", ".local/share", ".local/share/nudger"]
    made += [".local/share/nudger/calendar"]
    assert {
        name: oct(stat.S_IMODE((home / name).stat().st_mode)) for name in made
    } == dict.fromkeys(made, "0o700")


def test_config_path_follows_the_option_and_the_environment(
    cli: RunCli, config_path: Path, tmp_path: Path, monkeypatch: object
) -> None:
    assert cli("config", "path").out.strip() == str(config_path)
    other = tmp_path / "other.toml"
    assert cli("--config", str(other), "config", "path").out.strip() == str(other)


def test_set_keeps_comments_and_order_and_prints_old_and_new(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMMENTED)
    result = cli("config", "set", "checkin.time", "21:15")
    assert result.code == 0, result.err
    assert result.out.strip() == "checkin.time: 20:30 → 21:15"
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        'time = "20:30"  # after dinner', 'time = "21:15"  # after dinner'
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_set_of_a_default_says_so_and_adds_the_table(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMMENTED)
    result = cli("config", "set", "balance.one_sided", "0.8")
    assert result.out.strip() == "balance.one_sided: 0.75 (default) → 0.8"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED)
    assert tomllib.loads(text)["balance"] == {"one_sided": 0.8}


def test_set_reaches_into_a_person_by_name(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMMENTED)
    result = cli("config", "set", "people.alex.emails", '["alex@example.org"]')
    assert result.code == 0, result.err
    assert tomllib.loads(path.read_text(encoding="utf-8"))["people"][0]["emails"] == [
        "alex@example.org"
    ]


def test_a_rejected_set_leaves_the_file_byte_for_byte(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMMENTED)
    before = path.read_bytes()
    for key, value, expected in [
        ("checkin.time", "25:99", "use a 24-hour clock time"),
        ("checkin.tme", "21:00", "did you mean checkin.time?"),
        ("balance.one_sided", "2", "less than or equal to 1"),
        ("people.Bob.kind", "friend", "no entry named 'Bob'"),
        ("people", "[]", "list of tables"),
        ("people.Alex", '"21:00"', "people.Alex is a table; set one of its keys"),
        ("checkin", "true", "checkin is a table"),
        ("me.name.first", "x", "holds a value, not a table"),
        ("me..name", "x", "not a setting key"),
    ]:
        result = cli("config", "set", key, value)
        assert result.code == 2, (key, result)
        assert expected in result.err, (key, result.err)
        assert "Traceback" not in result.err
        assert path.read_bytes() == before


def test_a_refused_value_is_said_to_be_the_value_not_the_file(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    """It said "config.toml is not valid" though the file was fine and stayed so."""
    path = write_config(COMMENTED)
    result = cli("config", "set", "checkin.time", "25:99")
    assert result.err.splitlines()[0] == "nudger: config set checkin.time was refused:"
    assert f"{path} is not valid" not in result.err
    assert result.err.splitlines()[-1] == f"  {path} was left unchanged"


def test_one_address_for_a_list_is_a_list_of_one(cli: RunCli, config_path: Path) -> None:
    """`config set me.emails a@b` was refused without saying a list is written '["a@b"]'."""
    result = cli("config", "set", "me.emails", "sam@example.org")
    assert result.code == 0, result.err
    assert tomllib.loads(config_path.read_text(encoding="utf-8"))["me"]["emails"] == [
        "sam@example.org"
    ]
    both = cli("config", "set", "me.emails", '["sam@example.org", "sam@work.example.org"]')
    assert both.code == 0, both.err
    assert cli("config", "get", "me.emails").out == (
        '["sam@example.org", "sam@work.example.org"]\n'
    )


def test_set_creates_the_file_when_there_is_none(cli: RunCli, config_path: Path) -> None:
    result = cli("config", "set", "me.name", "Sam")
    assert result.code == 0, result.err
    assert tomllib.loads(config_path.read_text(encoding="utf-8")) == {"me": {"name": "Sam"}}


def test_get_and_show_give_effective_values(
    cli: RunCli, write_config: Callable[[str], Path], monkeypatch: object
) -> None:
    write_config(COMMENTED)
    assert cli("config", "get", "checkin.time").out.strip() == "20:30"
    assert cli("config", "get", "balance.window").out.strip() == "90d"
    assert json.loads(cli("config", "get", "people.Alex").out)["kind"] == "partner"
    assert json.loads(cli("config", "get", "checkin.days", "--json").out)[0] == "mon"
    shown = cli("config", "show").out
    assert tomllib.loads(shown)["checkin"]["time"] == "20:30"
    assert json.loads(cli("config", "show", "--json").out)["me"]["name"] == "Sam"
    missing = cli("config", "get", "checkin.tim")
    assert missing.code == 2
    assert "did you mean checkin.time?" in missing.err


def test_people_add_list_remove_and_add_again(cli: RunCli, config_path: Path) -> None:
    added = cli(
        "people", "add", "Alex", "--email", "Alex@Example.org", "--alias", "Al", "--kind", "partner"
    )
    assert added.code == 0, added.err
    assert added.out.strip() == "Now tracking Alex (partner)."
    assert cli("people", "add", "Sam").code == 0
    listed = json.loads(cli("people", "list", "--json").out)
    assert [(p["name"], p["kind"], p["emails"]) for p in listed] == [
        ("Alex", "partner", ["alex@example.org"]),
        ("Sam", "friend", []),
    ]
    duplicate = cli("people", "add", "alex")
    assert duplicate.code == 2
    assert "already tracked" in duplicate.err

    removed = cli("people", "remove", "Al")  # an alias finds them too
    assert removed.code == 0, removed.err
    assert "history is kept" in removed.out
    assert [p["name"] for p in json.loads(cli("people", "list", "--json").out)] == ["Sam"]
    everyone = json.loads(cli("people", "list", "--all", "--json").out)
    assert [(p["name"], p["tracked"]) for p in everyone] == [("Alex", False), ("Sam", True)]
    assert cli("people", "remove", "Alex").code == 2  # already removed

    back = cli("people", "add", "Alex", "--email", "alex@work.example")
    assert back.out.strip() == "Tracking again Alex (partner)."
    (alex,) = [
        p
        for p in tomllib.loads(config_path.read_text(encoding="utf-8"))["people"]
        if p["name"] == "Alex"
    ]
    assert alex["emails"] == ["alex@example.org", "alex@work.example"]
    assert "removed" not in alex


def test_people_add_rejects_a_bad_email_and_keeps_the_file(
    cli: RunCli, write_config: Callable[[str], Path]
) -> None:
    path = write_config(COMMENTED)
    before = path.read_bytes()
    result = cli("people", "add", "Sam", "--email", "not-an-address")
    assert result.code == 2
    assert "people[1].emails[0] = 'not-an-address'" in result.err
    assert path.read_bytes() == before


def test_people_add_rejects_an_unknown_kind(cli: RunCli) -> None:
    result = cli("people", "add", "Sam", "--kind", "coworker")
    assert result.code == 2
    assert "partner" in result.err
