"""A TLS-terminating proxy for the publishing tests: run as a script on 127.0.0.1.

``python tlsproxy.py PORT CERT KEY BACKEND`` takes https on PORT and passes each
connection on, byte for byte, to plain http on 127.0.0.1:BACKEND: a WebDAV server behind
a proxy that changes https to http and leaves the Destination header as it was.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading


def pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy ``source`` to ``sink`` until ``source`` ends, then end ``sink``'s writing."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def serve(client: socket.socket, backend: int) -> None:
    with client, socket.create_connection(("127.0.0.1", backend)) as server:
        back = threading.Thread(target=pipe, args=(server, client), daemon=True)
        back.start()
        pipe(client, server)
        back.join()


def main() -> None:
    port, cert, key, backend = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with socket.create_server(("127.0.0.1", port)) as listener:
        while True:
            raw, _ = listener.accept()
            try:
                client = context.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError):
                raw.close()
                continue
            threading.Thread(target=serve, args=(client, backend), daemon=True).start()


if __name__ == "__main__":
    main()
