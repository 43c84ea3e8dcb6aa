"""Half of an import circle."""

from afterview.formats import b  # noqa: F401
