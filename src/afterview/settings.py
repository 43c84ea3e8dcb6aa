"""The user's own details: a small TOML file in the user's config folder.

``AFTERVIEW_CONFIG`` names another file. Everything works without one: drafts are
then signed "[your name]".
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import NamedTuple

from afterview.core.addresses import is_address
from afterview.core.zones import known_zone, zone_problem
from afterview.errors import FileProblem, PlaceError, SettingsError, close_matches
from afterview.formats.files import dumps_toml, parse_toml, read_text, write_atomic
from afterview.model import Me

KEYS = {
    "name": "your name, to sign drafts",
    "email": "your email address",
    "phone": "your phone number",
    "signature": "how drafts end (several lines allowed)",
    "country": "default employer country (ISO code, like US)",
    "subdivision": "default state, province or region code",
    "timezone": "default time zone (IANA name, like America/New_York)",
    "reminder": "reminder time for all-day events (HH:MM, default 09:00)",
    "publish": "where every change publishes the feed (https://, davs://, sftp://, git+..., file://)",
    "publish_detail": "what the published feed shows: full, titles or busy",
    "publish_password_env": "the environment variable with the publishing password",
    "publish_link": "the public https address of the publishing folder, for subscribe links",
    "mail": "where afterview mail reads replies (imaps://user@host/INBOX, an mbox, a folder)",
    "mail_password_env": "the environment variable holding the mail password",
}
DETAILS = ("full", "titles", "busy")


class Settings(NamedTuple):
    """What afterview knows about the user; every field may be missing."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    signature: str | None = None
    country: str | None = None
    subdivision: str | None = None
    timezone: str | None = None
    reminder: str | None = None
    publish: str | None = None
    publish_detail: str | None = None
    publish_password_env: str | None = None
    publish_link: str | None = None
    mail: str | None = None
    mail_password_env: str | None = None

    @property
    def me(self) -> Me:
        """The details drafts are signed with."""
        return Me(name=self.name, email=self.email, phone=self.phone, signature=self.signature)

    @property
    def reminder_time(self) -> dt.time:
        """When all-day events remind the user."""
        return dt.time.fromisoformat(self.reminder) if self.reminder else dt.time(9, 0)

    def defaults(self) -> dict[str, str]:
        """Country, subdivision and time zone to fill in an interview that lacks them."""
        found = {"country": self.country, "subdivision": self.subdivision}
        found["timezone"] = self.timezone
        return {k: v for k, v in found.items() if v}

    @property
    def is_empty(self) -> bool:
        """Whether nothing is set yet."""
        return not any(self)


def settings_path() -> Path:
    """Where the settings live: $AFTERVIEW_CONFIG, else the user's config folder."""
    override = os.environ.get("AFTERVIEW_CONFIG")
    if override:
        return Path(override).expanduser()
    return user_folder("config") / "config.toml"


DB_ENV = "AFTERVIEW_DB"
DB_NAME = "afterview.db"


def default_db_path() -> Path:
    """Where the tracker lives unless told otherwise: the user's data folder."""
    return user_folder("data") / DB_NAME


def db_path(path: str | Path | None = None) -> Path:
    """The tracker to use: ``path`` (--db), else $AFTERVIEW_DB, else the default."""
    if path is not None and str(path).strip():
        return Path(path).expanduser()
    override = os.environ.get(DB_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return default_db_path()


def user_folder(kind: str) -> Path:
    """The user's ``config``, ``data`` or ``cache`` folder for afterview, as the platform
    names it."""
    import platformdirs

    if kind == "config":
        return Path(platformdirs.user_config_dir("afterview"))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir("afterview"))
    return Path(platformdirs.user_data_dir("afterview"))


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or empty ones when there is no file yet."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    where = str(path)
    try:
        data = parse_toml(read_text(path, "settings file"), where)
    except FileProblem as problem:
        raise SettingsError(
            f"{problem}, or delete the file and set the values again",
            hint="afterview config set KEY VALUE",
        ) from None
    return _settings_from(data, where)


def _settings_from(data: dict[str, object], where: str) -> Settings:
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            raise SettingsError(f"{where}: unknown setting '{key}': {_unknown_hint(key)}")
        if not isinstance(value, str):
            raise SettingsError(f"{where}: '{key}' must be text in quotes")
        try:
            values[key] = check_value(key, value)
        except SettingsError as error:
            raise SettingsError(f"{where}: {error}") from None
    return Settings(**values)


def _unknown_hint(key: str) -> str:
    if "password" in key.casefold() and not key.casefold().endswith("_env"):
        # Suggesting publish_password_env here invites putting the password into it.
        return (
            "passwords never go in the settings file: put it in an environment variable "
            "and name that variable with publish_password_env or mail_password_env (or "
            f"use the system keyring); remove it with: afterview config set {key} ''"
        )
    close = close_matches(key, list(KEYS), n=1)
    return f"did you mean '{close[0]}'?" if close else f"keys are {', '.join(KEYS)}"


