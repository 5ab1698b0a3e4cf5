"""Behind a TLS proxy (issue 19): `hipalign serve` in production mode on loopback, the test as
the proxy (it connects from 127.0.0.1 and sends what Caddy or nginx send). With
HIPALIGN_TRUSTED_PROXY the HTTPS redirect stops, HSTS and secure cookies appear; from a peer
that is not the proxy the same header is ignored (and the redirect is what an operator without
the setting saw on every request: the loop of issue 19)."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "clinic.example"
STARTUP_S = 90

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the server's proxy handling does not depend on the database; runs in the SQLite pass",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": HOST, **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proxy") / "data"


def _serve(data: Path, trusted: str) -> Iterator[int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    env |= {
        "HIPALIGN_ENV": "production",
        "HIPALIGN_SECRET_KEY": secrets.token_urlsafe(64),
        "HIPALIGN_ALLOWED_HOSTS": HOST,
        "HIPALIGN_TRUSTED_PROXY": trusted,
    }
    cmd = [sys.executable, "-m", "hipalign.cli.main", "serve", "--port", str(port)]
    log = data.parent / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*cmd, "--data", str(data), "--threads", "2"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_S
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    _get(port, "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            assert proc.poll() is None, log.read_text(errors="replace")
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def behind_proxy(data: Path) -> Iterator[int]:
    yield from _serve(data, "127.0.0.1")


@pytest.fixture(scope="module")
def other_proxy(data: Path, behind_proxy: int) -> Iterator[int]:
    yield from _serve(data, "192.0.2.10")  # a proxy elsewhere: this test is not it


def test_behind_the_trusted_proxy_https_is_seen_hsts_and_secure_cookies_follow(
    behind_proxy: int,
) -> None:
    page = _get(behind_proxy, "/login", **{"X-Forwarded-Proto": "https"})
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    cookies = page.headers.get_all("Set-Cookie") or []
    csrf = [c for c in cookies if c.startswith("__Host-csrftoken=")]
    assert csrf and "Secure" in csrf[0] and "Path=/" in csrf[0]


def test_behind_the_trusted_proxy_plain_http_is_redirected_once_to_https(
    behind_proxy: int,
) -> None:
    page = _get(behind_proxy, "/login?next=/today", **{"X-Forwarded-Proto": "http"})
    assert page.status == 301
    assert page.getheader("Location") == f"https://{HOST}/login?next=/today"
    assert page.getheader("Strict-Transport-Security") is None  # HSTS only over HTTPS


def test_the_forwarded_scheme_from_a_peer_that_is_not_the_proxy_is_ignored(
    other_proxy: int,
) -> None:
    page = _get(other_proxy, "/login", **{"X-Forwarded-Proto": "https"})
    assert page.status == 301  # what every request got before HIPALIGN_TRUSTED_PROXY
    assert page.getheader("Location") == f"https://{HOST}/login"
    assert page.getheader("Strict-Transport-Security") is None


def test_a_trusted_proxy_that_is_not_an_address_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIPALIGN_", "DJANGO_"))}
    env |= {
        "HIPALIGN_ENV": "local",
        "HIPALIGN_DATA": str(tmp_path),
        "HIPALIGN_TRUSTED_PROXY": "proxy.lan",
    }
    proc = subprocess.run(
        [sys.executable, "-c", "import hipalign.web.settings"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "HIPALIGN_TRUSTED_PROXY: 'proxy.lan' is not an IP address" in proc.stderr


def test_probes_answer_by_address_while_pages_still_need_the_public_host(
    behind_proxy: int,
) -> None:
    # A probe on the machine calls the process by address, not by the public host name.
    for path, ok in (("/healthz", b'"ok"'), ("/readyz", b'"ready"')):
        conn = http.client.HTTPConnection("127.0.0.1", behind_proxy, timeout=30)
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{behind_proxy}"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200 and ok in body, (path, response.status, body)
    page = _get(behind_proxy, "/login", Host=f"127.0.0.1:{behind_proxy}")
    assert page.status == 400  # host validation still guards every page


def test_each_request_is_logged_once_as_json(data: Path, behind_proxy: int) -> None:
    for _ in range(3):
        _get(behind_proxy, "/login", **{"X-Forwarded-Proto": "https"})
    printed = (data.parent / f"server-{behind_proxy}.log").read_text(errors="replace")
    lines = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    logins = [r for r in lines if r.get("logger") == "hipalign.request" and r["route"] == "/login"]
    assert len(logins) >= 3
    # waitress's basicConfig once added a plain root handler: every request printed twice.
    assert "INFO:hipalign" not in printed and "WARNING:hipalign" not in printed
