"""afterview publish when the WebDAV server or the folder is not as it should be: one line
that says what is wrong and what to do, exit 12, and the published file left as it was.

The servers are real, on 127.0.0.1: wsgidav over https with a certificate of its own,
wsgidav whose disk fills up, and wsgidav behind a proxy that changes https to http.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.publish import publisher
from afterview.tracker.store import Store
from conftest import RunCli
from loopback import free_port, make_certificate
from publishing import RENDER, Dav, start_dav, start_tls_proxy, tracked

PASSWORD = "correct-horse-battery"
Tls = tuple[Path, Path]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A tracker holding one interview."""
    path = tmp_path / "tracker.db"
    tracked(path)
    return path


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The WebDAV password, where afterview looks for it by default."""
    monkeypatch.setenv("AFTERVIEW_PUBLISH_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for 127.0.0.1, and its key."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def dav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dav]:
    """wsgidav over plain http."""
    yield from start_dav(tmp_path_factory.mktemp("dav"))


@pytest.fixture(scope="module")
def https_dav(tmp_path_factory: pytest.TempPathFactory, tls: Tls) -> Iterator[Dav]:
    """wsgidav over https, with the self-signed certificate."""
    yield from start_dav(tmp_path_factory.mktemp("davs"), tls=tls)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (hidden ones too) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


# ---------------------------------------------------------------------------- TLS


def test_an_untrusted_certificate_says_so_and_ssl_cert_file_fixes_it(
    run_cli: RunCli,
    https_dav: Dav,
    tls: Tls,
    db: Path,
    password: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A self-signed certificate is named as such, with the fix that then works."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    before = files_of(https_dav.root / "private")
    result = run_cli("publish", "--to", https_dav.private, "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        f"afterview: {https_dav.private}: the server's certificate is not trusted "
        "(self-signed certificate): if the server uses its own certificate, point "
        "SSL_CERT_FILE at it (or at the CA certificate that signed it)"
    )
    assert files_of(https_dav.root / "private") == before
    monkeypatch.setenv("SSL_CERT_FILE", str(tls[0]))
    trusted = run_cli("publish", "--to", https_dav.private, "--db", db)
    assert trusted.exit_code == 0, trusted.output
    assert len(files_of(https_dav.root / "private")) == len(before) + 1


def test_a_certificate_for_another_host_says_which_name_to_use(
    run_cli: RunCli,
    https_dav: Dav,
    tls: Tls,
    db: Path,
    password: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Trusted, but made for 127.0.0.1 and not localhost: the host name is the problem."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls[0]))
    url = f"https://alex@localhost:{https_dav.port}/private/"
    result = run_cli("publish", "--to", url, "--db", db)
    assert result.exit_code == 12
    line = one_line(result.output)
    assert "the server's certificate is not trusted (Hostname mismatch" in line
    assert "use the host name the certificate was made for" in line


@pytest.mark.parametrize("scheme", ["https", "davs"])
def test_tls_to_a_plain_http_port_says_the_server_speaks_no_tls_there(
    run_cli: RunCli, dav: Dav, db: Path, password: str, scheme: str
) -> None:
    """https:// or davs:// at a port that answers plain http."""
    url = f"{scheme}://alex@127.0.0.1:{dav.port}/private/"
    result = run_cli("publish", "--to", url, "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        f"afterview: {url}: the server does not speak TLS (https) on port {dav.port}: give "
        "the port it serves https on (443 unless told otherwise)"
    )


def test_nothing_listens_on_the_https_port(run_cli: RunCli, db: Path, password: str) -> None:
    """The connection made early (while the file is made) fails: the reason is still given."""
    url = f"https://alex@127.0.0.1:{free_port()}/private/"
    result = run_cli("publish", "--to", url, "--db", db)
    assert result.exit_code == 12
    assert "cannot reach the server (Connection refused)" in one_line(result.output)


# ---------------------------------------------------------------------------- the server fails


def test_a_full_disk_answering_500_keeps_the_old_file(
    run_cli: RunCli, db: Path, password: str, tmp_path: Path
) -> None:
    """wsgidav that cannot write the upload answers 500: one line, the old file untouched."""
    generator = start_dav(tmp_path / "full", room=8000)
    full = next(generator)
    try:
        with Store(db) as store:
            first = publisher.publish(
                store, full.private, now=RENDER, detail="busy", password=password
            )
            assert len(publisher.render(store, now=RENDER, detail="full")) > 8000
        before = files_of(full.root / "private")
        assert list(before) == [first.name]
        result = run_cli("publish", "--to", full.private, "--detail", "full", "--db", db)
        assert result.exit_code == 12
        assert one_line(result.output) == (
            f"afterview: {full.private}: the server failed while uploading (500 Internal "
            "Server Error) (out of space, perhaps): try again later, or ask its admin if it "
            "keeps failing; the old published file is left as it was"
        )
        assert any(line.startswith("PUT ") for line in full.requests())
        assert files_of(full.root / "private") == before  # the partial upload is gone
    finally:
        generator.close()


