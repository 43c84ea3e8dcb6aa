"""A WebDAV server for the publishing tests: wsgidav, on 127.0.0.1, run as a script.

``python davserver.py ROOT PORT LOG`` serves ROOT/private (basic auth, user alex) at
/private/ and ROOT/public (anyone may list and write: a badly set up share) at /public/,
and appends "METHOD PATH" to LOG for every request, so tests count what was sent.
``python davserver.py ROOT PORT LOG CERT KEY`` serves the same over https.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

USER = "alex"
PASSWORD = "correct-horse-battery"

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def logged(app: App, log: Path) -> App:
    """``app``, writing one line per request to ``log`` before answering it."""
    lock = threading.Lock()

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock, log.open("a", encoding="utf-8") as out:
            length = environ.get("CONTENT_LENGTH") or "0"
            out.write(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {length}\n")
        return app(environ, start_response)

    return wrapper


def main() -> None:
    root, port, log = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    (root / "private").mkdir(parents=True, exist_ok=True)
    (root / "public").mkdir(parents=True, exist_ok=True)
    config = {
        "host": "127.0.0.1",
        "port": port,
        "provider_mapping": {"/private": str(root / "private"), "/public": str(root / "public")},
        "http_authenticator": {
            "domain_controller": None,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "simple_dc": {
            "user_mapping": {
                "/private": {USER: {"password": PASSWORD}},
                "/public": True,
            }
        },
        "dir_browser": {"enable": False},
        "verbose": 1,
        "logging": {"enable_loggers": []},
    }
    app = logged(WsgiDAVApp(config), log)
    server = wsgi.Server(("127.0.0.1", port), app, numthreads=4)
    if len(sys.argv) > 5:
        from cheroot.ssl.builtin import BuiltinSSLAdapter

        server.ssl_adapter = BuiltinSSLAdapter(sys.argv[4], sys.argv[5])
    server.start()


if __name__ == "__main__":
    main()
