"""The other half of the circle."""


def later() -> None:
    """Even a lazy import closes the circle."""
    from afterview.formats import a  # noqa: F401
