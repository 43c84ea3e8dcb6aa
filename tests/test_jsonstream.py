"""The streaming JSON reader that `afterview import` uses: same values as json.loads."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afterview.formats.jsonstream import JSONStreamError, ObjectReader


def read_all(text: str, chunk: int, streamed: str = "items") -> dict[str, Any]:
    """Everything the reader gives, with the ``streamed`` array read item by item."""
    reader = ObjectReader(io.StringIO(text), chunk=chunk)
    found: dict[str, Any] = {}
    for name in reader.names():
        if name == streamed and reader.at_array():
            found[name] = list(reader.items())
        else:
            found[name] = reader.value()
    return found


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    document=st.dictionaries(st.text(), JSON_VALUES, max_size=5),
    items=st.lists(JSON_VALUES, max_size=6),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(min_value=1, max_value=64),
)
def test_values_match_json_loads_at_any_chunk_size(
    document: dict[str, Any], items: list[Any], indent: int | None, chunk: int
) -> None:
    """Whatever the layout and wherever the chunks split it, the values are json's own."""
    document = {**document, "items": items}
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    assert read_all(text, chunk) == json.loads(text)


def test_a_number_split_by_a_chunk_is_read_whole() -> None:
    """A number that ends a chunk may go on in the next one: 12345, not 12."""
    text = '{"version": 12345, "items": [1, 23456789]}'
    for chunk in range(1, len(text) + 1):
        assert read_all(text, chunk) == {"version": 12345, "items": [1, 23456789]}


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("", "expected a JSON object", 1, 1),
        ("[1, 2]", "expected a JSON object", 1, 1),
        ('{"a": 1,\n "b": }', "Expecting value", 2, 7),
        ('{"a": 1\n "b": 2}', "expected ',' or '}' after a member", 2, 2),
        ('{"items": [1,\n\n 2 3]}', "expected ',' or ']' after an array item", 3, 4),
        ('{"a": 1} x', "extra data after the JSON object", 1, 10),
        ("{1: 2}", "expected a member name in double quotes", 1, 2),
        ('{"items": [{"open": "never closed', "Unterminated string", 1, 21),
    ],
)
def test_errors_say_where_by_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    """The position counts from the start of the file, not of the chunk being read."""
    for chunk in (1, 3, 1 << 20):
        with pytest.raises(JSONStreamError) as caught:
            read_all(text, chunk)
        assert message in str(caught.value)
        assert (caught.value.line, caught.value.column) == (line, column), chunk


def test_a_huge_item_is_read_in_linear_time() -> None:
    """An item far larger than a chunk is read by doubling the window, not chunk by chunk."""
    big = {"text": "x" * 2_000_000}
    text = json.dumps({"items": [big, big]})

    class Counting(io.StringIO):
        reads = 0

        def read(self, size: int | None = -1, /) -> str:
            Counting.reads += 1
            return super().read(size)

    reader = ObjectReader(Counting(text), chunk=1024)
    for name in reader.names():
        assert name == "items" and reader.at_array()
        assert [len(item["text"]) for item in reader.items()] == [2_000_000, 2_000_000]
    assert Counting.reads < 40
