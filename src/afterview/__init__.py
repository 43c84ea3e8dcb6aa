"""afterview: turn one job interview into a calendar of well-timed follow-ups."""

__version__ = "0.1.0"
