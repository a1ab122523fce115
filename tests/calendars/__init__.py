"""The `CalendarSource` contract, written once and run by every calendar source (vdirsyncer's
`tests/storage/__init__.py` is the model): `test_contract` holds the behaviours, the drivers
(`driver`, `ical_drivers`, `google_driver`) what each system needs to show them."""
