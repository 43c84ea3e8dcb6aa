"""Reading one large JSON object member by member, and an array in it item by item.

``afterview import`` reads exports of thousands of interviews. ``json.loads`` would
hold the file's text and every object made from it at once, about five times the
file's size; this reader holds the member or array item being read and a window of
the text around it, so memory stays flat however large the file is.

The caller drives it::

    reader = ObjectReader(file)
    for name in reader.names():
        if name == "interviews" and reader.at_array():
            for item in reader.items():
                ...
        else:
            value = reader.value()

Every member's value must be read (``value``, or ``items`` to the end) before the
next name is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

CHUNK = 1 << 20  # characters read at a time
_SPACE = " \t\n\r"
_NUMBER = "0123456789.eE+-"  # what can follow a number's first characters
_DECODER = json.JSONDecoder()


class TextSource(Protocol):
    """What the reader reads from: an open text file, or anything with its ``read``."""

    def read(self, size: int, /) -> str: ...


class JSONStreamError(ValueError):
    """Not JSON, or not a JSON object; says where, by line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message}: line {line} column {column}")
        self.line = line
        self.column = column


class ObjectReader:
    """Pulls the members of the JSON object that ``source`` holds, in file order."""

    def __init__(self, source: TextSource, chunk: int = CHUNK) -> None:
        self._source = source
        self._chunk = chunk
        self._text = ""  # the window of the file being read
        self._pos = 0  # the next character to read, in the window
        self._eof = False
        self._line = 1  # the line and 0-based column of the window's first character
        self._column = 0

    # ------------------------------------------------------------------ the members

    def names(self) -> Iterator[str]:
        """Each member's name; its value is read before the next name is asked for."""
        self._expect("{", "expected a JSON object")
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                if self._peek() != '"':
                    raise self.error("expected a member name in double quotes")
                name = self._value()
                self._expect(":", "expected ':' after a member name")
                yield name
                if self._expect(",}", "expected ',' or '}' after a member") == "}":
                    break
        if self._peek() != "":
            raise self.error("extra data after the JSON object")

    def value(self) -> Any:
        """The current member's value, whole."""
        return self._value()

    def at_array(self) -> bool:
        """Whether the current member's value is an array (then read it with ``items``)."""
        return self._peek() == "["

    def items(self) -> Iterator[Any]:
        """The items of the current member's array, one at a time."""
        self._expect("[", "expected an array")
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._expect(",]", "expected ',' or ']' after an array item") == "]":
                return

    def error(self, message: str, at: int | None = None) -> JSONStreamError:
        """A JSONStreamError for ``message`` at position ``at`` of the window (default: here)."""
        at = self._pos if at is None else at
        newlines = self._text.count("\n", 0, at)
        column = at - self._text.rfind("\n", 0, at) if newlines else self._column + at + 1
        return JSONStreamError(message, self._line + newlines, column)

    # ------------------------------------------------------------------ the window

    def _more(self, size: int) -> bool:
        """Read up to ``size`` more characters into the window; False at the end."""
        if self._eof:
            return False
        chunk = self._source.read(size)
        if not chunk:
            self._eof = True
            return False
        done = self._text[: self._pos]
        newlines = done.count("\n")
        if newlines:
            self._line += newlines
            self._column = len(done) - done.rfind("\n") - 1
        else:
            self._column += len(done)
        self._text = self._text[self._pos :] + chunk
        self._pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            text, pos = self._text, self._pos
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            self._pos = pos
            if pos < len(text):
                return text[pos]
            if not self._more(self._chunk):
                return ""

    def _may_go_on(self, value: Any, end: int) -> bool:
        """Whether ``value`` might be the start of a longer number cut by the window."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return end == len(self._text) or self._text[end] in _NUMBER

    def _expect(self, allowed: str, message: str) -> str:
        found = self._peek()
        if found == "" or found not in allowed:
            raise self.error(message)
        self._pos += 1
        return found

    def _value(self) -> Any:
        self._peek()
        size = self._chunk
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as error:
                # Most likely the value goes on past the window: read more, twice as
                # much each time, so a value of any size costs linear time.
                if self._more(size):
                    size *= 2
                    continue
                raise self.error(error.msg, error.pos) from None
            if self._may_go_on(value, end) and self._more(size):
                continue  # a number at the window's edge: "1" may be "12", "0." "0.5"
            self._pos = end
            return value


__all__ = ["CHUNK", "JSONStreamError", "ObjectReader", "TextSource"]
