"""Text from calendars cannot steer the terminal it is printed on."""

from __future__ import annotations

from nudger.core.text import printable


def test_control_characters_are_neutralized() -> None:
    hostile = "Dinner\x1b]0;pwned\x07 with\tAlex\n\x9b2J"
    shown = printable(hostile)
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "\x9b" not in shown
    assert shown == "Dinner?]0;pwned? with Alex ?2J"


def test_ordinary_text_is_untouched() -> None:
    assert printable("Café ☕ mit Ängie — 20:30") == "Café ☕ mit Ängie — 20:30"


def test_a_long_excerpt_is_cut_and_the_cut_is_marked() -> None:
    line = "x" * 10_000
    assert printable(line) == "x" * 499 + "…"
    assert printable(line, limit=20) == "x" * 19 + "…"
    assert printable("x" * 500) == "x" * 500
