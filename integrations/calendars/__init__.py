"""Calendar sources (the `nudger.calendars` entry-point group): ics, caldav, google."""
