"""The `CalendarSource` contract, written once and run by every calendar source (vdirsyncer's
`tests/storage/__init__.py` is the model): the `test_*` modules hold the behaviours (reading;
cursors and failures; relevance), `examples` the calendar they put, and the drivers (`driver`,
`ical_drivers`, `google_driver`) what each system needs to show them."""
