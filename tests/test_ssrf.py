"""SSRF: ingest cannot be pointed inward, by a URL, a redirect, DNS, or a file path.

Every server here listens on loopback (127.0.0.1 and 127.0.0.2, both ours). Refused
addresses are refused at validation: the tests assert no request reached them, and
nothing is ever sent anywhere else.
"""

import ipaddress
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from ingest import fetch
from ingest.fetch import FetchError, check_url, fetch_url, forbidden_reason, read_path
from ingest.models import AIModel, DataSource, IngestRun

from .ingest_fixtures import SNAPSHOTS, make_source, run_once

CSV = (SNAPSHOTS / "epoch" / "notable_ai_models.csv").read_bytes()


class Server:
    """A loopback server on ``host``: each path answers a body or redirects; hits are recorded."""

    def __init__(self, host="127.0.0.1"):
        self.routes, self.hits = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.hits.append({"path": self.path, "host": self.headers.get("Host")})
                kind, value = server.routes.get(self.path, ("status", 404))
                if kind == "redirect":
                    self.send_response(302)
                    self.send_header("Location", value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = value if kind == "body" else b"no"
                self.send_response(200 if kind == "body" else value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://{host}:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers(settings):
    """Two loopback servers; only the first one's address (127.0.0.1) is allowed."""
    settings.CLAIMWATCH_INGEST_ALLOW_PRIVATE = False
    settings.CLAIMWATCH_INGEST_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.CLAIMWATCH_INGEST_ATTEMPTS = 1
    settings.CLAIMWATCH_INGEST_TIMEOUT = 2
    allowed, inner = Server("127.0.0.1"), Server("127.0.0.2")
    yield allowed, inner
    allowed.close()
    inner.close()


def _get(url):
    return fetch_url(url, max_bytes=10_000_000, timeout=2, attempts=1)


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("100.100.100.200", "not globally routable"), ("100.64.0.1", "not globally routable"),
    ("224.0.0.251", "multicast"), ("239.255.255.250", "multicast"), ("240.0.0.1", "private"), ("0.0.0.0", "unspecified"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::7f00:1", "loopback"), ("2001:db8::1", "private"),
])
def test_inward_addresses_are_refused_with_their_reason(address, reason):
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "151.101.1.69"])
def test_public_addresses_pass(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


def test_a_redirect_to_a_refused_address_is_not_followed(servers):
    allowed, inner = servers
    inner.routes["/secret"] = ("body", b"internal only")
    allowed.routes["/public.csv"] = ("redirect", inner.base + "/secret")
    with pytest.raises(FetchError, match=r"resolves to a loopback address \(127\.0\.0\.2\)"):
        _get(allowed.base + "/public.csv")
    assert [h["path"] for h in allowed.hits] == ["/public.csv"]
    assert inner.hits == []


def test_every_hop_is_checked_and_an_allowed_chain_is_followed(servers, settings):
    allowed, inner = servers
    settings.CLAIMWATCH_INGEST_ALLOWED_NETWORKS = ["127.0.0.1/32", "127.0.0.2/32"]
    inner.routes["/data.csv"] = ("body", b"a,b\n1,2\n")
    allowed.routes["/start"] = ("redirect", "/middle")  # relative Location
    allowed.routes["/middle"] = ("redirect", inner.base + "/data.csv")
    payload = _get(allowed.base + "/start")
    assert payload.data == b"a,b\n1,2\n"
    assert payload.upstream == inner.base + "/data.csv"
    assert [h["path"] for h in allowed.hits] == ["/start", "/middle"] and len(inner.hits) == 1


def test_a_redirect_loop_stops_after_five_hops(servers):
    allowed, _ = servers
    allowed.routes["/loop"] = ("redirect", "/loop")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        _get(allowed.base + "/loop")
    assert len(allowed.hits) == 6


def test_the_connection_goes_to_the_checked_address_with_the_real_host_name(servers, monkeypatch):
    """DNS rebinding: the name is resolved once; a second answer could never be used."""
    allowed, inner = servers
    allowed.routes["/x.csv"] = ("body", b"from the checked address")
    inner.routes["/x.csv"] = ("body", b"from the rebound address")
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])
    lookups = []

    def rebinding_dns(host, port):
        lookups.append(host)
        return next(answers)

    monkeypatch.setattr(fetch, "_resolve", rebinding_dns)
    port = allowed.base.rsplit(":", 1)[1]
    payload = _get(f"http://data.example:{port}/x.csv")
    assert payload.data == b"from the checked address"
    assert lookups == ["data.example"]
    assert allowed.hits == [{"path": "/x.csv", "host": f"data.example:{port}"}]
    assert inner.hits == []


