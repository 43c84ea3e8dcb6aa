"""The system keyring, through the optional ``keyring`` library: the only module using it."""

from __future__ import annotations

SERVICE = "afterview"


def keyring_password(address: str, user: str) -> str | None:
    """The password stored for ``address`` (or for ``user``), when keyring is installed."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        found = keyring.get_password(SERVICE, address) or keyring.get_password(SERVICE, user)
    except (KeyringError, RuntimeError, OSError):
        return None  # no usable backend (a server without a desktop session)
    return str(found) if found is not None else None
