"""The `[[calendars]]` tables: the built-in types' models, and any other type an installed
adapter provides.

The built-in types (ics, caldav, google) are part of the schema, documented in
`config.example.toml` and checked against it. Any other `type` is valid when an installed
`nudger.calendars` entry point has that name: the adapter's module declares `config_model` (a
`CalendarBase` subclass), imported only when a table of that type is validated, so the schema
imports no adapter and the query commands, which never validate calendars, import none either.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    PlainValidator,
    SerializeAsAny,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from nudger import adapters
from nudger.config.settings_core import Duration, Name, Section, WebUrl, at_most
from nudger.errors import NudgerError


class CalendarBase(Section):
    """What every `[[calendars]]` table holds. An installed adapter's `config_model` derives
    from it (and forbids unknown keys like every section); one that declares none gets it as is."""

    name: Name = Field(description="a short name for this calendar source")
    enabled: bool = Field(True, description="false pauses syncing without forgetting the source")
    interval: Annotated[Duration, at_most(timedelta(weeks=1))] | None = Field(
        None, description="how often to sync this source; unset means sync.interval"
    )
    type: str = Field(description="ics, caldav, google, or an installed adapter's type")


class IcsCalendar(CalendarBase):
    type: Literal["ics"] = Field(description="ics: a local .ics file or folder, or an .ics URL")
    path: Path | None = Field(
        None, description="an .ics file or a folder of them (the vdir layout of vdirsyncer, khal)"
    )
    url: WebUrl | None = Field(None, description="an http(s) address serving one .ics file")
    verify_tls: bool = Field(True, description="check the server's TLS certificate")

    @model_validator(mode="after")
    def _one_location(self) -> IcsCalendar:
        if (self.path is None) == (self.url is None):
            raise ValueError("set exactly one of path or url")
        return self


class CalDAVCalendar(CalendarBase):
    type: Literal["caldav"] = Field(description="caldav: a CalDAV server")
    url: WebUrl = Field(description="the server or principal address")
    username: str = Field("", description="the account name")
    password_command: list[str] = Field(
        [], description='a command printing the password, as an argv list: ["pass", "dav"]'
    )
    password_env: str = Field("", description="an environment variable holding the password")
    keyring: bool = Field(
        False, description='read the password from the system keyring (service "nudger")'
    )
    calendars: list[str] = Field([], description="calendar names to read; empty reads them all")
    verify_tls: bool = Field(True, description="check the server's TLS certificate")


class GoogleCalendar(CalendarBase):
    type: Literal["google"] = Field(description="google: Google Calendar through its API")
    calendar_ids: list[str] = Field(["primary"], description="calendar ids to read")
    client_secrets: Path | None = Field(
        None, description="the OAuth client file you downloaded (see `nudger auth google`)"
    )
    token_file: Path | None = Field(
        None, description="where the grant is kept (0600); unset means the data folder"
    )
    api_endpoint: WebUrl | None = Field(
        None, description="another API endpoint ending in /calendar/v3/ (tests, proxies)"
    )


BUILT_IN_CALENDARS: dict[str, type[CalendarBase]] = {
    "ics": IcsCalendar,
    "caldav": CalDAVCalendar,
    "google": GoogleCalendar,
}
INSTALLED = "installed"  # the union tag of every other type, as pydantic puts it in a location


def calendar_types() -> tuple[str, ...]:
    """The types a `[[calendars]]` table may have: the built-in ones, then every other
    `nudger.calendars` entry point installed (read from metadata; nothing is imported)."""
    installed = set(adapters.available(adapters.CALENDARS)) - set(BUILT_IN_CALENDARS)
    return (*BUILT_IN_CALENDARS, *sorted(installed))


def calendar_model(kind: str) -> type[CalendarBase]:
    """The model a table of type `kind` is validated with: a built-in one, or the
    `config_model` of the installed adapter's module (`CalendarBase` where it declares none).
    Raises `NudgerError` for a type nothing provides or a model that does not fit."""
    if kind in BUILT_IN_CALENDARS:
        return BUILT_IN_CALENDARS[kind]
    module = adapters.calendar_module(kind)
    if module is None:
        raise NudgerError(
            "does not match any of the expected tags; installed calendar types: "
            + ", ".join(calendar_types())
        )
    model = getattr(module, "config_model", CalendarBase)
    if not (isinstance(model, type) and issubclass(model, CalendarBase)):
        raise NudgerError(
            f"the {kind} adapter's config_model ({module.__name__}.config_model) is not a model"
            " deriving from nudger.config.calendars.CalendarBase"
        )
    return model


def _installed_calendar(table: Any) -> CalendarBase:
    """A table of a type an installed adapter provides, validated by that adapter's model.

    Its errors keep their locations (pydantic carries a `ValidationError` raised here into the
    document's), so they read like the built-in types' ones: `calendars[2].colour: ...`.
    """
    if isinstance(table, CalendarBase):
        return table
    kind = table["type"]
    try:
        model = calendar_model(kind)
    except NudgerError as error:
        problem = PydanticCustomError("calendar_type", "{reason}", {"reason": error.message})
        raise ValidationError.from_exception_data(
            "Calendar", [InitErrorDetails(type=problem, loc=("type",), input=kind)]
        ) from error
    return model.model_validate(table)


def _calendar_tag(table: Any) -> str | None:
    kind = table.get("type") if isinstance(table, dict) else getattr(table, "type", None)
    if not isinstance(kind, str):
        return None  # `calendars[0].type: required; one of ...` (nudger.config.file)
    return kind if kind in BUILT_IN_CALENDARS else INSTALLED


# One table of any type: pydantic picks the model by `_calendar_tag`.
Calendar = Annotated[
    Annotated[IcsCalendar, Tag("ics")]
    | Annotated[CalDAVCalendar, Tag("caldav")]
    | Annotated[GoogleCalendar, Tag("google")]
    | Annotated[SerializeAsAny[CalendarBase], PlainValidator(_installed_calendar), Tag(INSTALLED)],
    Discriminator(
        _calendar_tag,
        custom_error_type="calendar_type_missing",
        custom_error_message="a calendar needs a type",
    ),
]


def union_tag(model: type[BaseModel]) -> str | None:
    """The `type` a model of a tagged union stands for (None: it takes any)."""
    field = model.model_fields.get("type")
    arguments = typing.get_args(field.annotation) if field else ()
    return str(arguments[0]) if arguments else None


def tagged_model(held: Sequence[type[BaseModel]], tag: str | None) -> type[BaseModel]:
    """Which of a union's models a table with this `type` is: the one tagged so, else the
    model of the installed calendar adapter of that type, else the first (for the error
    messages and `config set`, which walk the schema by key)."""
    tagged = [model for model in held if union_tag(model) == tag]
    if tagged:
        return tagged[0]
    if tag is not None and any(issubclass(model, CalendarBase) for model in held):
        try:
            return calendar_model(tag)
        except NudgerError:
            pass  # not a type anything provides: the first model's keys are the best guide
    return held[0]