def _env_name_problem(key: str, example: str) -> SettingsError:
    # The value is not repeated: what does not look like a variable's name may be the
    # password itself.
    return SettingsError(
        f"{key} must be the name of an environment variable (letters, digits and _, like "
        f"{example}) that holds the password, never the password itself"
    )


def check_value(key: str, value: str) -> str:
    """``value`` cleaned for ``key``, or a SettingsError that says what is expected."""
    value = value.strip()
    if key not in KEYS:
        raise SettingsError(f"unknown setting '{key}': {_unknown_hint(key)}")
    if key == "reminder":
        if not re.fullmatch(r"\d{1,2}:\d{2}", value):
            raise SettingsError(f"reminder must be a time like 09:00, not '{value}'")
        try:
            return dt.time.fromisoformat(value.zfill(5)).strftime("%H:%M")
        except ValueError:
            raise SettingsError(f"reminder must be a time like 09:00, not '{value}'") from None
    if key == "timezone":
        known = known_zone(value)
        if known is None:
            raise SettingsError(zone_problem(value))
        return known
    if key == "country":
        from afterview.core.businessdays import check_country

        try:
            return check_country(value)
        except PlaceError as error:
            raise SettingsError(str(error)) from None
    if key == "publish_detail" and value and value not in DETAILS:
        raise SettingsError(f"publish_detail must be full, titles or busy, not '{value}'")
    if key == "publish_password_env" and value and not re.fullmatch(r"[A-Za-z_]\w*", value):
        raise _env_name_problem(key, "DAV_PASSWORD")
    if key == "publish" and value and re.search(r"://[^/@]*:[^/@]*@", value):
        raise SettingsError(
            f"{key}: a password does not belong in the settings file: keep only the user "
            "name in the address and put the password in an environment variable "
            "(publish_password_env) or the system keyring"
        )
    if key == "publish_link" and value:
        problem = link_base_problem(value)
        if problem:
            raise SettingsError(f"publish_link: {problem}")
    if key == "mail" and value and "://" in value and not value.startswith(("imap://", "imaps://")):
        raise SettingsError(f"mail must be imaps://user@host/FOLDER or a path, not '{value}'")
    if key == "mail" and re.search(r"://[^/@]*:[^/@]*@", value):
        raise SettingsError(
            "the mail setting must not hold a password: keep it in the environment "
            "(mail_password_env) or the keyring"
        )
    if key == "mail" and value and "://" not in value:
        return str(Path(value).expanduser().resolve())  # the same mailbox from any folder
    if key == "mail_password_env" and value and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise _env_name_problem(key, "MAIL_PASSWORD")
    if key == "email" and value and not is_address(value):
        raise SettingsError(f"'{value}' is not an email address")
    return value


def host_in_url(name: str) -> str | None:
    """A URL's host as clients send it (IDNA-encoded, IPv6 in brackets), or None when
    it is no host name or address."""
    import ipaddress

    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    try:
        ascii_name = name.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    label = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
    return ascii_name if re.fullmatch(rf"{label}(?:\.{label})*", ascii_name) else None


def link_base_problem(value: str) -> str | None:
    """What is wrong with a public folder address for subscribe links, or None."""
    from urllib.parse import urlsplit

    example = "such as https://example.org/cal"
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError as error:
        return f"{value!r} is not a URL ({error}): give the folder's address, {example}"
    if parts.scheme not in ("http", "https"):
        return f"{value!r} is not an http(s) address: give the folder's address, {example}"
    if host_in_url(parts.hostname or "") is None:
        return f"{value!r} has no valid host name in it: give the folder's address, {example}"
    if parts.username is not None or parts.password is not None:
        return f"a user name or password would be in every link: give the address alone, {example}"
    if parts.query or parts.fragment:
        return f"the file name is added after the folder: give it without ? or #, {example}"
    return None


def save_setting(key: str, value: str, path: Path | None = None) -> Settings:
    """Set one key (an empty value removes it) and save the file atomically."""
    path = path or settings_path()
    # The file is read without the key being set, so a bad value of that key (a
    # password where none belongs, say) can be set right, or removed, from here.
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = parse_toml(read_text(path, "settings file"), str(path))
        except FileProblem as problem:
            raise SettingsError(
                f"{problem}, or delete the file and set the values again",
                hint="afterview config set KEY VALUE",
            ) from None
    if key not in KEYS and not value.strip() and key in data:
        del data[key]  # an unknown key (publish_password = ...) removed
        updated = _settings_from(data, str(path))
    else:
        data.pop(key, None)
        current = _settings_from(data, str(path))
        cleaned = check_value(key, value) if value.strip() else None
        updated = current._replace(**{key: cleaned})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise SettingsError(
            f"cannot create the folder {path.parent}: {error.strerror or error} "
            "(set AFTERVIEW_CONFIG to another file)"
        ) from None
    data = dict(updated._asdict())
    write_atomic(path, dumps_toml(data).encode("utf-8"), private=True)
    return updated
