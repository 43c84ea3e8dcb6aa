"""File formats: safe reading and writing, the interview file, iCalendar out and in, JSON."""
