"""Allowed: the tracker's store may use sqlite3."""

import sqlite3  # noqa: F401
