"""The viewer's server: loopback only, nothing outside its two folders, clear bad-input errors."""

from __future__ import annotations

import http.client
import json
import socket
import warnings

import pytest
from fake_run import write_scene

import hyperdef
from hyperdef.viewer import server as srv


def request(port, path, method="GET"):
    """One raw request; http.client sends the path verbatim (no `..` clean-up, unlike browsers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


@pytest.fixture
def served(run_dir, fake_dist):
    folder, _ = run_dir
    url, server = srv.serve(folder, port=0, open_browser=False)
    yield url, server, server.server_address[1], folder
    server.stop()


def test_binds_loopback_only(served):
    url, server, port, _ = served
    assert server.server_address[0] == "127.0.0.1" and url == f"http://127.0.0.1:{port}/"
    # 127.0.0.2 reaches this machine too: a server bound to 0.0.0.0 would answer there.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()


def test_serves_page_scene_and_info(served):
    _, _, port, folder = served
    status, _, body = request(port, "/")
    assert status == 200 and b"<title>viewer</title>" in body
    status, kind, body = request(port, "/run/scene.czml")
    assert status == 200 and kind == "application/json"
    assert body == (folder / "scene.czml").read_bytes()
    status, _, body = request(port, "/run-info.json")
    info = json.loads(body)
    assert info["hyperdef_version"] == info["scene_version"] == hyperdef.__version__
    assert info["warning"] is None
    assert request(port, "/run/scene.czml", "HEAD")[2] == b""
    assert request(port, "/nothing-here.js")[0] == 404


@pytest.mark.parametrize("path", [
    "/run/../secret.txt", "/run/%2e%2e/secret.txt", "/run/..%2fsecret.txt",
    "/run/%2E%2E%2Fsecret.txt", "/../secret.txt", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/run/../../../../../../etc/passwd", "/run//etc/passwd", "/run/%00scene.czml",
    "/run/link/secret.txt",
])
def test_paths_outside_the_run_folder_are_refused(served, path):
    _, _, port, folder = served
    secret = folder.parent / "secret.txt"
    secret.write_text("not for the browser")
    link = folder / "link"
    if not link.exists():
        link.symlink_to(folder.parent, target_is_directory=True)
    status, _, body = request(port, path)
    assert status in (403, 404) and b"not for the browser" not in body
    assert b"root:" not in body


def test_only_get_and_head(served):
    assert request(served[2], "/run/scene.czml", "POST")[0] == 501


def test_fixed_port_in_use_is_an_error(run_dir, fake_dist):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(srv.PortInUseError, match=f"port {port} .* in use"):
            srv.serve(run_dir[0], port=port, open_browser=False)


def test_busy_default_port_takes_another(run_dir, fake_dist, monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setattr(srv, "DEFAULT_PORT", busy.getsockname()[1])
        url, server = srv.serve(run_dir[0], open_browser=False)
        try:
            assert server.server_address[1] != busy.getsockname()[1]
            assert request(server.server_address[1], "/")[0] == 200
        finally:
            server.stop()


def test_missing_scene_says_how_to_regenerate(tmp_path, fake_dist):
    with pytest.raises(srv.SceneNotFoundError, match=r"no scene\.czml.*hyperdef report"):
        srv.serve(tmp_path, open_browser=False)


def test_unreadable_scene_is_an_error(tmp_path, fake_dist):
    (tmp_path / "scene.czml").write_text('[{"id": "document", "version": "1.0"}, {"id": ')
    with pytest.raises(srv.SceneInvalidError, match=r"not a readable CZML.*hyperdef report"):
        srv.serve(tmp_path, open_browser=False)


def test_scene_from_another_version_warns(tmp_path, fake_dist):
    write_scene(tmp_path / "scene.czml", "0.0.3")
    with pytest.warns(srv.SceneVersionWarning, match=r"hyperdef 0\.0\.3.*hyperdef report"):
        url, server = srv.serve(tmp_path, port=0, open_browser=False)
    try:
        info = json.loads(request(server.server_address[1], "/run-info.json")[2])
        assert "0.0.3" in info["warning"]
    finally:
        server.stop()
    major, minor, *_ = hyperdef.__version__.split(".")
    write_scene(tmp_path / "scene.czml", f"{major}.{minor}.99")  # a patch release: no message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        srv.serve(tmp_path, port=0, open_browser=False)[1].stop()


def test_unbuilt_viewer_says_how_to_build(run_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERDEF_VIEWER_DIST", str(tmp_path / "empty"))
    with pytest.raises(srv.ViewerNotBuiltError, match="make viewer"):
        srv.serve(run_dir[0], open_browser=False)


def test_opens_the_browser_when_asked(run_dir, fake_dist, monkeypatch):
    opened = []
    monkeypatch.setattr(srv.webbrowser, "open", opened.append)
    url, server = srv.serve(run_dir[0], port=0)
    server.stop()
    assert opened == [url]


def request_host(port, path, host):
    """One request with the Host header a rebinding page (or a browser) would send."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("host", [
    "evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}", "localhost.evil:{port}",
    "127.0.0.2:{port}", "0.0.0.0:{port}", "127.0.0.1:1{port}", "", None,
])
def test_foreign_host_names_are_refused(served, host):
    """DNS rebinding: the browser connects to 127.0.0.1 but sends the attacker's host name."""
    _, _, port, _ = served
    for path in ("/run/scene.czml", "/", "/run-info.json"):
        status, body = request_host(port, path, None if host is None else host.format(port=port))
        assert status == 403 and b"czml" not in body.lower(), (host, path)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}",
                                  "[::1]:{port}", "127.0.0.1", "localhost"])
def test_loopback_host_names_are_served(served, host):
    _, _, port, folder = served
    status, body = request_host(port, "/run/scene.czml", host.format(port=port))
    assert status == 200 and body == (folder / "scene.czml").read_bytes()


@pytest.mark.parametrize("name", ["manifest.json", "truth.zarr/.zattrs", "metrics.parquet",
                                  "scenario.resolved.yaml", "report.html"])
def test_only_the_scene_of_the_run_folder_is_served(served, name):
    _, _, port, folder = served
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("run data the page does not need")
    status, _, body = request(port, f"/run/{name}")
    assert status == 404 and b"run data" not in body