def test_a_name_with_any_inward_record_is_refused_before_connecting(servers, monkeypatch):
    allowed, _ = servers
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["127.0.0.1", "169.254.169.254"])
    port = allowed.base.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match=r"resolves to a link-local address \(169\.254\.169\.254\)"):
        _get(f"http://metadata.example:{port}/x")
    assert allowed.hits == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "http:///nohost", "ftp://example.org/x"])
def test_only_http_and_https_urls_are_fetched(url):
    with pytest.raises(FetchError, match="only http and https"):
        check_url(url)


def test_https_keeps_the_host_name_for_sni_and_the_host_header(monkeypatch, settings):
    settings.CLAIMWATCH_INGEST_ALLOW_PRIVATE = False
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.215.14"])
    target = check_url("https://data.example/path/file.csv?x=1")
    assert target.pinned_url == "https://93.184.215.14:443/path/file.csv?x=1"
    assert target.host_header == "data.example"
    v6 = check_url("http://[2606:4700:4700::1111]:8080/a")
    assert v6.pinned_url == "http://[2606:4700:4700::1111]:8080/a" and v6.host_header == "[2606:4700:4700::1111]:8080"


@pytest.mark.django_db
def test_a_run_redirected_inward_fails_and_stores_nothing(servers):
    allowed, inner = servers
    inner.routes["/secret.csv"] = ("body", CSV)
    allowed.routes["/models.csv"] = ("redirect", inner.base + "/secret.csv")
    run = run_once(make_source("redirected", "epoch-models", url=allowed.base + "/models.csv", allow_private=True))
    assert run.status == IngestRun.Status.FAILED
    assert "refusing to fetch" in run.error and "127.0.0.2" in run.error
    assert AIModel.objects.count() == 0 and inner.hits == []


# --- Paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc/passwd", "ingest/snapshots/../../manage.py", "../etc/passwd",
                                  "project/settings.py", str(SNAPSHOTS.parent / "fetch.py")])
def test_paths_outside_the_snapshot_folder_are_refused(path):
    with pytest.raises(FetchError, match="must be inside ingest/snapshots/"):
        read_path(path, 10_000_000)


def test_a_symlink_inside_the_snapshots_that_leads_out_is_refused():
    link = SNAPSHOTS / "test-ssrf-link.csv"
    try:
        os.symlink("/etc/passwd", link)
        with pytest.raises(FetchError, match="must be inside ingest/snapshots/"):
            read_path("ingest/snapshots/test-ssrf-link.csv", 10_000_000)
    finally:
        link.unlink(missing_ok=True)


def test_a_snapshot_path_is_read():
    payload = read_path("ingest/snapshots/epoch/notable_ai_models.csv", 10_000_000)
    assert payload.data == CSV


@pytest.mark.django_db
def test_a_run_on_etc_passwd_fails_without_echoing_the_file():
    run = run_once(make_source("passwd", "epoch-models", path="/etc/passwd"))
    assert run.status == IngestRun.Status.FAILED
    assert run.error == "refusing to read '/etc/passwd': data source files must be inside ingest/snapshots/"
    assert "root:" not in run.error and "root:" not in run.upstream


@pytest.mark.django_db
def test_the_model_refuses_a_path_outside_the_snapshots():
    source = DataSource(slug="x", name="x", kind="epoch-models", path="/etc/passwd")
    with pytest.raises(ValidationError) as info:
        source.full_clean()
    assert "must be inside ingest/snapshots/" in str(info.value.message_dict["path"])
    source.path = "ingest/snapshots/epoch/notable_ai_models.csv"
    source.full_clean()


@pytest.mark.django_db
def test_the_admin_form_refuses_a_path_outside_the_snapshots(admin_client):
    response = admin_client.post("/admin/ingest/datasource/add/", {
        "slug": "passwd", "name": "passwd", "kind": "epoch-models", "path": "/etc/passwd", "options": "{}",
        "interval_minutes": "60", "enabled": "on",
    })
    assert response.status_code == 200
    assert "must be inside ingest/snapshots/" in response.content.decode()
    assert not DataSource.objects.filter(slug="passwd").exists()
