"""What `--help` shows in its type column: nothing for a flag, which takes no value.

typer 0.29's rich help writes a type after every option, `<bool>` after plain flags too
(`--once <bool>`, `--help <bool>`), which reads as if the flag wanted a value after it. Every
option of every command (typer's own `--help` and completion options included) is a
`typer.core.TyperOption` and its help row asks `display_type_rich` for the type, so the one place
to say "a flag has none" is that method. `apply()` is called once, by `nudger.cli.app`, which
every command module imports; options that take a value keep their `<int>`, `<path>`, ...
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperOption

_TYPED = TyperOption.display_type_rich


def display_type(option: TyperOption, ctx: Any) -> str | None:
    """The type column of an option's help row: None (no column text) for a flag."""
    if option.is_flag and option.metavar is None:
        return None
    return _TYPED(option, ctx)


def apply() -> None:
    """Make every option's help row use `display_type` (idempotent)."""
    TyperOption.display_type_rich = display_type  # type: ignore[method-assign,assignment]