def test_a_proxy_that_breaks_move_says_to_rewrite_destination(
    run_cli: RunCli,
    dav: Dav,
    tls: Tls,
    db: Path,
    password: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Behind a proxy that turns https into http, wsgidav answers the MOVE 502."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls[0]))
    proxy = start_tls_proxy(dav.port, tls)
    port = next(proxy)
    try:
        before = files_of(dav.root / "private")
        url = f"https://alex@127.0.0.1:{port}/private/"
        result = run_cli("publish", "--to", url, "--db", db)
        assert result.exit_code == 12
        assert one_line(result.output) == (
            f"afterview: {url}: the server would not move the upload into place (502 Bad "
            "Gateway): it takes the destination for another server's, as when a proxy in "
            "front of it changes https to http or the host name; ask its admin to have the "
            "proxy rewrite the Destination header (the old published file is left as it was)"
        )
        assert any(line.startswith("MOVE ") for line in dav.requests())
        assert files_of(dav.root / "private") == before
    finally:
        proxy.close()


@pytest.mark.parametrize(
    ("address", "destination"),
    [
        ("https://alex@dav.example.org/cal/", "https://dav.example.org/cal/f.ics"),
        ("davs://alex@dav.example.org:443/cal/", "https://dav.example.org/cal/f.ics"),
        ("https://alex@dav.example.org:8443/cal/", "https://dav.example.org:8443/cal/f.ics"),
        ("http://alex@[::1]/cal/", "http://[::1]/cal/f.ics"),
        ("http://alex@[::1]:8080/cal/", "http://[::1]:8080/cal/f.ics"),
    ],
)
def test_the_move_destination_names_the_host_as_the_host_header_does(
    address: str, destination: str
) -> None:
    """No :443 the Host header lacks, brackets around IPv6: else wsgidav answers MOVE 502."""
    from afterview.publish.webdav import WebDavTarget

    assert WebDavTarget(address, PASSWORD)._url_of("f.ics") == destination


# ---------------------------------------------------------------------------- the password


@pytest.mark.parametrize("variable", ["AFTERVIEW_PUBLISH_PASSWORD", "DAV_PW"])
def test_an_empty_password_variable_says_it_is_empty(
    run_cli: RunCli, dav: Dav, db: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """A variable that is set to nothing is no wrong password: say it is empty."""
    monkeypatch.setenv(variable, "")
    result = run_cli("publish", "--to", dav.private, "--password-env", variable, "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        f"afterview: {dav.private}: the password for alex is empty: the variable that holds "
        "it (named by --password-env, $AFTERVIEW_PUBLISH_PASSWORD unless told otherwise) is "
        "set to nothing: put the password in it, or unset it to use the system keyring"
    )


# ---------------------------------------------------------------------------- file://


@pytest.mark.parametrize("address", ["file://", "file:", "file://localhost"])
def test_a_file_address_without_a_path_is_refused(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    """No path is no folder: nothing lands in the working folder."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run_cli("publish", "--to", address, "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        "afterview: file:// names no folder: give the folder's full path, as "
        f"file://{Path.home() / 'Dropbox'}"
    )
    assert list(here.iterdir()) == []


def test_a_relative_file_address_is_refused(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """file:Dropbox would depend on where afterview runs: ask for the full path."""
    (tmp_path / "Dropbox").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run_cli("publish", "--to", "file:Dropbox", "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        f"afterview: file:Dropbox: give the folder's full path, as file://{tmp_path / 'Dropbox'}"
    )
    assert list((tmp_path / "Dropbox").iterdir()) == []


def test_a_file_address_naming_a_file_says_it_is_not_a_folder(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """file:///x/settings.toml is a file: say so, and name the folder it is in."""
    settings = tmp_path / "settings.toml"
    settings.write_text("x = 1\n")
    result = run_cli("publish", "--to", f"file://{settings}", "--db", db)
    assert result.exit_code == 12
    assert one_line(result.output) == (
        f"afterview: file://{settings} is a file, not a folder: give the folder to publish "
        f"into (file://{tmp_path}, say)"
    )
    assert settings.read_text() == "x = 1\n"


def test_a_missing_folder_is_still_no_such_folder(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """A path that names nothing keeps its own message."""
    result = run_cli("publish", "--to", f"file://{tmp_path / 'nope'}", "--db", db)
    assert result.exit_code == 12
    assert "no such folder: create it" in one_line(result.output)
