"""Errors a user can fix, each with the exit code the command line returns for it.

The exit codes are public (the README has the table); never reuse a number for a
different kind of problem.
"""

from __future__ import annotations

from collections.abc import Iterable


class AfterviewError(Exception):
    """A problem the user can fix; the message says what is wrong and what to do."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        # What to type to fix it, in the command line's words; the library's own
        # message speaks of the problem only, so it reads the same from Python.
        self.hint = hint


class FileProblem(AfterviewError):
    """A file that cannot be read: missing, a folder, not text, or broken TOML."""

    exit_code = 3


class InterviewError(AfterviewError):
    """An interview description that reads but does not make sense."""

    exit_code = 4


class PlaceError(InterviewError):
    """An unknown country, subdivision or time zone."""

    exit_code = 5


class TimelineError(InterviewError):
    """A decision-timeline phrase afterview cannot read."""

    exit_code = 6


class PolicyError(AfterviewError):
    """A follow-up policy that is unknown or breaks the rules every policy keeps."""

    exit_code = 7


class OutputError(AfterviewError):
    """An output file that cannot be written."""

    exit_code = 8


class SettingsError(AfterviewError):
    """A bad settings key or value."""

    exit_code = 9


class TrackerError(AfterviewError):
    """A tracker database problem: an unknown interview id, a locked or damaged store."""

    exit_code = 10


class InviteError(AfterviewError):
    """An invitation (.ics or .eml) afterview cannot plan from."""

    exit_code = 11


class PublishError(AfterviewError):
    """A feed that cannot be published: a bad target, a refused login, a server problem."""

    exit_code = 12


class MailError(AfterviewError):
    """A mailbox afterview cannot read: a broken mbox or message, a login the server
    refused, a connection that dropped. ``hint`` names what the user can do, when a
    command-line option is the answer (the command line renders it)."""

    exit_code = 13


class AddressError(AfterviewError):
    """An address the server cannot listen on: a port in use, a host not of this machine."""

    exit_code = 14


class EditorError(AfterviewError):
    """No editor to open, or no terminal to open it in."""

    exit_code = 15


class URLError(AfterviewError):
    """A malformed URL given on the command line (a server, a public address)."""

    exit_code = 16


def close_matches(word: str, options: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The options closest to ``word``, for "did you mean ...?" hints."""
    import difflib  # only an error pays for it

    return difflib.get_close_matches(word, list(options), n=n, cutoff=cutoff)
