"""The system keyring, through the optional ``keyring`` library: the only module using it.

Publishing and the mailbox reader both look passwords up here. Without the library,
or without a usable keyring (a server with no desktop session), nothing is stored.
"""

from __future__ import annotations


def stored_password(service: str, *names: str) -> str | None:
    """The first password stored under ``service`` for one of ``names``, if any."""
    try:
        import keyring
    except ImportError:
        return None
    for name in names:
        try:
            found = keyring.get_password(service, name)
        except Exception:  # no usable backend, whatever the library raises for it
            return None
        if isinstance(found, str):
            return found
    return None
