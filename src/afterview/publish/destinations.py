"""From a publish address to the target that speaks its protocol."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from afterview.errors import PublishError
from afterview.publish.targets import SCHEMES, Target, public_address


def target_for(url: str, password: str | None = None) -> Target:
    """The backend for ``url``, or a PublishError that says which addresses work."""
    text = url.strip()
    if not text:
        raise PublishError(f"no address to publish to: give one of {SCHEMES}")
    if any(ord(c) < 32 or ord(c) == 127 for c in unquote(text)):
        # A newline in a path would reach an sftp batch or a git command as a command.
        raise PublishError(
            "the publish address holds a control character (a newline, say): give it without one"
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (a port that is no number, or past 65535, raises here)
    except ValueError as error:
        raise PublishError(
            f"the publish address is not a URL ({error}): check its host and port"
        ) from None
    scheme = parts.scheme.lower()
    if scheme and len(scheme) > 1 and parts.password:
        raise PublishError(
            f"{public_address(text)}: a password does not belong in the address: put it "
            "in the environment variable named by --password-env, or the system keyring"
        )
    if scheme in ("http", "https", "dav", "davs"):
        from afterview.publish.webdav import WebDavTarget

        return WebDavTarget(text, password)
    if scheme == "sftp":
        from afterview.publish.sftp import SftpTarget

        return SftpTarget(text)
    if scheme in ("git+ssh", "git+file", "git+https"):
        from afterview.publish.gitpages import GitTarget

        return GitTarget(text)
    if scheme == "file":
        from afterview.publish.folder import FolderTarget

        if parts.netloc not in ("", "localhost"):
            raise PublishError(f"{text}: a file:// address names a folder on this machine")
        return FolderTarget(Path(unquote(parts.path)))
    if not scheme or len(scheme) == 1:
        path = Path(text).expanduser()
        if (path / ".git").exists() or (path / "HEAD").is_file():
            from afterview.publish.gitpages import GitTarget

            return GitTarget(str(path.resolve()))
        raise PublishError(
            f"{text} is not a git clone: give a folder as file://{path.resolve()} or use "
            f"one of {SCHEMES}"
        )
    raise PublishError(f"cannot publish to {scheme}:// addresses: use one of {SCHEMES}")
