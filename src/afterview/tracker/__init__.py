"""The tracker: interviews and their events in SQLite, and the commands that change them."""
