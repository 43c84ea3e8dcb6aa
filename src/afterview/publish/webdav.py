"""WebDAV as a publishing target: Nextcloud and ownCloud folders, Fastmail files, any
Apache or nginx WebDAV share. Standard library only (``http.client``).

The requests of one publish share one kept-alive connection. An upload is a PUT to a
temporary name in the same folder and a MOVE over the old file, so a calendar fetching
the feed meanwhile gets the old file or the new one, never half of one. The MOVE
carries an ``If`` header tagged with the old file's ETag (RFC 4918 10.4): when another
machine replaced it since we looked, the server answers 412 and nothing is overwritten.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from afterview.errors import PublishError
from afterview.publish.links import is_loopback
from afterview.publish.targets import Conflict, Payload, Remote, Stream, public_address

if TYPE_CHECKING:
    import threading

TIMEOUT = 30  # seconds for each request
BLOCK = 1 << 20  # bytes read from the file for each send of an upload
_DAV = "{DAV:}"
_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>'
)
# OpenSSL's reasons for an answer that is no TLS at all (a plain http port, say).
_NOT_TLS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "HTTP_REQUEST",
        "UNKNOWN_PROTOCOL",
        "RECORD_LAYER_FAILURE",
        "PACKET_LENGTH_TOO_LONG",
    }
)
_UPLOADING = "uploading"
_MOVING = "moving the upload into place"


def _answer(status: int) -> str:
    """``502 Bad Gateway``: the status with its name, when it has one."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class WebDavTarget:
    """A WebDAV folder (``https://`` or ``davs://``; ``http://`` only on this machine)."""

    def __init__(self, url: str, password: str | None) -> None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        self.secure = scheme in ("https", "davs")
        self.host = parts.hostname or ""
        self._where = public_address(url)
        if not self.host:
            raise PublishError(f"{self._where}: no host name in the address")
        if not self.secure and not is_loopback(self.host):
            raise PublishError(
                f"{self._where}: plain http would send the password and the feed in the "
                "clear: use https:// (or davs://)"
            )
        try:
            self.port = parts.port or (443 if self.secure else 80)
        except ValueError:
            raise PublishError(f"{self._where}: the port is not a number") from None
        self.folder = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.user = parts.username
        self.password = password
        self.requests: list[str] = []  # method and path of each request made, for tests
        self._open: http.client.HTTPConnection | None = None  # kept alive between requests
        self._connecting: threading.Thread | None = None  # prepare's connect, until joined

    @property
    def where(self) -> str:
        return self._where

    # ------------------------------------------------------------------ requests

    def _url_of(self, name: str) -> str:
        # The host as the Host header names it (http.client leaves out the scheme's own
        # port and brackets an IPv6 address): servers like wsgidav answer a MOVE whose
        # Destination names the host otherwise 502, as if it were another server.
        scheme = "https" if self.secure else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port != (443 if self.secure else 80):
            host = f"{host}:{self.port}"
        return urlunsplit((scheme, host, self._path(name), "", ""))

    def _path(self, name: str) -> str:
        return self.folder + quote(name)

    def prepare(self) -> None:
        """Connect (and shake hands over TLS) while the file is made, in a thread.

        Over the internet that is a few round trips the upload no longer waits for. A
        connection that fails here is simply made again, and reported, by the request.
        """
        import threading

        connection = self._connection()

        def connect() -> None:
            try:
                connection.connect()
            except (OSError, http.client.HTTPException):
                # A handshake that failed leaves a closed socket behind: drop it, or the
                # request would write to it and see only "Bad file descriptor".
                connection.close()

        self._connecting = threading.Thread(target=connect, name="afterview-dav", daemon=True)
        self._connecting.start()

    def _connection(self) -> http.client.HTTPConnection:
        connecting, self._connecting = self._connecting, None
        if connecting is not None:
            connecting.join()
        if self._open is not None:
            return self._open
        if self.secure:
            import ssl  # only https pays for loading OpenSSL's bindings

            context = ssl.create_default_context()
            self._open = http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT, context=context, blocksize=BLOCK
            )
        else:
            self._open = http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT, blocksize=BLOCK
            )
        return self._open

    def close(self) -> None:
        """End the connection this publish's requests share."""
        connecting, self._connecting = self._connecting, None
        if connecting is not None:
            connecting.join()
        if self._open is not None:
            self._open.close()
            self._open = None

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | Stream | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = dict(headers or {})
        if auth and self.user is not None:
            secret = f"{self.user}:{self.password or ''}".encode()
            sent["Authorization"] = "Basic " + base64.b64encode(secret).decode("ascii")
        self.requests.append(f"{method} {path}")
        try:
            try:
                return self._exchange(method, path, body, sent)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the kept-alive connection between two requests (an
                # idle timeout): ask once more on a new one.
                self.close()
                if not isinstance(body, bytes | None):
                    body.seek(0)
                return self._exchange(method, path, body, sent)
        except TimeoutError:
            self.close()
            raise PublishError(
                f"{self.where}: the server did not answer in {TIMEOUT} s: try again later"
            ) from None
        except (OSError, http.client.HTTPException) as error:
            self.close()
            if self.secure:
                said = self._tls_problem(error)
                if said is not None:
                    raise PublishError(f"{self.where}: {said}") from None
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise PublishError(
                f"{self.where}: cannot reach the server ({reason}): check the address, or "
                "try again when it is up (afterview publish)"
            ) from None

    def _tls_problem(self, error: BaseException) -> str | None:
        """What a failed TLS handshake means and what to do, or None for no TLS failure."""
        import ssl

        if isinstance(error, ssl.SSLCertVerificationError):
            why = str(error.verify_message or error.reason or error).rstrip(".")
            code = error.verify_code
            if code == 62:  # X509_V_ERR_HOSTNAME_MISMATCH
                fix = (
                    "use the host name the certificate was made for, or ask the server's "
                    "admin to fix it"
                )
            elif code == 10:  # X509_V_ERR_CERT_HAS_EXPIRED
                fix = "the server's admin must renew it (or check this machine's clock)"
            elif code == 9:  # X509_V_ERR_CERT_NOT_YET_VALID
                fix = "check this machine's clock (or ask the server's admin)"
            else:
                fix = (
                    "if the server uses its own certificate, point SSL_CERT_FILE at it (or "
                    "at the CA certificate that signed it)"
                )
            return f"the server's certificate is not trusted ({why}): {fix}"
        if isinstance(error, ssl.SSLError) and error.reason in _NOT_TLS:
            return (
                f"the server does not speak TLS (https) on port {self.port}: give the port "
                "it serves https on (443 unless told otherwise)"
            )
        if isinstance(error, ssl.SSLError):
            why = error.reason or str(error)
            return (
                f"the TLS handshake with the server failed ({why}): check the address and "
                "port, or ask the server's admin"
            )
        return None

    def _exchange(
        self, method: str, path: str, body: bytes | Stream | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        connection = self._connection()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        if response.will_close:
            self.close()
        return response.status, found, data

    def _fail(self, status: int, doing: str) -> PublishError:
        if status == 401:
            if self.user is None:
                return PublishError(
                    f"{self.where}: the server asks for a login: put your user name in the "
                    "address (https://USER@host/...) and the password in the variable named "
                    "by --password-env"
                )
            if self.password is None:
                return PublishError(
                    f"{self.where}: no password for {self.user}: set the variable named by "
                    "--password-env (or store it in the system keyring)"
                )
            if not self.password:
                return PublishError(
                    f"{self.where}: the password for {self.user} is empty: the variable that "
                    "holds it (named by --password-env, $AFTERVIEW_PUBLISH_PASSWORD unless "
                    "told otherwise) is set to nothing: put the password in it, or unset it "
                    "to use the system keyring"
                )
            return PublishError(
                f"{self.where}: the server refused user {self.user} and this password: check "
                "both (an app password, for Nextcloud)"
            )
        if status == 403:
            return PublishError(f"{self.where}: {doing} is forbidden for {self.user or 'you'}")
        if status == 404 or status == 409:
            return PublishError(
                f"{self.where}: the folder does not exist on the server: create it first"
            )
        if status == 507:
            return PublishError(
                f"{self.where}: the server is out of space (507 Insufficient Storage): free "
                "some space there; the old published file is left as it was"
            )
        answer = _answer(status)
        if status == 502 and doing == _MOVING:
            # RFC 4918 9.9.4: the server took the Destination for another server's, as
            # when a proxy in front of it changes the scheme or the host.
            return PublishError(
                f"{self.where}: the server would not move the upload into place ({answer}): "
                "it takes the destination for another server's, as when a proxy in front of "
                "it changes https to http or the host name; ask its admin to have the proxy "
                "rewrite the Destination header (the old published file is left as it was)"
            )
        if status >= 500:
            # A PUT goes to a temporary name, and a MOVE is all or nothing.
            kept = {
                _UPLOADING: "; the old published file is left as it was",
                _MOVING: "; the published file is the old one or the new one, never half of one",
            }.get(doing, "")
            maybe = " (out of space, perhaps)" if doing == _UPLOADING and status == 500 else ""
            return PublishError(
                f"{self.where}: the server failed while {doing} ({answer}){maybe}: try "
                f"again later, or ask its admin if it keeps failing{kept}"
            )
        return PublishError(f"{self.where}: the server answered {answer} to {doing}")

    # ------------------------------------------------------------------ the interface

    def stat(self, name: str) -> Remote | None:
        status, headers, _ = self._request("HEAD", self._path(name))
        if status == 404:
            return None
        if status >= 300:
            raise self._fail(status, "reading the published file")
        size = int(headers.get("content-length", "0") or 0)
        return Remote(size=size, etag=headers.get("etag"))

    def upload(self, name: str, source: Payload, expect: Remote | None) -> None:
        temp = f".{name}.uploading"
        status, _, _ = self._request(
            "PUT",
            self._path(temp),
            body=source.stream(),  # sent while the local copy of it is still being written
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Length": str(source.size),
            },
        )
        if status >= 300:
            self._quietly_remove(temp)
            raise self._fail(status, _UPLOADING)
        # No file when we looked: one that appeared since is someone else's (Overwrite: F).
        headers = {"Destination": self._url_of(name), "Overwrite": "T" if expect else "F"}
        if expect is not None and expect.etag:
            headers["If"] = f"<{self._path(name)}> ([{expect.etag}])"
        status, _, _ = self._request("MOVE", self._path(temp), headers=headers)
        if status == 412:
            self._quietly_remove(temp)
            raise Conflict(f"{self.where}: {name} was replaced by another publisher meanwhile")
        if status >= 300:
            self._quietly_remove(temp)
            raise self._fail(status, _MOVING)

    def _quietly_remove(self, name: str) -> None:
        # When the server is gone, the temporary file is not the feed: leave it.
        with contextlib.suppress(PublishError):
            self._request("DELETE", self._path(name))

    def read(self, name: str) -> bytes:
        status, _, data = self._request("GET", self._path(name))
        if status >= 300:
            raise self._fail(status, "reading the published file")
        return data

    def remove(self, name: str) -> None:
        status, _, _ = self._request("DELETE", self._path(name))
        if status >= 300 and status != 404:
            raise self._fail(status, "deleting the old file")

    def first_checks(self) -> list[str]:
        """Warn when the folder lists its files to anyone: the random name would not hide."""
        status, _, data = self._request(
            "PROPFIND",
            self.folder,
            body=_PROPFIND,
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            auth=False,
        )
        if status != 207:
            return []
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            return []
        entries = root.findall(f"{_DAV}response")
        if len(entries) < 1:
            return []
        return [
            f"{self.where} lists its files to anyone without a password: anyone can find "
            "the feed there. Turn off listing (or use a folder that needs a login to list)"
        ]
